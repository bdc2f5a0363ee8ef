package io.payg.telco.vodacomtz;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throw-away certificates for the result leg's mutual TLS, made with the JDK's keytool at test time
 * (never committed): a test CA, a server certificate for 127.0.0.1 / localhost (the broker's result
 * endpoint) and a client certificate (what Vodacom would issue the merchant), plus a second
 * self-signed client certificate the CA did not sign. Made once per JVM.
 */
public final class TestPki {

  public record Pem(String certificate, String privateKey) {}

  public final String caCertificate;
  public final Pem server;
  public final Pem client;
  /** Not signed by the CA: the broker refuses the handshake. */
  public final Pem stranger;

  private static TestPki instance;

  private TestPki(String caCertificate, Pem server, Pem client, Pem stranger) {
    this.caCertificate = caCertificate;
    this.server = server;
    this.client = client;
    this.stranger = stranger;
  }

  public static synchronized TestPki get() {
    if (instance == null) {
      try {
        instance = create(Files.createTempDirectory("payg-test-pki"));
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException("cannot make test certificates with keytool", e);
      }
    }
    return instance;
  }

  private static TestPki create(Path dir) throws IOException, InterruptedException {
    String ca = dir.resolve("ca.p12").toString();
    genkey(ca, "ca", "CN=payg test CA", "bc:c");
    String caPem =
        run(null, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", PASS);
    Pem server = signed(dir, ca, "server", "CN=127.0.0.1", "san=ip:127.0.0.1,dns:localhost");
    Pem client = signed(dir, ca, "client", "CN=payg merchant", "eku=clientAuth");
    String strangerStore = dir.resolve("stranger.p12").toString();
    genkey(strangerStore, "stranger", "CN=stranger", null);
    Pem stranger = new Pem(
        run(
            null,
            "-exportcert",
            "-rfc",
            "-alias",
            "stranger",
            "-keystore",
            strangerStore,
            "-storepass",
            PASS),
        key(strangerStore, "stranger"));
    return new TestPki(caPem, server, client, stranger);
  }

  private static final String PASS = "test-pass";

  private static Pem signed(Path dir, String ca, String alias, String dname, String ext)
      throws IOException, InterruptedException {
    String store = dir.resolve(alias + ".p12").toString();
    genkey(store, alias, dname, null);
    String csr = run(null, "-certreq", "-alias", alias, "-keystore", store, "-storepass", PASS);
    String cert = run(
        csr,
        "-gencert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        ca,
        "-storepass",
        PASS,
        "-validity",
        "2",
        "-ext",
        ext);
    return new Pem(cert, key(store, alias));
  }

  private static void genkey(String store, String alias, String dname, String ext)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of(
        "-genkeypair",
        "-alias",
        alias,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        dname,
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        store,
        "-storepass",
        PASS,
        "-keypass",
        PASS));
    if (ext != null) {
      args.addAll(List.of("-ext", ext));
    }
    run(null, args.toArray(String[]::new));
  }

  private static String key(String store, String alias) throws IOException {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(new ByteArrayInputStream(Files.readAllBytes(Path.of(store))), PASS.toCharArray());
      PrivateKey k = (PrivateKey) ks.getKey(alias, PASS.toCharArray());
      return "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(k.getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static String run(String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.US_ASCII));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.US_ASCII);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + args[0] + " failed: " + err);
    }
    return out;
  }
}
