package dev.haul;

import dev.haul.spi.EventListener;
import dev.haul.spi.PoolStats;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends requests through Haul's interceptor chain and transport. Thread-safe; one client serves a
 * whole application and its pool. Build one with {@link Haul#newBuilder()} or inject it with
 * {@link CoreModule}.
 */
public interface HaulClient extends AutoCloseable {

  /**
   * Sends the request and waits for the response and its body handler. Failures are thrown as the
   * {@link HaulException} subtype the call ended with; an interrupted wait cancels the call and
   * throws {@link CallCancelledException} with the {@link SendState} the call had reached.
   */
  <T> Response<T> send(Request request, BodyHandler<T> handler);

  /**
   * Sends the request without blocking. The future completes on the client's callback executor.
   * Cancelling it cancels the call and releases its connection.
   */
  <T> CompletableFuture<Response<T>> sendAsync(Request request, BodyHandler<T> handler);

  /** The client's configuration. */
  HaulConfig config();

  /** Pool statistics from the transport, per origin. */
  List<PoolStats> poolStats();

  /**
   * The client's shared listeners, guarded (a throwing one is logged and ignored): where a module
   * above the client (the downloader) publishes its own events with
   * {@link EventListener#moduleEvent}, and a cache its evictions, so they reach the same sinks as
   * the client's own events. Per-call listeners from factories do not receive these.
   */
  EventListener events();

  /**
   * Ends every call still running (waiting for a connection, in a retry backoff, streaming its
   * body) with a {@link ClientClosedException} carrying how far it got, closes the transport and
   * stops the client's threads. Calls made afterwards fail with {@link ClientClosedException}
   * ({@link SendState#NOT_SENT}). Idempotent.
   */
  @Override
  void close();
}
