package io.payg.gateway.outbound;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.impl.HttpContext;
import io.vertx.ext.web.client.impl.WebClientInternal;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way the gateway calls a plugin's peer. Every {@link WebClient} handed to an adapter
 * (manufacturers, SMS, request-to-pay providers) comes from {@link #client}, so each request,
 * whatever adapter sends it, is checked here:
 * <ul>
 *   <li>http or https only; plain http only in demo mode or to OUTBOUND_PLAIN_HTTP_HOSTS;</li>
 *   <li>the host is resolved here, every address it resolves to is checked against
 *       {@link AddressRules}, and the connection goes to the checked address (the request keeps
 *       the host name for its Host header, SNI and certificate check), so a DNS answer that
 *       changes between the check and the connection (rebinding) cannot swap it;</li>
 *   <li>redirects are never followed (a peer cannot send the gateway elsewhere);</li>
 *   <li>the whole request, DNS to last byte, ends within its timeout, at most
 *       OUTBOUND_TIMEOUT_MAX_MS; the answer is read up to OUTBOUND_MAX_RESPONSE_BYTES.</li>
 * </ul>
 * A request the policy stops fails with {@link OutboundRefused}.
 */
public final class OutboundPolicy {

  /** Name to addresses; the system resolver in production, a map in tests. */
  @FunctionalInterface
  public interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(OutboundPolicy.class);
  /**
   * Connections of one pool: a scan of 256 per request is a few microseconds, and one manufacturer
   * rarely holds more open (a pool per 256 is made only when TOKEN_MAX_IN_FLIGHT asks for more).
   */
  static final int REQUESTS_PER_POOL = 256;

  private static final String DEADLINE = "payg.outbound.deadline";
  private static final String OVER = "payg.outbound.over";
  private static final String REQUEST = "payg.outbound.request";

  private final Vertx vertx;
  private final OutboundSettings settings;
  private final AddressRules rules;
  private final Resolver resolver;

  public OutboundPolicy(Vertx vertx, OutboundSettings settings) {
    this(vertx, settings, host -> List.of(InetAddress.getAllByName(host)));
  }

  public OutboundPolicy(Vertx vertx, OutboundSettings settings, Resolver resolver) {
    this.vertx = vertx;
    this.settings = settings;
    this.rules = new AddressRules(settings.allowedNetworks());
    this.resolver = resolver;
  }

  public OutboundSettings settings() {
    return settings;
  }

  /** A client whose every request goes through this policy. */
  public WebClient client(WebClientOptions options, PoolOptions pool) {
    return policed(options, pool);
  }

  /**
   * A client for up to {@code maxOpen} requests at once, each through this policy, over pools of
   * at most {@link #REQUESTS_PER_POOL} connections ({@link SpilloverWebClient}: why).
   */
  public WebClient client(WebClientOptions options, int maxOpen) {
    return client(options, maxOpen, REQUESTS_PER_POOL);
  }

  WebClient client(WebClientOptions options, int maxOpen, int perPool) {
    int pools = Math.max(1, (maxOpen + perPool - 1) / perPool);
    if (pools == 1) {
      return policed(options, new PoolOptions().setHttp1MaxSize(Math.max(1, maxOpen)));
    }
    return new SpilloverWebClient(
        pools, perPool, i -> policed(options, new PoolOptions().setHttp1MaxSize(perPool)));
  }

  private WebClientInternal policed(WebClientOptions options, PoolOptions pool) {
    WebClientOptions o = new WebClientOptions(options)
        .setFollowRedirects(false)
        .setMaxRedirects(0)
        .setForceSni(true);
    WebClientInternal client = (WebClientInternal) WebClient.create(vertx, o, pool);
    client.addInterceptor(this::intercept);
    return client;
  }

  private void intercept(HttpContext<?> ctx) {
    switch (ctx.phase()) {
      case PREPARE_REQUEST -> {
        ctx.request().followRedirects(false);
        ctx.next();
      }
      case CREATE_REQUEST -> check(ctx);
      case SEND_REQUEST -> {
        if (Boolean.TRUE.equals(ctx.get(OVER))) {
          ctx.clientRequest().reset(); // the deadline passed while connecting
          return;
        }
        ctx.set(REQUEST, ctx.clientRequest());
        ctx.next();
      }
      case RECEIVE_RESPONSE -> receive(ctx);
      case DISPATCH_RESPONSE, FAILURE -> {
        Long timer = ctx.get(DEADLINE);
        if (timer != null) {
          vertx.cancelTimer(timer);
        }
        ctx.next();
      }
      default -> ctx.next();
    }
  }

  private void check(HttpContext<?> ctx) {
    RequestOptions options = ctx.requestOptions();
    String host = options.getHost();
    if (options.getServer() != null || host == null || host.isBlank() || options.getURI() == null) {
      refuse(
          ctx,
          new OutboundRefused(
              OutboundRefused.URL, "only http and https URLs with a host are called"),
          host,
          null);
      return;
    }
    boolean ssl = Boolean.TRUE.equals(options.isSsl());
    int port = options.getPort() != null ? options.getPort() : ssl ? 443 : 80;
    if (!ssl && !settings.plainHttpAllowed(host, port)) {
      refuse(
          ctx,
          new OutboundRefused(
              OutboundRefused.PLAIN_HTTP, "plain http to " + host + " is not allowed: use https"),
          host,
          null);
      return;
    }
    long own = options.getTimeout();
    long budget = own > 0
        ? Math.min(own, settings.maxRequestTime().toMillis())
        : settings.maxRequestTime().toMillis();
    options.setTimeout(budget);
    ctx.set(DEADLINE, vertx.setTimer(budget, id -> expire(ctx, host, budget)));
    resolve(host).onComplete(ar -> {
      if (Boolean.TRUE.equals(ctx.get(OVER))) {
        return;
      }
      if (ar.failed()) {
        refuse(
            ctx,
            new OutboundRefused(
                OutboundRefused.UNRESOLVED, "the host " + host + " does not resolve"),
            host,
            null);
        return;
      }
      InetAddress chosen = null;
      for (InetAddress a : ar.result()) {
        String why = rules.refusal(a);
        if (why != null) {
          // one forbidden address is enough: a name that also points inside is not a public peer
          refuse(
              ctx,
              new OutboundRefused(
                  OutboundRefused.ADDRESS,
                  "the host " + host + " is not a public internet address"),
              host,
              a.getHostAddress() + " is " + why);
          return;
        }
        if (chosen == null) {
          chosen = a;
        }
      }
      if (chosen == null) {
        refuse(
            ctx,
            new OutboundRefused(
                OutboundRefused.UNRESOLVED, "the host " + host + " does not resolve"),
            host,
            null);
        return;
      }
      // connect to the address that was checked; the host name stays for Host, SNI and the
      // certificate
      options.setServer(SocketAddress.inetSocketAddress(port, chosen.getHostAddress()));
      options.setHost(host).setPort(port);
      ctx.next();
    });
  }

  private Future<List<InetAddress>> resolve(String host) {
    byte[] literal = Network.literal(host);
    if (literal != null) {
      try {
        return Future.succeededFuture(List.of(InetAddress.getByAddress(literal)));
      } catch (UnknownHostException e) {
        return Future.failedFuture(e);
      }
    }
    return vertx.executeBlocking(() -> resolver.resolve(host));
  }

  private void receive(HttpContext<?> ctx) {
    HttpClientResponse response = ctx.clientResponse();
    String length = response.getHeader("Content-Length");
    long max = settings.maxResponseBytes();
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        declared = Long.MAX_VALUE;
      }
      if (declared > max) {
        tooLarge(ctx, response);
        return;
      }
    }
    HttpRequest<?> request = ctx.request();
    capBody(request, max, () -> tooLarge(ctx, response));
    ctx.next();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void capBody(HttpRequest request, long max, Runnable over) {
    BodyCodec inner = request.bodyCodec();
    if (inner instanceof Capped<?> c) {
      inner = c.inner; // a request sent again: cap its own codec, not the last cap
    }
    request.as(new Capped<>(inner, max, over));
  }

  private void tooLarge(HttpContext<?> ctx, HttpClientResponse response) {
    LOG.warn(
        "outbound answer from {} over {} bytes: refused",
        ctx.requestOptions().getHost(),
        settings.maxResponseBytes());
    ctx.set(OVER, true);
    ctx.fail(new OutboundRefused(
        OutboundRefused.TOO_LARGE,
        "the answer was larger than " + settings.maxResponseBytes() + " bytes"));
    response.request().connection().close(); // stop reading the rest
  }

  private void expire(HttpContext<?> ctx, String host, long budget) {
    ctx.set(OVER, true);
    LOG.warn("outbound request to {} took over {} ms: abandoned", host, budget);
    ctx.fail(new OutboundRefused(
        OutboundRefused.TIMEOUT, "no complete answer within " + budget + " ms"));
    HttpClientRequest request = ctx.get(REQUEST);
    if (request != null) {
      request.connection().close();
    }
  }

  private void refuse(HttpContext<?> ctx, OutboundRefused refusal, String host, String detail) {
    // the operator's log gets the detail (resolved address); the tenant only the refusal's own text
    LOG.warn(
        "outbound request to {} refused: {}{}",
        host,
        refusal.code(),
        detail == null ? "" : " (" + detail + ")");
    Long timer = ctx.get(DEADLINE);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
    ctx.set(OVER, true);
    ctx.fail(refusal);
  }

  /** Passes the answer on to the adapter's codec until it grows past {@code max} bytes. */
  private static final class Capped<T> implements BodyCodec<T> {
    final BodyCodec<T> inner;
    private final long max;
    private final Runnable over;

    Capped(BodyCodec<T> inner, long max, Runnable over) {
      this.inner = inner;
      this.max = max;
      this.over = over;
    }

    @Override
    public BodyStream<T> stream() throws Exception {
      BodyStream<T> in = inner.stream();
      Promise<T> result = Promise.promise();
      in.result().onComplete(result);
      return new BodyStream<>() {
        private long seen;
        private boolean stopped;

        @Override
        public Future<T> result() {
          return result.future();
        }

        @Override
        public void handle(Throwable err) {
          in.handle(err);
        }

        @Override
        public BodyStream<T> exceptionHandler(Handler<Throwable> handler) {
          in.exceptionHandler(handler);
          return this;
        }

        @Override
        public Future<Void> write(Buffer data) {
          if (stopped) {
            return Future.succeededFuture();
          }
          seen += data.length();
          if (seen > max) {
            stopped = true;
            over.run();
            return Future.succeededFuture();
          }
          return in.write(data);
        }

        @Override
        public Future<Void> end() {
          return stopped ? Future.succeededFuture() : in.end();
        }

        @Override
        public BodyStream<T> setWriteQueueMaxSize(int maxSize) {
          in.setWriteQueueMaxSize(maxSize);
          return this;
        }

        @Override
        public boolean writeQueueFull() {
          return in.writeQueueFull();
        }

        @Override
        public BodyStream<T> drainHandler(Handler<Void> handler) {
          in.drainHandler(handler);
          return this;
        }
      };
    }
  }
}
