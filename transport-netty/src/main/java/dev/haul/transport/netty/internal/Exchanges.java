package dev.haul.transport.netty.internal;

import dev.haul.spi.Exchange;
import dev.haul.spi.RawResponse;
import java.util.concurrent.CompletableFuture;

/** Starts an exchange on a leased connection (on its event loop). */
public final class Exchanges {

  private Exchanges() {}

  /** The future completes with the response head, or fails typed; cancelling it aborts. */
  public static CompletableFuture<RawResponse> start(Exchange exchange, ConnectionPool.Lease lease,
      TransportContext context, Throwable openedAt) {
    PooledConnection c = lease.connection();
    c.listener = exchange.listener();
    CompletableFuture<RawResponse> f = new CompletableFuture<>();
    HttpExchange hx = new HttpExchange(exchange, c, lease.reused(), context, f, openedAt);
    c.channel.eventLoop().execute(() -> c.handler.begin(hx));
    f.whenComplete((r, e) -> {
      if (f.isCancelled()) {
        c.channel.eventLoop().execute(hx::cancelByCaller);
      }
    });
    return f;
  }
}
