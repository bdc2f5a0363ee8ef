package io.payg.gateway.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * {@code GET /docs}: Swagger UI over {@code /openapi.json}, served from the swagger-ui webjar in
 * the jar itself (no CDN: the page works on a gateway without internet access, and a strict
 * Content-Security-Policy proves it loads nothing from elsewhere).
 */
public final class ApiReference {

  // swagger-ui styles some elements inline; scripts and everything else only from the gateway
  private static final String POLICY =
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'";

  private ApiReference() {}

  public static void mount(Vertx vertx, Router router) {
    Buffer page = vertx.fileSystem().readFileBlocking("docs/index.html");
    router
        .get("/docs")
        .handler(ctx -> ctx.response()
            .putHeader("Content-Type", "text/html; charset=utf-8")
            .putHeader("Content-Security-Policy", POLICY)
            .end(page));
    // static files, not API operations (StaticHandler answers GET and HEAD only): the page's own
    // script, next to it in the jar, and Swagger UI's
    router.route("/docs/page/*").handler(StaticHandler.create("docs").setDirectoryListing(false));
    router
        .route("/docs/assets/*")
        .handler(StaticHandler.create("META-INF/resources/webjars/swagger-ui/" + webjarVersion())
            .setDirectoryListing(false));
  }

  /** The webjar's version, read from its own metadata so a version bump in the pom is all it takes. */
  static String webjarVersion() {
    try (InputStream in = ApiReference.class.getResourceAsStream(
        "/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the swagger-ui webjar is not on the classpath");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
