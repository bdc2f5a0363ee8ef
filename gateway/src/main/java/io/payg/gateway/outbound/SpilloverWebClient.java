package io.payg.gateway.outbound;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.impl.HttpContext;
import io.vertx.ext.web.client.impl.WebClientInternal;
import io.vertx.uritemplate.UriTemplate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * One web client over several connection pools of at most {@code perPool} requests each: a
 * request goes to the first pool with room, and spills over to the next only when that one is
 * full. Vert.x's HTTP/1 pool (vertx-core 5.0.8, {@code SharedHttpClientConnectionGroup}'s
 * LIFO selector) looks at every connection of a (host, port) for each request it sends, so one
 * pool of 10,000 open calls to a manufacturer costs a scan of 10,000 per call: 14 % of the Java
 * samples of a token drain at 1,000 open (docs/performance.md). At low traffic everything stays in
 * the first pool, with its connections kept alive as before.
 */
final class SpilloverWebClient implements WebClient {

  private static final String COUNTED = "payg.outbound.pool";

  private final List<WebClient> pools;
  private final AtomicInteger[] open;
  private final AtomicLong[] sent;
  private final int perPool;

  /** {@code pool.apply(i)} makes pool i, a client whose pool holds {@code perPool} connections. */
  SpilloverWebClient(int pools, int perPool, IntFunction<WebClientInternal> pool) {
    this.perPool = perPool;
    this.open = new AtomicInteger[pools];
    this.sent = new AtomicLong[pools];
    WebClient[] clients = new WebClient[pools];
    for (int i = 0; i < pools; i++) {
      AtomicInteger counter = new AtomicInteger();
      AtomicLong total = new AtomicLong();
      open[i] = counter;
      sent[i] = total;
      WebClientInternal client = pool.apply(i);
      client.addInterceptor(ctx -> count(ctx, counter, total));
      clients[i] = client;
    }
    this.pools = List.of(clients);
  }

  /** Requests sent through pool i and not yet answered or failed (for tests). */
  int open(int i) {
    return open[i].get();
  }

  /** Requests ever sent through pool i (for tests). */
  long sent(int i) {
    return sent[i].get();
  }

  private static void count(HttpContext<?> ctx, AtomicInteger counter, AtomicLong total) {
    switch (ctx.phase()) {
      case PREPARE_REQUEST -> {
        if (ctx.get(COUNTED) == null) {
          ctx.set(COUNTED, Boolean.TRUE);
          counter.incrementAndGet();
          total.incrementAndGet();
        }
      }
      case DISPATCH_RESPONSE, FAILURE -> {
        if (Boolean.TRUE.equals(ctx.get(COUNTED))) {
          ctx.set(COUNTED, Boolean.FALSE); // a failure after the answer counts once
          counter.decrementAndGet();
        }
      }
      default -> {}
    }
    ctx.next();
  }

  /** The first pool with room; when all are full, the one with the fewest requests open. */
  private WebClient pool() {
    int least = 0;
    int leastOpen = Integer.MAX_VALUE;
    for (int i = 0; i < open.length; i++) {
      int n = open[i].get();
      if (n < perPool) {
        return pools.get(i);
      }
      if (n < leastOpen) {
        least = i;
        leastOpen = n;
      }
    }
    return pools.get(least);
  }

  @Override
  public HttpRequest<Buffer> request(
      HttpMethod method, SocketAddress server, int port, String host, String uri) {
    return pool().request(method, server, port, host, uri);
  }

  @Override
  public HttpRequest<Buffer> request(
      HttpMethod method, SocketAddress server, int port, String host, UriTemplate uri) {
    return pool().request(method, server, port, host, uri);
  }

  @Override
  public HttpRequest<Buffer> request(
      HttpMethod method, SocketAddress server, String host, String uri) {
    return pool().request(method, server, host, uri);
  }

  @Override
  public HttpRequest<Buffer> request(
      HttpMethod method, SocketAddress server, String host, UriTemplate uri) {
    return pool().request(method, server, host, uri);
  }

  @Override
  public HttpRequest<Buffer> request(HttpMethod method, SocketAddress server, String uri) {
    return pool().request(method, server, uri);
  }

  @Override
  public HttpRequest<Buffer> request(HttpMethod method, SocketAddress server, UriTemplate uri) {
    return pool().request(method, server, uri);
  }

  @Override
  public HttpRequest<Buffer> request(
      HttpMethod method, SocketAddress server, RequestOptions options) {
    return pool().request(method, server, options);
  }

  @Override
  public HttpRequest<Buffer> requestAbs(HttpMethod method, SocketAddress server, String uri) {
    return pool().requestAbs(method, server, uri);
  }

  @Override
  public HttpRequest<Buffer> requestAbs(HttpMethod method, SocketAddress server, UriTemplate uri) {
    return pool().requestAbs(method, server, uri);
  }

  @Override
  public WebClient addInterceptor(Handler<HttpContext<?>> interceptor) {
    pools.forEach(p -> p.addInterceptor(interceptor));
    return this;
  }

  @Override
  public Future<Boolean> updateSSLOptions(ClientSSLOptions options, boolean force) {
    return Future.all(
            pools.stream().map(p -> p.updateSSLOptions(options, force)).toList())
        .map(all -> all.<Boolean>list().contains(Boolean.TRUE));
  }

  @Override
  public void close() {
    pools.forEach(WebClient::close);
  }
}
