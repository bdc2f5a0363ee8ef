package io.payg.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.auth.AccessTokens;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.auth.SigningKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the JWT keys come from, and the gateway refusing to start without usable ones. */
class AuthSettingsTest {

  static final SigningKeys.PemPair PAIR = SigningKeys.generateEs256();

  static Map<String, String> env(String... kv) {
    Map<String, String> env = new HashMap<>(Map.of(
        "DATABASE_URL",
        "postgresql://postgres@127.0.0.1:5432/x",
        "SECRETS_KEY",
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="));
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return env;
  }

  static String refusal(Map<String, String> env, boolean demo) {
    return assertThrows(IllegalStateException.class, () -> {
          GatewayConfig c = GatewayConfig.fromEnv(env, demo).validated();
          SigningKeys.from(c.auth(), c.jwtSecret(), c.demo());
        })
        .getMessage();
  }

  @Test
  void outsideDemoModeMissingKeysRefuseToStart() {
    assertTrue(refusal(env(), false).contains("JWT_PRIVATE_KEY and JWT_PUBLIC_KEY"));
    assertTrue(
        refusal(env("JWT_PRIVATE_KEY", PAIR.privateKeyPem()), false).contains("JWT_PUBLIC_KEY"));
  }

  @Test
  void hs256AndUnknownAlgorithmsAreRefusedOutsideDemo() {
    assertTrue(refusal(env("JWT_ALGORITHM", "HS256", "JWT_SECRET", "x".repeat(40)), false)
        .contains("demo mode only"));
    assertTrue(refusal(env("JWT_ALGORITHM", "none"), false).contains("JWT_ALGORITHM"));
    // in demo mode HS256 still needs a real secret
    assertTrue(refusal(env("JWT_ALGORITHM", "HS256"), true).contains("JWT_SECRET"));
  }

  @Test
  void keysThatAreNotOnePairOrNotPkcs8AreRefused() {
    SigningKeys.PemPair other = SigningKeys.generateEs256();
    assertTrue(refusal(
            env("JWT_PRIVATE_KEY", PAIR.privateKeyPem(), "JWT_PUBLIC_KEY", other.publicKeyPem()),
            false)
        .contains("not one key pair"));
    String sec1 = PAIR.privateKeyPem().replace("PRIVATE KEY", "EC PRIVATE KEY");
    assertTrue(refusal(env("JWT_PRIVATE_KEY", sec1, "JWT_PUBLIC_KEY", PAIR.publicKeyPem()), false)
        .contains("PKCS#8"));
    // an EC pair is no RS256 key
    assertTrue(refusal(
            env(
                "JWT_ALGORITHM",
                "RS256",
                "JWT_PRIVATE_KEY",
                PAIR.privateKeyPem(),
                "JWT_PUBLIC_KEY",
                PAIR.publicKeyPem()),
            false)
        .contains("not RSA keys"));
  }

  @Test
  void keysFromFilesOrTextWork(@TempDir Path dir) throws Exception {
    Path key = Files.writeString(dir.resolve("jwt.key"), PAIR.privateKeyPem());
    Path pub = Files.writeString(dir.resolve("jwt.pub"), PAIR.publicKeyPem());
    GatewayConfig fromFiles = GatewayConfig.fromEnv(
            env("JWT_PRIVATE_KEY_FILE", key.toString(), "JWT_PUBLIC_KEY_FILE", pub.toString()),
            false)
        .validated();
    assertEquals("ES256", SigningKeys.from(fromFiles.auth(), "", false).algorithm());
    // PEM pasted into one line with literal \n
    GatewayConfig fromText = GatewayConfig.fromEnv(
            env(
                "JWT_PRIVATE_KEY",
                PAIR.privateKeyPem().replace("\n", "\\n"),
                "JWT_PUBLIC_KEY",
                PAIR.publicKeyPem()),
            false)
        .validated();
    assertEquals(2, SigningKeys.from(fromText.auth(), "", false).keys().size());
    assertTrue(refusal(
            env(
                "JWT_PRIVATE_KEY_FILE",
                dir.resolve("missing.key").toString(),
                "JWT_PUBLIC_KEY_FILE",
                pub.toString()),
            false)
        .contains("cannot be read"));
  }

  @Test
  void rs256KeysSignTokensTheGatewayVerifies() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    KeyPair kp = gen.generateKeyPair();
    GatewayConfig c = GatewayConfig.fromEnv(
            env(
                "JWT_ALGORITHM",
                "RS256",
                "JWT_PRIVATE_KEY",
                pem("PRIVATE KEY", kp.getPrivate().getEncoded()),
                "JWT_PUBLIC_KEY",
                pem("PUBLIC KEY", kp.getPublic().getEncoded())),
            false)
        .validated();
    Vertx vertx = Vertx.vertx();
    try {
      AccessTokens tokens =
          new AccessTokens(vertx, SigningKeys.from(c.auth(), "", false), Duration.ofMinutes(15));
      String token = tokens
          .issue(new Caller(UUID.randomUUID(), UUID.randomUUID(), Role.OPERATOR))
          .getString("accessToken");
      JsonObject header = new JsonObject(
          new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8));
      assertEquals("RS256", header.getString("alg"));
      User user = tokens
          .provider()
          .authenticate(new TokenCredentials(token))
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      assertEquals("OPERATOR", user.principal().getString("role"));
    } finally {
      vertx.close();
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END " + type + "-----";
  }

  @Test
  void demoModeMakesAnEphemeralEs256Pair() {
    GatewayConfig demo = GatewayConfig.fromEnv(env(), true).validated();
    SigningKeys keys = SigningKeys.from(demo.auth(), demo.jwtSecret(), true);
    assertEquals("ES256", keys.algorithm());
    assertEquals(2, keys.keys().size());
    // HS256 only where asked for, in demo mode, with its secret
    GatewayConfig hs = GatewayConfig.fromEnv(
            env("JWT_ALGORITHM", "HS256", "JWT_SECRET", "d".repeat(32)), true)
        .validated();
    assertEquals("HS256", SigningKeys.from(hs.auth(), hs.jwtSecret(), true).algorithm());
  }
}
