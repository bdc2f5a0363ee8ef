package io.payg.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs on the build machines, so the container files are checked as data:
 * the compose file parses, everything it mounts exists, the gateway's environment names are
 * settings the README declares, and the paths the image and Prometheus probe are served.
 */
class ContainerFilesTest {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(ContainerFilesTest.class);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> compose() throws Exception {
    return new Yaml().load(Files.readString(ROOT.resolve("compose.yaml")));
  }

  @SuppressWarnings("unchecked")
  @Test
  void composeMountsOnlyFilesThatExistAndNamesOnlyDeclaredSettings() throws Exception {
    Map<String, Object> services = (Map<String, Object>) compose().get("services");
    assertEquals(Set.of("postgres", "gateway", "prometheus", "grafana"), services.keySet());
    for (Object service : services.values()) {
      for (Object volume :
          (List<Object>) ((Map<String, Object>) service).getOrDefault("volumes", List.of())) {
        String source = volume.toString().split(":")[0];
        if (source.startsWith("./")) {
          assertTrue(
              Files.exists(ROOT.resolve(source)), "compose mounts a missing path: " + source);
        }
      }
    }
    Set<String> declared = readmeSettings();
    Map<String, Object> env =
        (Map<String, Object>) ((Map<String, Object>) services.get("gateway")).get("environment");
    for (String name : env.keySet()) {
      assertTrue(
          declared.contains(name), "compose sets " + name + ", which the README does not declare");
    }
  }

  @Test
  void theImageRunsAsNonRootWithoutSecretsAndProbesAServedPath() throws Exception {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    String runtime = dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
    assertTrue(runtime.contains("-jre"), "the runtime stage is a JRE image");
    Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(runtime);
    assertTrue(
        user.find() && !"root".equals(user.group(1)) && !"0".equals(user.group(1)),
        "runs as a non-root user");
    assertFalse(
        Pattern.compile("(?mi)^ENV\\s.*(SECRET|PASSWORD|PRIVATE_KEY)")
            .matcher(dockerfile)
            .find(),
        "no secret baked into the image");
    String finalName = Pattern.compile("<finalName>([^<]+)</finalName>")
        .matcher(Files.readString(ROOT.resolve("gateway/pom.xml")))
        .results()
        .findFirst()
        .orElseThrow()
        .group(1);
    assertTrue(
        runtime.contains("/src/gateway/target/" + finalName + ".jar"),
        "copies the jar the build makes");
    Matcher health = Pattern.compile("HEALTHCHECK[\\s\\S]*?http://127\\.0\\.0\\.1:8080(/\\S+)")
        .matcher(runtime);
    assertTrue(health.find(), "a health check on the gateway");
    assertEquals(200, gw.get(health.group(1), null).statusCode(), "the health check path answers");
  }

  @SuppressWarnings("unchecked")
  @Test
  void prometheusScrapesTheGatewaysMetricsAndGrafanaGetsTheDashboard() throws Exception {
    Map<String, Object> prometheus =
        new Yaml().load(Files.readString(ROOT.resolve("docs/compose/prometheus.yml")));
    Map<String, Object> job = ((List<Map<String, Object>>) prometheus.get("scrape_configs")).get(0);
    String path = (String) job.get("metrics_path");
    String target = ((List<String>)
            ((List<Map<String, Object>>) job.get("static_configs")).get(0).get("targets"))
        .get(0);
    assertTrue(target.startsWith("gateway:"), "scrapes the compose service");
    // the port it scrapes is the gateway's management listener as compose configures it
    Map<String, Object> gatewayEnv = (Map<String, Object>)
        ((Map<String, Object>) ((Map<String, Object>) compose().get("services")).get("gateway"))
            .get("environment");
    assertEquals(
        String.valueOf(gatewayEnv.get("METRICS_PORT")), target.substring(target.indexOf(':') + 1));
    assertEquals(
        "0.0.0.0",
        String.valueOf(gatewayEnv.get("METRICS_HOST")),
        "reachable from the Prometheus container");
    var metrics = GatewayFixture.await(
        gw.http.getAbs("http://127.0.0.1:" + gw.app.metricsPort() + path).send());
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.bodyAsString().contains("jvm_"), "Prometheus text");
    new JsonObject(
        Files.readString(ROOT.resolve("docs/grafana/payg-gateway.json"))); // the dashboard parses
    assertTrue(
        Files.exists(ROOT.resolve("docs/compose/grafana/provisioning/datasources/prometheus.yml")));
  }

  /** The environment variables of the README's configuration table. */
  static Set<String> readmeSettings() throws Exception {
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\| (`[A-Z0-9_]+`(?:, `[A-Z0-9_]+`)*) \\|")
        .matcher(Files.readString(ROOT.resolve("README.md")));
    while (m.find()) {
      Matcher name = Pattern.compile("`([A-Z0-9_]+)`").matcher(m.group(1));
      while (name.find()) {
        names.add(name.group(1));
      }
    }
    return names;
  }
}
