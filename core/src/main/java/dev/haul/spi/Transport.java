package dev.haul.spi;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Executes one exchange on connections it owns. Implementations: {@code NettyTransport}
 * (haul-transport-netty); tests use scripted fakes.
 *
 * <p>The returned future completes when the response headers have arrived; the body then streams
 * through {@link RawResponse#body()} with demand-driven backpressure. Failures complete it with a
 * {@link dev.haul.HaulException} subtype carrying the right {@link dev.haul.SendState}.
 * Cancelling the future aborts the exchange and releases its connection.
 */
public interface Transport extends AutoCloseable {

  /** Sends {@code exchange.request()} and completes with the response head and streaming body. */
  CompletableFuture<RawResponse> execute(Exchange exchange);

  /** Per-origin pool statistics; empty for transports without a pool. */
  default List<PoolStats> poolStats() {
    return List.of();
  }

  /** Closes every connection and releases threads. Idempotent. */
  @Override
  void close();
}
