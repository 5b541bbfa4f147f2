package dev.haul.internal;

import dev.haul.CircuitOpenException;
import dev.haul.CircuitState;
import dev.haul.HaulException;
import dev.haul.Origin;
import dev.haul.spi.EventListener;
import dev.haul.spi.Interceptor;
import dev.haul.spi.RawResponse;
import dev.haul.spi.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A circuit breaker per origin, on each attempt: it opens after N consecutive failures or when
 * the failure rate over a sliding window passes a threshold (with a minimum of calls), fails fast
 * while open, and lets a single probe through when the open duration has passed. Failures are
 * transient transport errors and 500, 502, 503 and 504 answers.
 */
public final class CircuitBreakerInterceptor implements Interceptor {

  /** The breaker's settings. */
  public record Settings(double failureRate, int minimumCalls, Duration window, int consecutiveFailures,
      Duration openDuration) {}

  private final Settings settings;
  private final Ticker ticker;
  private final ConcurrentHashMap<Origin, Breaker> breakers = new ConcurrentHashMap<>();

  public CircuitBreakerInterceptor(Settings settings, Ticker ticker) {
    this.settings = settings;
    this.ticker = ticker;
  }

  @Override
  public CompletableFuture<RawResponse> intercept(Chain chain) {
    Origin origin = chain.request().origin();
    Breaker b = breakers.computeIfAbsent(origin, o -> new Breaker(o));
    EventListener listener = chain.listener();
    long wait = b.tryAcquire(listener);
    if (wait > 0) {
      return CompletableFuture.failedFuture(
          new CircuitOpenException(chain.request().uri(), origin, Duration.ofNanos(wait)));
    }
    return chain.proceed(chain.request()).whenComplete((r, e) -> {
      boolean failed = e != null ? isFailure(RetryInterceptor.unwrap(e)) : isFailure(r.status());
      b.record(failed, listener);
    });
  }

  /** The state of {@code origin}'s breaker (CLOSED when it has none). */
  public CircuitState state(Origin origin) {
    Breaker b = breakers.get(origin);
    return b == null ? CircuitState.CLOSED : b.state();
  }

  private static boolean isFailure(Throwable t) {
    return t instanceof HaulException h && h.isTransient();
  }

  private static boolean isFailure(int status) {
    return status == 500 || status == 502 || status == 503 || status == 504;
  }

  private final class Breaker {
    private static final int BUCKETS = 10;
    private final Origin origin;
    private final long[] bucketStart = new long[BUCKETS];
    private final int[] calls = new int[BUCKETS];
    private final int[] failures = new int[BUCKETS];
    private CircuitState state = CircuitState.CLOSED;
    private int consecutive;
    private long openUntil;
    private boolean probeInFlight;

    Breaker(Origin origin) {
      this.origin = origin;
    }

    synchronized CircuitState state() {
      return state;
    }

    /** 0 to go ahead, or the nanoseconds until the next probe. */
    synchronized long tryAcquire(EventListener l) {
      long now = ticker.read();
      if (state == CircuitState.OPEN) {
        if (now - openUntil < 0) {
          return openUntil - now;
        }
        transition(CircuitState.HALF_OPEN, l);
      }
      if (state == CircuitState.HALF_OPEN) {
        if (probeInFlight) {
          return Math.max(1, settings.openDuration().toNanos() / 10);
        }
        probeInFlight = true;
      }
      return 0;
    }

    synchronized void record(boolean failed, EventListener l) {
      long now = ticker.read();
      if (state == CircuitState.HALF_OPEN) {
        probeInFlight = false;
        if (failed) {
          open(now, l);
        } else {
          reset();
          transition(CircuitState.CLOSED, l);
        }
        return;
      }
      if (state == CircuitState.OPEN) {
        return; // an attempt that started before the circuit opened
      }
      int i = bucket(now);
      calls[i]++;
      if (failed) {
        failures[i]++;
        consecutive++;
      } else {
        consecutive = 0;
      }
      int total = 0;
      int failedTotal = 0;
      for (int k = 0; k < BUCKETS; k++) {
        total += calls[k];
        failedTotal += failures[k];
      }
      boolean byRate = total >= settings.minimumCalls() && failedTotal >= settings.failureRate() * total;
      boolean byStreak = settings.consecutiveFailures() > 0 && consecutive >= settings.consecutiveFailures();
      if (failed && (byRate || byStreak)) {
        open(now, l);
      }
    }

    private int bucket(long now) {
      long width = Math.max(1, settings.window().toNanos() / BUCKETS);
      long start = now - Math.floorMod(now, width);
      int i = (int) Math.floorMod(now / width, (long) BUCKETS);
      if (bucketStart[i] != start) {
        bucketStart[i] = start;
        calls[i] = 0;
        failures[i] = 0;
      }
      // Buckets older than the window are stale even if not overwritten yet.
      for (int k = 0; k < BUCKETS; k++) {
        if (now - bucketStart[k] >= settings.window().toNanos()) {
          calls[k] = 0;
          failures[k] = 0;
        }
      }
      return i;
    }

    private void open(long now, EventListener l) {
      openUntil = now + settings.openDuration().toNanos();
      reset();
      transition(CircuitState.OPEN, l);
    }

    private void reset() {
      consecutive = 0;
      java.util.Arrays.fill(calls, 0);
      java.util.Arrays.fill(failures, 0);
    }

    private void transition(CircuitState to, EventListener l) {
      CircuitState from = state;
      if (from != to) {
        state = to;
        l.circuitStateChanged(origin, from, to);
      }
    }
  }
}
