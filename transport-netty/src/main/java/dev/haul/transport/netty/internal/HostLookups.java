package dev.haul.transport.netty.internal;

import dev.haul.transport.netty.HostResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs host lookups on a few threads of their own. System lookups block and ignore interrupts,
 * so a lookup that hangs cannot be taken back: its thread stays busy until the resolver returns.
 * To keep that bounded, lookups run on a fixed number of daemon threads with a bounded queue,
 * concurrent lookups of the same host share one in-flight lookup, and a lookup that finds every
 * thread busy and the queue full fails at once with {@link Saturated} instead of starting a thread.
 * Callers bound their wait themselves (the connect timeout) and {@linkplain Waiting#leave leave}
 * when they give up: a shared lookup whose callers have all left is taken out of the queue if it
 * has not started, so lookups nobody waits for do not hold queue slots. Failures are never
 * remembered: the next caller looks the host up again. {@link #close()} completes every lookup
 * still in flight with {@link Closed}.
 */
final class HostLookups implements AutoCloseable {

  /** Every lookup thread is busy and the queue is full: a local condition, not the origin's. */
  static final class Saturated extends Exception {
    private static final long serialVersionUID = 1L;

    Saturated(String message) {
      super(message, null, false, false);
    }
  }

  /** The lookups were closed (the transport is closing) before this one answered. */
  static final class Closed extends Exception {
    private static final long serialVersionUID = 1L;

    Closed() {
      super("the transport is closed", null, false, false);
    }
  }

  /** Every caller of a lookup that had not started yet has left. Nobody sees it. */
  private static final class Abandoned extends Exception {
    private static final long serialVersionUID = 1L;

    Abandoned() {
      super("every caller gave up before the lookup started", null, false, false);
    }
  }

  static final String THREAD_PREFIX = "haul-dns-";

  /** One caller's interest in a (possibly shared) lookup. */
  final class Waiting {
    private final Lookup lookup;
    private boolean left; // guarded by HostLookups.this

    private Waiting(Lookup lookup) {
      this.lookup = lookup;
    }

    /** Completes with the address, the resolver's failure, {@link Saturated} or {@link Closed}. */
    CompletableFuture<InetAddress> future() {
      return lookup.future;
    }

    /**
     * This caller no longer waits (it timed out, or is done). The last caller to leave a lookup
     * that is still queued removes it from the queue; a running lookup goes on (it cannot be
     * interrupted) and new callers of the host may still share it. Idempotent.
     */
    void leave() {
      leaveLookup(this);
    }
  }

  /** A lookup in flight, shared by every caller of its host. */
  private static final class Lookup implements Runnable {
    final HostResolver resolver;
    final String host;
    final CompletableFuture<InetAddress> future = new CompletableFuture<>();
    int waiters; // guarded by the HostLookups

    Lookup(HostResolver resolver, String host) {
      this.resolver = resolver;
      this.host = host;
    }

    @Override
    public void run() {
      try {
        InetAddress address = resolver.resolve(host);
        if (address == null) {
          throw new UnknownHostException(host + " (the resolver returned no address)");
        }
        future.complete(address);
      } catch (Throwable e) {
        future.completeExceptionally(e);
      }
    }
  }

  private final HostResolver resolver;
  private final ThreadPoolExecutor executor;
  private final Map<String, Lookup> inFlight = new HashMap<>(); // guarded by this
  private boolean closed; // guarded by this

  HostLookups(HostResolver resolver, int threads, int queue) {
    this(resolver, threads, queue, daemons());
  }

  /** With the threads made by {@code threads} (tests use one that fails). */
  HostLookups(HostResolver resolver, int threads, int queue, ThreadFactory threadFactory) {
    this.resolver = resolver;
    this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
        threadFactory, new ThreadPoolExecutor.AbortPolicy());
    this.executor.allowCoreThreadTimeOut(true); // no threads kept while nothing is resolved
  }

  private static ThreadFactory daemons() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, THREAD_PREFIX + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Waits for the address of {@code host}: joins the lookup in flight for it, or starts one. The
   * caller must {@linkplain Waiting#leave leave} when it stops waiting before the answer.
   */
  Waiting lookup(String host) {
    Lookup lookup;
    Waiting waiting;
    synchronized (this) {
      if (closed) {
        return new Waiting(failed(host, new Closed()));
      }
      Lookup shared = inFlight.get(host);
      if (shared != null) {
        shared.waiters++; // the same host is being looked up already: wait for that answer
        return new Waiting(shared);
      }
      lookup = new Lookup(resolver, host);
      lookup.waiters = 1;
      waiting = new Waiting(lookup);
      try {
        // Under the lock, so that a leave() never looks for the task in the queue before it is there.
        executor.execute(lookup);
      } catch (Throwable e) {
        // Rejected (saturated), or an Error such as "unable to create native thread": the
        // lookup must not stay in the map, or every later caller of the host would wait on it.
        executor.remove(lookup);
        Throwable failure = e;
        if (e instanceof java.util.concurrent.RejectedExecutionException) {
          failure = new Saturated("host lookups busy (" + executor.getActiveCount() + " running, "
              + executor.getQueue().size() + " queued): is a resolver hanging?");
        }
        lookup.future.completeExceptionally(failure);
        return waiting;
      }
      inFlight.put(host, lookup);
    }
    lookup.future.whenComplete((a, e) -> forget(lookup));
    return waiting;
  }

  private static Lookup failed(String host, Exception e) {
    Lookup l = new Lookup(null, host);
    l.future.completeExceptionally(e);
    return l;
  }

  private synchronized void forget(Lookup lookup) {
    inFlight.remove(lookup.host, lookup);
  }

  private void leaveLookup(Waiting w) {
    boolean abandoned = false;
    synchronized (this) {
      if (w.left || w.lookup.future.isDone()) {
        w.left = true;
        return;
      }
      w.left = true;
      if (--w.lookup.waiters == 0 && executor.remove(w.lookup)) {
        // Never started: free its queue slot rather than resolve for nobody.
        inFlight.remove(w.lookup.host, w.lookup);
        abandoned = true;
      }
    }
    if (abandoned) {
      w.lookup.future.completeExceptionally(new Abandoned());
    }
  }

  /** Lookups queued right now (for tests). */
  int queued() {
    return executor.getQueue().size();
  }

  /**
   * Stops the lookup threads and completes every lookup still in flight with {@link Closed}:
   * queued ones are dropped, and running ones cannot be interrupted (their threads are daemons
   * and end when the resolver returns), but nobody waits for them any more.
   */
  @Override
  public void close() {
    List<Lookup> pending;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      pending = new ArrayList<>(inFlight.values());
      inFlight.clear();
    }
    // Completed before the threads are interrupted: a resolver that answers an interrupt with
    // an address must not win over the close.
    Closed e = new Closed();
    pending.forEach(l -> l.future.completeExceptionally(e));
    executor.shutdownNow();
  }
}
