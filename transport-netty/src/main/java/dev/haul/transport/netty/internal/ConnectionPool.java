package dev.haul.transport.netty.internal;

import dev.haul.Origin;
import dev.haul.PoolAcquireTimeoutException;
import dev.haul.PoolExhaustedException;
import dev.haul.Timeouts;
import dev.haul.spi.EventListener;
import dev.haul.spi.PoolStats;
import dev.haul.spi.Ticker;
import dev.haul.transport.netty.NettyTransportConfig;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Haul's connection pool, keyed by origin: a per-origin and a global maximum, a bounded queue of
 * pending acquires with a timeout (or fail-fast), LIFO or FIFO reuse, idle timeout (kept below a
 * server's {@code Keep-Alive: timeout}), maximum lifetime with jitter, validation on borrow and a
 * background eviction task. Idle connections keep a read pending (see ConnectionHandler), so a
 * FIN or stray bytes take them out of the pool. A slot freed on any origin serves waiters of
 * every origin held back by the global maximum (only those are looked at, not every origin), and
 * an origin left with nothing is forgotten after an idle timeout. Time comes from the configured
 * {@link Ticker}. One lock guards it all; nothing
 * under the lock blocks.
 */
public final class ConnectionPool implements AutoCloseable {

  private static final long NOT_EMPTY = Long.MIN_VALUE;

  /**
   * A connection handed to an exchange; {@code reused} when it came from the idle list (or from
   * a release), {@code idleSinceNanos} the pool-ticker time it had been idle since.
   */
  public record Lease(PooledConnection connection, boolean reused, long idleSinceNanos) {}

  private final NettyTransportConfig config;
  private final Ticker ticker;
  private final Connector connector;
  private final EventExecutor timer;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Origin, OriginPool> pools = new HashMap<>();
  // Origins whose waiters are held back by haul.pool.max-total (not by their own per-host cap):
  // only these can use a slot freed on another origin, so a release scans these, not every pool.
  private final Set<OriginPool> starved = new LinkedHashSet<>();
  private final ScheduledFuture<?> eviction;
  private int open; // leased + idle + connecting, all origins
  private boolean closed;

  public ConnectionPool(NettyTransportConfig config, Connector connector, EventExecutor timer) {
    this.config = config;
    this.ticker = config.ticker();
    this.connector = connector;
    this.timer = timer;
    long every = config.evictionInterval().toNanos();
    this.eviction = timer.scheduleWithFixedDelay(this::evict, every, every, TimeUnit.NANOSECONDS);
  }

  /** A connection to {@code origin}: an idle one, a new one, or one freed later, within the timeout. */
  public CompletableFuture<Lease> acquire(Origin origin, URI uri, Timeouts timeouts, EventListener listener,
      boolean forceNew) {
    long start = ticker.read();
    listener.poolAcquireStart(origin);
    CompletableFuture<Lease> future = new CompletableFuture<>();
    List<Channel> toClose = new ArrayList<>();
    Waiter connectFor = null;
    lock.lock();
    try {
      if (closed) {
        future.completeExceptionally(new IllegalStateException("transport is closed"));
        return future;
      }
      OriginPool p = pools.computeIfAbsent(origin, OriginPool::new);
      p.emptySinceNanos = NOT_EMPTY;
      if (!forceNew) {
        PooledConnection c = takeIdle(p, toClose);
        if (c != null) {
          future.complete(new Lease(c, true, c.idleSinceNanos));
          listener.poolAcquireEnd(origin, true, Duration.ofNanos(ticker.read() - start));
          return future;
        }
      }
      Waiter w = new Waiter(future, uri, timeouts, listener, start, forceNew);
      if (hasCapacity(p, toClose)) {
        p.connecting++;
        open++;
        connectFor = w;
      } else if (!config.block()) {
        future.completeExceptionally(new PoolExhaustedException("connection pool is full for " + origin
            + " and haul.pool.block is false", uri, p.leased, p.waiters.size(), null));
      } else if (p.waiters.size() >= config.maxPendingPerHost()) {
        future.completeExceptionally(new PoolExhaustedException("too many pending acquires for " + origin
            + " (limit: haul.pool.max-pending-per-host = " + config.maxPendingPerHost() + ")", uri,
            p.leased, p.waiters.size(), null));
      } else {
        p.waiters.add(w);
        updateStarved(p);
        Duration d = timeouts.get(Timeouts.Kind.POOL_ACQUIRE);
        w.timeout = timer.schedule(() -> timeOut(p, w, d), d.toNanos(), TimeUnit.NANOSECONDS);
        // A caller that gives up (cancels) leaves the queue now, not at its timeout.
        future.whenComplete((l, e) -> {
          if (future.isCancelled()) {
            forget(p, w);
          }
        });
      }
    } finally {
      lock.unlock();
      toClose.forEach(Channel::close);
    }
    if (connectFor != null) {
      connect(origin, connectFor);
    }
    return future;
  }

  /** A waiter that gave up leaves the queue. */
  private void forget(OriginPool p, Waiter w) {
    lock.lock();
    try {
      if (p.waiters.remove(w)) {
        w.timeout.cancel(false);
        updateStarved(p);
      }
    } finally {
      lock.unlock();
    }
  }

  private void timeOut(OriginPool p, Waiter w, Duration d) {
    int leased;
    int pending;
    lock.lock();
    try {
      if (!p.waiters.remove(w)) {
        return;
      }
      updateStarved(p);
      leased = p.leased;
      pending = p.waiters.size();
    } finally {
      lock.unlock();
    }
    w.future.completeExceptionally(new PoolAcquireTimeoutException(w.uri, d, leased, pending));
  }

  private boolean perHostFull(OriginPool p) {
    return p.leased + p.connecting + p.idle.size() >= config.maxPerHost();
  }

  /**
   * Under the lock: records whether {@code p} has live waiters that only a slot freed elsewhere
   * (max-total) can serve. Waiters that gave up are dropped from the head of the queue first.
   */
  private void updateStarved(OriginPool p) {
    if (firstLive(p) != null && !perHostFull(p)) {
      starved.add(p);
    } else {
      starved.remove(p);
    }
  }

  /** Under the lock: the first waiter still waiting, dropping those that gave up before it. */
  private static Waiter firstLive(OriginPool p) {
    Waiter w;
    while ((w = p.waiters.peek()) != null && w.future.isDone()) {
      p.waiters.poll();
      if (w.timeout != null) {
        w.timeout.cancel(false);
      }
    }
    return w;
  }

  /** Under the lock: whether a new connection to {@code p} may be opened, evicting elsewhere if needed. */
  private boolean hasCapacity(OriginPool p, List<Channel> toClose) {
    if (perHostFull(p)) {
      // Only a forced new connection gets here with idle ones left: replace the oldest.
      PooledConnection c = p.idle.pollFirst();
      if (c == null) {
        return false;
      }
      closeUnderLock(p, c, "evicted-for-capacity", toClose);
    }
    if (open < config.maxTotal()) {
      return true;
    }
    // Make room by closing the longest-idle connection of another origin.
    PooledConnection oldest = null;
    OriginPool owner = null;
    for (OriginPool other : pools.values()) {
      PooledConnection c = other.idle.peekFirst();
      if (c != null && (oldest == null || c.idleSinceNanos < oldest.idleSinceNanos)) {
        oldest = c;
        owner = other;
      }
    }
    if (oldest == null) {
      return false;
    }
    owner.idle.remove(oldest);
    closeUnderLock(owner, oldest, "evicted-for-capacity", toClose);
    return true;
  }

  private PooledConnection takeIdle(OriginPool p, List<Channel> toClose) {
    long now = ticker.read();
    while (!p.idle.isEmpty()) {
      PooledConnection c = config.order() == NettyTransportConfig.Order.LIFO ? p.idle.pollLast() : p.idle.pollFirst();
      String invalid = invalidReason(c, now);
      if (invalid == null) {
        c.state = PooledConnection.State.LEASED;
        p.leased++;
        return c;
      }
      closeUnderLock(p, c, invalid, toClose);
    }
    return null;
  }

  /** Validation on borrow and on eviction; null when the connection may be used. */
  private String invalidReason(PooledConnection c, long now) {
    if (!c.channel.isActive()) {
      return "stale";
    }
    if (!c.reusable) {
      return c.closeReason != null ? c.closeReason : "not-reusable";
    }
    if (c.expiresNanos != Long.MAX_VALUE && now - c.expiresNanos >= 0) {
      return "lifetime";
    }
    long idleLimit = Math.min(config.idleTimeout().toNanos(), c.keepAliveNanos);
    if (now - c.idleSinceNanos >= idleLimit) {
      return "idle-timeout";
    }
    return null;
  }

  private void connect(Origin origin, Waiter w) {
    connector.connect(origin, w.uri, w.timeouts, w.listener, this).whenComplete((c, err) -> {
      Waiter target = w;
      lock.lock();
      try {
        OriginPool p = pools.get(origin);
        p.connecting--;
        if (err != null) {
          open--;
        } else {
          p.created++;
          c.state = PooledConnection.State.LEASED;
          p.leased++;
          if (w.future.isDone() || closed) {
            // The caller gave up meanwhile: hand the connection to the next waiter, or keep it idle.
            target = closed ? null : nextWaiter(p);
            if (target == null) {
              p.leased--;
              if (closed) {
                c.state = PooledConnection.State.CLOSED;
                open--;
              } else {
                c.state = PooledConnection.State.IDLE;
                c.idleSinceNanos = ticker.read();
                p.idle.addLast(c);
              }
            }
          }
        }
      } finally {
        lock.unlock();
      }
      if (err != null) {
        w.future.completeExceptionally(err);
        dispatch(origin);
      } else if (target != null) {
        completeWaiter(target, c, false);
      } else if (closed) {
        c.channel.close();
      } else {
        dispatch(origin); // parked idle: a waiter of another origin may need its slot
      }
    });
  }

  private static Waiter nextWaiter(OriginPool p) {
    Waiter w;
    while ((w = p.waiters.poll()) != null) {
      if (!w.future.isDone()) {
        if (w.timeout != null) {
          w.timeout.cancel(false);
        }
        return w;
      }
    }
    return null;
  }

  private void completeWaiter(Waiter w, PooledConnection c, boolean reused) {
    w.listener.poolAcquireEnd(c.origin, reused, Duration.ofNanos(ticker.read() - w.startNanos));
    if (!w.future.complete(new Lease(c, reused, c.idleSinceNanos))) {
      release(c, true);
    }
  }

  /**
   * Starts connects for waiters while there is capacity: first those of {@code first}, then those
   * of every other origin. A waiter held back by haul.pool.max-total waits for a slot that any
   * origin may free (a release, a close, an eviction), and an idle connection of another origin
   * is closed to make room for it, so one busy origin never starves the others.
   */
  private void dispatch(Origin first) {
    List<Map.Entry<Origin, Waiter>> start = new ArrayList<>();
    List<Channel> toClose = new ArrayList<>();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      OriginPool own = pools.get(first);
      if (own != null) {
        fill(own, start, toClose);
      }
      if (!starved.isEmpty()) {
        for (OriginPool p : new ArrayList<>(starved)) {
          if (p != own) {
            fill(p, start, toClose);
          }
        }
      }
    } finally {
      lock.unlock();
      toClose.forEach(Channel::close);
    }
    start.forEach(e -> connect(e.getKey(), e.getValue()));
  }

  /**
   * Under the lock: moves waiters of {@code p} to connecting while there is capacity. Waiters
   * that gave up are dropped first, so no connection of another origin is closed for nobody.
   */
  private void fill(OriginPool p, List<Map.Entry<Origin, Waiter>> start, List<Channel> toClose) {
    while (firstLive(p) != null && hasCapacity(p, toClose)) {
      Waiter w = nextWaiter(p);
      p.connecting++;
      open++;
      start.add(Map.entry(p.origin, w));
    }
    updateStarved(p);
  }

  /**
   * Gives a leased connection back; a reusable one goes to a waiter or the idle list. A waiter
   * that asked for a new connection gets the slot instead: the released connection stays idle
   * for others when the origin has room for one more, else it is closed to make that room.
   */
  public void release(PooledConnection c, boolean reusable) {
    Waiter handTo = null;
    Waiter connectFor = null;
    boolean closeIt = false;
    List<Channel> toClose = new ArrayList<>();
    lock.lock();
    try {
      if (c.state != PooledConnection.State.LEASED) {
        return;
      }
      OriginPool p = pools.get(c.origin);
      p.leased--;
      long now = ticker.read();
      c.idleSinceNanos = now;
      String invalid = reusable ? invalidReason(c, now) : (c.closeReason != null ? c.closeReason : "not-reusable");
      if (invalid == null && !closed) {
        Waiter first = firstLive(p);
        if (first != null && first.forceNew) {
          // Issue 8 review 2: it asked for a new connection; c stays idle (for others) unless
          // the origin is full, in which case c, the oldest idle one, is closed to make room.
          c.state = PooledConnection.State.IDLE;
          p.idle.addLast(c);
          if (hasCapacity(p, toClose)) {
            connectFor = nextWaiter(p);
            p.connecting++;
            open++;
            closeIt = c.state == PooledConnection.State.CLOSED;
          } // else max-total is reached with nothing idle elsewhere: it waits for the next slot
          updateStarved(p);
        } else if ((handTo = nextWaiter(p)) != null) {
          p.leased++;
          updateStarved(p);
        } else {
          c.state = PooledConnection.State.IDLE;
          p.idle.addLast(c);
        }
      } else {
        closeUnderLock(p, c, closed ? "transport-closed" : invalid, toClose);
        closeIt = true;
      }
    } finally {
      lock.unlock();
      toClose.forEach(Channel::close);
    }
    c.listener.connectionReleased(c.origin, !closeIt);
    if (handTo != null) {
      completeWaiter(handTo, c, true);
    } else if (connectFor != null) {
      connect(c.origin, connectFor);
    } else {
      // A slot was freed, or an idle connection that may be closed for another origin appeared.
      dispatch(c.origin);
    }
  }

  /** The channel closed; an idle connection leaves the pool (F5). */
  public void onClosed(PooledConnection c) {
    List<Channel> toClose = new ArrayList<>();
    lock.lock();
    try {
      if (c.state != PooledConnection.State.IDLE) {
        return;
      }
      OriginPool p = pools.get(c.origin);
      p.idle.remove(c);
      // Our own reason when we closed it (stray bytes while idle), else the peer closed it.
      closeUnderLock(p, c, c.closeReason != null ? c.closeReason : "remote-closed", toClose);
    } finally {
      lock.unlock();
    }
    dispatch(c.origin);
  }

  private void closeUnderLock(OriginPool p, PooledConnection c, String reason, List<Channel> toClose) {
    if (c.state == PooledConnection.State.CLOSED) {
      return;
    }
    c.state = PooledConnection.State.CLOSED;
    open--;
    p.closedByReason.merge(reason, 1L, Long::sum);
    toClose.add(c.channel);
    EventListener l = c.listener;
    try {
      timer.execute(() -> l.connectionClosed(c.origin, reason));
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // The transport has closed its timer: a connection released as it shuts down is not
      // reported (listeners are not called under this lock).
    }
  }

  /**
   * Closes idle connections past their idle timeout or lifetime, and forgets origins that have
   * had nothing (no connection, connect or waiter) for an idle timeout, so a client that talks
   * to many hosts over time does not keep one entry per host forever. Their statistics stay
   * visible until then.
   */
  void evict() {
    Origin evicted = null;
    List<Channel> toClose = new ArrayList<>();
    lock.lock();
    try {
      long now = ticker.read();
      for (Iterator<OriginPool> pit = pools.values().iterator(); pit.hasNext(); ) {
        OriginPool p = pit.next();
        for (Iterator<PooledConnection> it = p.idle.iterator(); it.hasNext(); ) {
          PooledConnection c = it.next();
          String invalid = invalidReason(c, now);
          if (invalid != null) {
            it.remove();
            closeUnderLock(p, c, invalid, toClose);
            evicted = c.origin;
          }
        }
        firstLive(p);
        if (p.leased + p.connecting + p.idle.size() + p.waiters.size() > 0) {
          p.emptySinceNanos = NOT_EMPTY;
        } else if (p.emptySinceNanos == NOT_EMPTY) {
          p.emptySinceNanos = now;
        } else if (now - p.emptySinceNanos >= config.idleTimeout().toNanos()) {
          pit.remove();
          starved.remove(p);
        }
      }
    } finally {
      lock.unlock();
      toClose.forEach(Channel::close);
    }
    if (evicted != null) {
      dispatch(evicted);
    }
  }

  /** A snapshot per origin. */
  public List<PoolStats> stats() {
    lock.lock();
    try {
      List<PoolStats> out = new ArrayList<>();
      for (OriginPool p : pools.values()) {
        out.add(new PoolStats(p.origin, p.leased, p.idle.size(), p.waiters.size(), p.created,
            new TreeMap<>(p.closedByReason)));
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    List<Channel> toClose = new ArrayList<>();
    List<Waiter> failed = new ArrayList<>();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      eviction.cancel(false);
      for (OriginPool p : pools.values()) {
        PooledConnection c;
        while ((c = p.idle.poll()) != null) {
          closeUnderLock(p, c, "transport-closed", toClose);
        }
        Waiter w;
        while ((w = nextWaiter(p)) != null) {
          failed.add(w);
        }
      }
    } finally {
      lock.unlock();
    }
    toClose.forEach(Channel::close);
    failed.forEach(w -> w.future.completeExceptionally(new IllegalStateException("transport is closed")));
  }

  private static final class OriginPool {
    final Origin origin;
    final ArrayDeque<PooledConnection> idle = new ArrayDeque<>();
    final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    final Map<String, Long> closedByReason = new HashMap<>();
    long emptySinceNanos = NOT_EMPTY; // ticker time when evict() first found it unused
    int leased;
    int connecting;
    long created;

    OriginPool(Origin origin) {
      this.origin = origin;
    }
  }

  private static final class Waiter {
    final CompletableFuture<Lease> future;
    final URI uri;
    final Timeouts timeouts;
    final EventListener listener;
    final long startNanos;
    // Issue 8 review 2: a waiter that asked for a new connection (its previous attempt died on a
    // reused one) must not be served a released, reused connection.
    final boolean forceNew;
    ScheduledFuture<?> timeout;

    Waiter(CompletableFuture<Lease> future, URI uri, Timeouts timeouts, EventListener listener, long startNanos,
        boolean forceNew) {
      this.future = future;
      this.uri = uri;
      this.timeouts = timeouts;
      this.listener = listener;
      this.startNanos = startNanos;
      this.forceNew = forceNew;
    }
  }
}
