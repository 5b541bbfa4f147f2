package dev.haul.internal;

import dev.haul.CallCancelledException;
import dev.haul.CircuitBreakerSettings;
import dev.haul.CircuitOpenException;
import dev.haul.CircuitState;
import dev.haul.ConnectTimeoutException;
import dev.haul.DeadlineExceededException;
import dev.haul.HaulException;
import dev.haul.Origin;
import dev.haul.SendState;
import dev.haul.TlsException;
import dev.haul.TlsHandshakeTimeoutException;
import dev.haul.spi.EventListener;
import dev.haul.spi.Interceptor;
import dev.haul.spi.RawResponse;
import dev.haul.spi.Ticker;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A circuit breaker per origin, on each attempt: it opens after N consecutive failures or when
 * the failure rate over a sliding window passes a threshold (with a minimum of calls), fails fast
 * while open, and lets a single probe through when the open duration has passed. Failures are
 * transient transport errors, 500, 502, 503 and 504 answers, requests the origin did not answer
 * before the call deadline, and connects (or TLS handshakes) the deadline cut. Attempts ended from
 * outside (cancelled by the caller, the client closing, a deadline that fired while waiting for a
 * pooled connection) and local failures that never contacted the origin (the pool exhausted, a
 * request refused before sending) count neither way, and an
 * attempt only counts in the state it started in: in half-open, only the probe's own outcome
 * closes or reopens the circuit.
 */
public final class CircuitBreakerInterceptor implements Stage {

  private final CircuitBreakerSettings settings;
  private final Ticker ticker;
  private final ConcurrentHashMap<Origin, Breaker> breakers = new ConcurrentHashMap<>();

  public CircuitBreakerInterceptor(CircuitBreakerSettings settings, Ticker ticker) {
    this.settings = settings;
    this.ticker = ticker;
  }

  @Override
  public CompletableFuture<RawResponse> intercept(Chain chain, CallState call) {
    Origin origin = chain.request().origin();
    Breaker b = breakers.computeIfAbsent(origin, o -> new Breaker(o));
    EventListener listener = chain.listener();
    Permit permit = b.tryAcquire(listener);
    if (permit.waitNanos() > 0) {
      return CompletableFuture.failedFuture(
          new CircuitOpenException(chain.request().uri(), origin, Duration.ofNanos(permit.waitNanos())));
    }
    CompletableFuture<RawResponse> f;
    try {
      f = chain.proceed(chain.request());
    } catch (RuntimeException e) {
      b.record(permit, Outcome.NONE, listener);
      throw e;
    }
    return f.whenComplete((r, e) -> b.record(permit, e != null ? outcome(RetryInterceptor.unwrap(e), call)
        : outcome(r.status()), listener));
  }

  /** What an attempt says about the origin's health. */
  private enum Outcome { SUCCESS, FAILURE, NONE }

  /**
   * Leave to go ahead (wait 0) or the time until the next probe. {@code generation} names the
   * breaker state the attempt started in: outcomes of attempts from an earlier state are ignored.
   */
  private record Permit(long waitNanos, long generation, boolean probe) {}

  /** The state of {@code origin}'s breaker (CLOSED when it has none). */
  public CircuitState state(Origin origin) {
    Breaker b = breakers.get(origin);
    return b == null ? CircuitState.CLOSED : b.state();
  }

  private static Outcome outcome(Throwable t, CallState call) {
    if (t instanceof DeadlineExceededException d && d != call.failure()) {
      // The attempt's own timeout, capped by the deadline: with the request out, the origin did
      // not answer in time. A hanging origin must open the circuit even when every call's
      // deadline is shorter than the transport's timeouts.
      if (d.sendState() != SendState.NOT_SENT) {
        return Outcome.FAILURE;
      }
      // Issue 8 review 2: nothing was sent, but a connect or TLS handshake that timed out is an
      // origin that does not accept connections (with a call timeout at most the connect timeout
      // it only ever shows this way); a pool acquire that timed out never reached the origin.
      Throwable cause = d.getCause();
      return cause instanceof ConnectTimeoutException || cause instanceof TlsHandshakeTimeoutException
          ? Outcome.FAILURE : Outcome.NONE;
    }
    if (t instanceof DeadlineExceededException || t instanceof CancellationException
        || t instanceof CallCancelledException) {
      // Ended from our side (a ClientClosedException is a CallCancelledException). Only the
      // deadline timer says something about the origin, and only if this attempt had written its
      // request or was connecting to the origin (Issue 8 review 2: an origin that never accepts
      // connections must open the circuit); a caller's cancel or the client closing do not.
      return call.failure() instanceof DeadlineExceededException
          && (call.runningAtFailure() != SendState.NOT_SENT || call.contactingAtFailure())
          ? Outcome.FAILURE : Outcome.NONE;
    }
    if (!(t instanceof HaulException h)) {
      return Outcome.NONE; // a programming error on our side, not an answer from the origin
    }
    if (h.isTransient()) {
      return Outcome.FAILURE;
    }
    // Issue 8 review 2: a local failure that never contacted the origin (the pool exhausted or its
    // acquire timed out, a request refused before sending) says nothing about the origin's
    // health; a half-open probe failing so must neither close the circuit nor, when closed,
    // reset the streak of consecutive failures. A TLS failure did reach the origin.
    if (h.sendState() == SendState.NOT_SENT && !(h instanceof TlsException)) {
      return Outcome.NONE;
    }
    return Outcome.SUCCESS;
  }

  private static Outcome outcome(int status) {
    return status == 500 || status == 502 || status == 503 || status == 504 ? Outcome.FAILURE : Outcome.SUCCESS;
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
    private long generation; // advanced on every state change

    Breaker(Origin origin) {
      this.origin = origin;
    }

    synchronized CircuitState state() {
      return state;
    }

    /** A permit to go ahead, or the nanoseconds until the next probe. */
    synchronized Permit tryAcquire(EventListener l) {
      long now = ticker.read();
      if (state == CircuitState.OPEN) {
        if (now - openUntil < 0) {
          return new Permit(openUntil - now, generation, false);
        }
        transition(CircuitState.HALF_OPEN, l);
      }
      if (state == CircuitState.HALF_OPEN) {
        if (probeInFlight) {
          return new Permit(Math.max(1, settings.openDuration().toNanos() / 10), generation, false);
        }
        probeInFlight = true;
        return new Permit(0, generation, true);
      }
      return new Permit(0, generation, false);
    }

    synchronized void record(Permit permit, Outcome outcome, EventListener l) {
      if (permit.generation() != generation) {
        return; // started before the last state change: says nothing about the state now
      }
      long now = ticker.read();
      if (state == CircuitState.HALF_OPEN) {
        if (!permit.probe()) {
          return;
        }
        probeInFlight = false;
        if (outcome == Outcome.FAILURE) {
          open(now, l);
        } else if (outcome == Outcome.SUCCESS) {
          reset();
          transition(CircuitState.CLOSED, l);
        }
        // NONE: the probe was ended from outside before its request went out (cancelled, the
        // client closing, the deadline while connecting); the slot is free for the next probe.
        return;
      }
      if (state != CircuitState.CLOSED || outcome == Outcome.NONE) {
        return;
      }
      boolean failed = outcome == Outcome.FAILURE;
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
        generation++;
        l.circuitStateChanged(origin, from, to);
      }
    }
  }
}
