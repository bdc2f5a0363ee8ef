import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The ceilings the gateway's validation path is compared with in bench.sh, on the same Vert.x
 * (run with the gateway's jar on the class path, so the versions are the gateway's own):
 *
 * <ul>
 *   <li>{@code http}: a bare Vert.x HTTP route that reads the request body and answers a fixed
 *       JSON of the size of a validation answer: the cost of HTTP alone;
 *   <li>{@code lookup}: the same route, plus the JSON body parsed and the gateway's exact lookup
 *       statement run through a reactive pg pool of the same size: the cost of HTTP + the query,
 *       without any of the gateway's own work (signature, plugin settings, domain rules, metrics).
 * </ul>
 *
 * <p>{@code java -cp gateway/target/payg-gateway.jar load-tests/bare/BareVertxServer.java
 * http|lookup PORT EVENT_LOOPS [POOL_SIZE DB_NAME "LOOKUP SQL" [HOST PG_PORT [client]]]}. The lookup answer carries c.name (column 4 of the gateway's COLUMNS). One verticle per event loop,
 * as the gateway deploys its HTTP verticles. Not part of any Maven module: it is a measuring
 * instrument, not product code.
 */
public final class BareVertxServer {

  private static final Buffer FIXED = Buffer.buffer(
      "{\"valid\":true,\"customerName\":\"Load Customer 1\",\"device\":{\"type\":\"METER\"},\"minimumAmount\":0}");

  public static void main(String[] args) {
    String mode = args[0];
    int port = Integer.parseInt(args[1]);
    int loops = Integer.parseInt(args[2]);
    // the native transport where available, as the gateway prefers it (and a Unix socket needs it)
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
    SqlClient pool = null;
    String sql = null;
    if (mode.equals("lookup")) {
      int poolSize = Integer.parseInt(args[3]);
      sql = args[5];
      // optional: the server (a directory is its Unix socket, as DB_SOCKET_DIR), its port, and
      // "client" for the gateway's read client (PgBuilder.client(), pipelining 1) instead of a pool
      String host = args.length > 6 ? args[6] : "127.0.0.1";
      int pgPort = args.length > 7 ? Integer.parseInt(args[7]) : 5432;
      boolean client = args.length > 8 && args[8].equals("client");
      PgConnectOptions connect = new PgConnectOptions().setHost(host).setPort(pgPort).setUser("postgres")
          .setDatabase(args[4]).setCachePreparedStatements(true).setPipeliningLimit(1);
      PoolOptions options = new PoolOptions().setMaxSize(poolSize).setEventLoopSize(loops).setMaxWaitQueueSize(10_000);
      pool = client
          ? PgBuilder.client().with(options).connectingTo(connect).using(vertx).build()
          : PgBuilder.pool().with(options).connectingTo(connect).using(vertx).build();
    } else if (!mode.equals("http")) {
      throw new IllegalArgumentException("mode: http or lookup");
    }
    SqlClient p = pool;
    String lookup = sql;
    // open and prepare every pool connection before taking traffic, as the gateway's start-up and
    // the bench's warm-up do for the gateway: only the steady state is measured
    Future<?> warm = Future.succeededFuture();
    if (p != null) {
      List<Future<?>> each = new ArrayList<>();
      for (int i = 0; i < Integer.parseInt(args[3]) * 2; i++) {
        each.add(p.preparedQuery(lookup).execute(Tuple.of(UUID.randomUUID(), "warm-up")));
      }
      warm = Future.all(each);
    }
    warm.compose(v -> vertx.deployVerticle(() -> new Route(port, p, lookup), new DeploymentOptions().setInstances(loops)))
        .onSuccess(id -> System.out.println("bare-vertx " + mode + " listening on 127.0.0.1:" + port))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }

  /** One HTTP server per event loop; POST /api/v1/telco/generic/{company}/validate as wrk sends it. */
  static final class Route extends VerticleBase {
    private final int port;
    private final SqlClient pool;
    private final String sql;

    Route(int port, SqlClient pool, String sql) {
      this.port = port;
      this.pool = pool;
      this.sql = sql;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
        if (pool == null) {
          req.response().putHeader("Content-Type", "application/json").end(FIXED);
          return;
        }
        // the company id is the path segment after /generic/, as in the gateway's route
        String path = req.path();
        int from = path.indexOf("/generic/") + 9;
        UUID company = UUID.fromString(path.substring(from, path.indexOf('/', from)));
        String serial = new JsonObject(body).getString("serial");
        pool.preparedQuery(sql).execute(Tuple.of(company, serial)).onComplete(ar -> {
          if (ar.failed()) {
            System.err.println("lookup failed: " + ar.cause());
          }
          if (ar.failed() || ar.result().size() == 0) {
            req.response().setStatusCode(ar.failed() ? 500 : 200).end("{\"valid\":false}");
            return;
          }
          Row r = ar.result().iterator().next();
          req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
              .put("valid", true).put("customerName", String.valueOf(r.getValue(4)))
              .put("device", new JsonObject().put("type", "METER")).put("minimumAmount", 0).toBuffer());
        });
      }).onFailure(e -> System.err.println("body failed: " + e))).listen(port, "127.0.0.1");
    }
  }
}
