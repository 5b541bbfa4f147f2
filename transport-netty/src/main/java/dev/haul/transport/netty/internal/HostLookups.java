package dev.haul.transport.netty.internal;

import dev.haul.transport.netty.HostResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs host lookups on a few threads of their own. System lookups block and ignore interrupts,
 * so a lookup that hangs cannot be taken back: its thread stays busy until the resolver returns.
 * To keep that bounded, lookups run on a fixed number of daemon threads with a bounded queue,
 * concurrent lookups of the same host share one in-flight lookup, and a lookup that finds every
 * thread busy and the queue full fails at once with {@link Saturated} instead of starting a thread.
 * Callers bound their wait themselves (the connect timeout); they never cancel the shared lookup.
 */
final class HostLookups implements AutoCloseable {

  /** Every lookup thread is busy and the queue is full. */
  static final class Saturated extends Exception {
    private static final long serialVersionUID = 1L;

    Saturated(String message) {
      super(message, null, false, false);
    }
  }

  static final String THREAD_PREFIX = "haul-dns-";

  private final HostResolver resolver;
  private final ThreadPoolExecutor executor;
  private final int threads;
  private final int queue;
  private final ConcurrentHashMap<String, CompletableFuture<InetAddress>> inFlight = new ConcurrentHashMap<>();

  HostLookups(HostResolver resolver, int threads, int queue) {
    this.resolver = resolver;
    this.threads = threads;
    this.queue = queue;
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
        r -> {
          Thread t = new Thread(r, THREAD_PREFIX + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    this.executor.allowCoreThreadTimeOut(true); // no threads kept while nothing is resolved
  }

  /**
   * The address of {@code host}: completes with it, with the resolver's failure (an
   * {@link UnknownHostException} when it returned nothing) or with {@link Saturated}.
   */
  CompletableFuture<InetAddress> lookup(String host) {
    CompletableFuture<InetAddress> mine = new CompletableFuture<>();
    CompletableFuture<InetAddress> shared = inFlight.putIfAbsent(host, mine);
    if (shared != null) {
      return shared; // the same host is being looked up already: wait for that answer
    }
    mine.whenComplete((a, e) -> inFlight.remove(host, mine));
    try {
      executor.execute(() -> {
        try {
          InetAddress address = resolver.resolve(host);
          if (address == null) {
            throw new UnknownHostException(host + " (the resolver returned no address)");
          }
          mine.complete(address);
        } catch (Exception | Error e) {
          mine.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      mine.completeExceptionally(executor.isShutdown() ? e : new Saturated("all " + threads
          + " host lookup threads are busy and " + queue + " lookups are queued (a resolver is hanging?)"));
    }
    return mine;
  }

  @Override
  public void close() {
    executor.shutdownNow(); // lookups ignore interrupts; the threads are daemons and end with them
  }
}
