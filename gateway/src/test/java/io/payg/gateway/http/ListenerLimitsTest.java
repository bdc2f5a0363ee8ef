package io.payg.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API listener as the internet meets it: https when a certificate is configured (and then
 * nothing in plain text), at most HTTP_MAX_CONNECTIONS sockets per instance, idle sockets closed.
 */
class ListenerLimitsTest {

  static SelfSignedCertificate cert;
  static GatewayFixture tls;
  static GatewayFixture limited;

  @BeforeAll
  static void start() throws Exception {
    cert = SelfSignedCertificate.create("localhost");
    // the certificate as a file and the key as PEM text: both forms of the setting
    tls = new GatewayFixture(
        ListenerLimitsTest.class,
        Map.of(
            "HTTP_TLS_CERT_FILE",
            cert.certificatePath(),
            "HTTP_TLS_KEY",
            Files.readString(Path.of(cert.privateKeyPath()))));
    limited = new GatewayFixture(
        ListenerLimitsTest.class,
        Map.of("HTTP_MAX_CONNECTIONS", "2", "HTTP_IDLE_TIMEOUT_SECONDS", "2"));
  }

  @AfterAll
  static void stop() throws Exception {
    tls.close();
    limited.close();
    cert.delete();
  }

  @Test
  void httpsWithTheConfiguredCertificateAnswersAndPlainHttpDoesNot() {
    WebClient https = WebClient.create(
        tls.app.vertx(),
        new WebClientOptions()
            .setSsl(true)
            .setTrustOptions(cert.trustOptions())
            .setVerifyHost(false));
    var live = GatewayFixture.await(
        https.getAbs("https://127.0.0.1:" + tls.app.port() + "/health/live").send());
    assertEquals(200, live.statusCode());
    assertEquals("UP", live.bodyAsJsonObject().getString("status"));

    // a client that speaks plain http to the TLS port gets no answer at all
    WebClient plain = WebClient.create(tls.app.vertx());
    assertThrows(
        IllegalStateException.class,
        () -> GatewayFixture.await(
            plain.getAbs("http://127.0.0.1:" + tls.app.port() + "/health/live").send()));
  }

  @Test
  void theConnectionPastTheLimitIsClosedAtOnceAndIdleOnesAfterTheTimeout() throws Exception {
    int port = limited.app.port();
    try (Socket first = new Socket("127.0.0.1", port);
        Socket second = new Socket("127.0.0.1", port)) {
      assertTrue(live(first).startsWith("HTTP/1.1 200"));
      assertTrue(live(second).startsWith("HTTP/1.1 200"));
      try (Socket third = new Socket("127.0.0.1", port)) {
        third.setSoTimeout(5_000);
        assertEquals("", live(third), "the third connection is closed without an answer");
      }
      first.close();
      Thread.sleep(300); // the close reaches the server
      try (Socket again = new Socket("127.0.0.1", port)) {
        assertTrue(live(again).startsWith("HTTP/1.1 200"), "a freed place is usable again");
      }
      // the second one idles past HTTP_IDLE_TIMEOUT_SECONDS=2: the server closes it
      second.setSoTimeout(6_000);
      long started = System.nanoTime();
      assertEquals(-1, second.getInputStream().read());
      assertTrue(System.nanoTime() - started < 5_000_000_000L);
    }
  }

  /** One keep-alive GET /health/live; the status line, or "" when the server closed the socket. */
  static String live(Socket socket) throws IOException {
    socket.setSoTimeout(5_000);
    try {
      socket
          .getOutputStream()
          .write("GET /health/live HTTP/1.1\r\nHost: gateway\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        line.append((char) b);
      }
      if (b == '\n') {
        // drain the rest of this small answer (headers and the 15-byte body)
        byte[] rest = new byte[512];
        Thread.sleep(100);
        in.read(rest, 0, Math.min(rest.length, Math.max(in.available(), 1)));
      }
      return line.toString().strip();
    } catch (SocketException e) {
      return ""; // reset by the server
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
