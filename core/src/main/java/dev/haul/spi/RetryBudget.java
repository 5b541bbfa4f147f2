package dev.haul.spi;

import dev.haul.Origin;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Limits retries per origin to a ratio of recent requests plus a small floor, over a sliding
 * window of ten buckets, so a failing upstream is not hit by a retry storm (like Finagle's
 * RetryBudget and gRPC's retry throttling).
 */
final class RetryBudget {

  private static final int BUCKETS = 10;
  private static final long WINDOW_NANOS = 10_000_000_000L;

  private final double ratio;
  private final double minPerSecond;
  private final Ticker ticker;
  private final ConcurrentHashMap<Origin, Window> windows = new ConcurrentHashMap<>();
  private final AtomicLong exhausted = new AtomicLong();

  RetryBudget(double ratio, double minPerSecond, Ticker ticker) {
    this.ratio = ratio;
    this.minPerSecond = minPerSecond;
    this.ticker = ticker;
  }

  /** Counts a first attempt to {@code origin}. */
  void onRequest(Origin origin) {
    windows.computeIfAbsent(origin, o -> new Window()).add(ticker.read(), 1, 0);
  }

  /** Takes one retry from the budget; false (and counted) when it is spent. */
  boolean tryRetry(Origin origin) {
    Window w = windows.computeIfAbsent(origin, o -> new Window());
    if (w.tryRetry(ticker.read(), ratio, minPerSecond * (WINDOW_NANOS / 1e9))) {
      return true;
    }
    exhausted.incrementAndGet();
    return false;
  }

  /** Retries refused because the budget was spent. */
  long exhaustedCount() {
    return exhausted.get();
  }

  private static final class Window {
    private final long[] start = new long[BUCKETS];
    private final long[] requests = new long[BUCKETS];
    private final long[] retries = new long[BUCKETS];

    synchronized void add(long now, int req, int ret) {
      int i = bucket(now);
      requests[i] += req;
      retries[i] += ret;
    }

    synchronized boolean tryRetry(long now, double ratio, double floor) {
      int i = bucket(now);
      long req = 0;
      long ret = 0;
      for (int k = 0; k < BUCKETS; k++) {
        if (now - start[k] < WINDOW_NANOS) {
          req += requests[k];
          ret += retries[k];
        }
      }
      if (ret + 1 > floor + ratio * req) {
        return false;
      }
      retries[i]++;
      return true;
    }

    private int bucket(long now) {
      long width = WINDOW_NANOS / BUCKETS;
      int i = (int) Math.floorMod(now / width, (long) BUCKETS);
      long s = now - Math.floorMod(now, width);
      if (start[i] != s) {
        start[i] = s;
        requests[i] = 0;
        retries[i] = 0;
      }
      return i;
    }
  }
}
