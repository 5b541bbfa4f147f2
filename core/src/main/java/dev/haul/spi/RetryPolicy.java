package dev.haul.spi;

import static java.util.Objects.requireNonNull;

import dev.haul.HaulConfig;
import dev.haul.HaulException;
import dev.haul.Request;
import dev.haul.RetrySettings;
import dev.haul.config.Durations;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * Decides, after each attempt, whether to stop or to retry after a delay. The retry stage applies
 * the decision: it closes the dropped response, waits on a timer (never a sleeping thread) within
 * the call deadline, and reports each decision to the {@link EventListener}.
 */
@FunctionalInterface
public interface RetryPolicy {

  /** The decision after {@code attempt}. */
  Decision decide(Attempt attempt);

  /** Never retries. */
  static RetryPolicy none() {
    return a -> a.response() != null ? Decision.accept() : Decision.stop("retries disabled");
  }

  /**
   * The default: at most 3 retries; connect-level failures ({@code NOT_SENT}) for any method;
   * failures after sending only for repeatable requests; statuses 408, 425, 429, 500, 502, 503,
   * 504 and 524 for repeatable requests; exponential backoff (1 s, x2, cap 30 s) with full
   * jitter; {@code Retry-After} honoured up to 120 s (a longer one fails the call with
   * {@link dev.haul.RetryAfterExceededException}); a per-origin retry budget of 20 % of recent
   * requests plus one retry per second. A repeatable request whose reused (pooled) connection the
   * server had closed ({@link dev.haul.ConnectionClosedException#onReusedConnection()}) is retried
   * at once, without backoff, and the retry stage makes that attempt on a new connection
   * ({@link Exchange#freshConnection()}), never on another idle one that may be as dead.
   */
  static RetryPolicy defaults() {
    return builder().build();
  }

  /** The default policy with the retry settings of {@code config}. */
  static RetryPolicy fromConfig(HaulConfig config) {
    return of(config.retry());
  }

  /** The default policy with {@code settings}. */
  static RetryPolicy of(RetrySettings settings) {
    return builder().settings(settings).build();
  }

  /** A builder of the default policy, at {@link RetrySettings#defaults()}. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * The outcome of one attempt: exactly one of {@code response} and {@code failure} is set.
   *
   * @param request the request of the attempt
   * @param number 1 for the first try, 2 for the first retry...
   * @param response the response, or null
   * @param failure the failure, or null
   */
  record Attempt(Request request, int number, RawResponse response, HaulException failure) {
    public Attempt {
      requireNonNull(request, "request is null");
      if ((response == null) == (failure == null)) {
        throw new IllegalArgumentException("exactly one of response and failure must be set");
      }
    }

    public Optional<RawResponse> responseIfAny() {
      return Optional.ofNullable(response);
    }

    public Optional<HaulException> failureIfAny() {
      return Optional.ofNullable(failure);
    }
  }

  /** Stop, or retry after a delay; with a reason for events and logs. */
  final class Decision {
    private final boolean retry;
    private final Duration delay;
    private final String reason;
    private final HaulException failure;

    private static final Decision ACCEPT = new Decision(false, Duration.ZERO, "accepted", null);

    private Decision(boolean retry, Duration delay, String reason, HaulException failure) {
      this.retry = retry;
      this.delay = delay;
      this.reason = requireNonNull(reason, "reason is null");
      this.failure = failure;
    }

    /** Retry after {@code delay}. */
    public static Decision retryAfter(Duration delay, String reason) {
      requireNonNull(delay, "delay is null");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay: " + Durations.format(delay) + " (expected: >= 0)");
      }
      return new Decision(true, delay, reason, null);
    }

    /** The outcome is final and no failure (a success or a status the policy does not retry). */
    public static Decision accept() {
      return ACCEPT;
    }

    /** Give up and return the attempt's outcome as it is; reported as a retry give-up. */
    public static Decision stop(String reason) {
      return new Decision(false, Duration.ZERO, reason, null);
    }

    /** Stop and fail the call with {@code failure} instead of the attempt's outcome. */
    public static Decision fail(HaulException failure, String reason) {
      return new Decision(false, Duration.ZERO, reason, requireNonNull(failure, "failure is null"));
    }

    /** Whether this is {@link #accept()}: nothing went wrong, nothing to report. */
    public boolean isAccepted() {
      return this == ACCEPT;
    }

    public boolean shouldRetry() {
      return retry;
    }

    public Duration delay() {
      return delay;
    }

    public String reason() {
      return reason;
    }

    /** The failure to end the call with, replacing the attempt's outcome. */
    public Optional<HaulException> failure() {
      return Optional.ofNullable(failure);
    }

    @Override
    public String toString() {
      return retry ? "retry after " + Durations.format(delay) + ": " + reason : "stop: " + reason;
    }
  }

  /**
   * Builds the default policy. The numbers ({@code haul.retry.*}) are a {@link RetrySettings};
   * this builder adds what configuration cannot say: the statuses, the jitter source and the
   * clocks.
   */
  final class Builder {
    private RetrySettings settings = RetrySettings.defaults();
    private Set<Integer> retryStatuses = Set.of(408, 425, 429, 500, 502, 503, 504, 524);
    private DoubleSupplier random = () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble();
    private Clock clock = Clock.systemUTC();
    private boolean budget = true;
    private Ticker ticker = Ticker.systemTicker();

    private Builder() {}

    /** Retries, backoff, {@code Retry-After} cap and retry budget. */
    public Builder settings(RetrySettings settings) {
      this.settings = requireNonNull(settings, "settings is null");
      return this;
    }

    /** Statuses retried for repeatable requests. */
    public Builder retryStatuses(Set<Integer> statuses) {
      this.retryStatuses = Set.copyOf(statuses);
      return this;
    }

    /** The source of jitter, uniform in [0, 1); tests make it deterministic. */
    public Builder random(DoubleSupplier random) {
      this.random = requireNonNull(random, "random is null");
      return this;
    }

    /** No retry budget: only the maximum number of retries limits retries. */
    public Builder noBudget() {
      this.budget = false;
      return this;
    }

    /** The time source of the retry budget's window. */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker is null");
      return this;
    }

    /** The wall clock used to read {@code Retry-After} dates. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock is null");
      return this;
    }

    /** The policy. */
    public RetryPolicy build() {
      return new DefaultRetryPolicy(settings, retryStatuses, random, clock,
          budget ? new RetryBudget(settings.budgetRatio(), settings.budgetMinPerSecond(), ticker) : null);
    }
  }
}
