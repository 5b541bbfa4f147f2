package dev.haul.spi;

import static java.util.Objects.requireNonNull;

import dev.haul.HaulConfig;
import dev.haul.HaulException;
import dev.haul.Request;
import dev.haul.internal.DefaultRetryPolicy;
import dev.haul.internal.Durations;
import dev.haul.internal.Settings;
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
    return builder()
        .maxRetries(config.retryMaxRetries())
        .baseDelay(config.retryBaseDelay())
        .multiplier(config.retryMultiplier())
        .maxDelay(config.retryMaxDelay())
        .maxRetryAfter(config.retryMaxRetryAfter())
        .budget(config.retryBudgetRatio(), config.retryBudgetMinPerSecond())
        .build();
  }

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

  /** Builds the default policy with other settings. */
  final class Builder {
    int maxRetries = 3;
    Duration baseDelay = Duration.ofSeconds(1);
    double multiplier = 2.0;
    Duration maxDelay = Duration.ofSeconds(30);
    Duration maxRetryAfter = Duration.ofSeconds(120);
    Set<Integer> retryStatuses = Set.of(408, 425, 429, 500, 502, 503, 504, 524);
    DoubleSupplier random = () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble();
    Clock clock = Clock.systemUTC();
    double budgetRatio = 0.2;
    double budgetMinPerSecond = 1.0;
    boolean budget = true;
    Ticker ticker = Ticker.systemTicker();

    private Builder() {}

    public Builder maxRetries(int n) {
      this.maxRetries = Settings.range("haul.retry.max-retries", n, 0, 100);
      return this;
    }

    public Builder baseDelay(Duration d) {
      this.baseDelay = Settings.nonNegative("haul.retry.base-delay", d);
      return this;
    }

    public Builder multiplier(double m) {
      this.multiplier = Settings.range("haul.retry.multiplier", m, 1.0, 10.0);
      return this;
    }

    public Builder maxDelay(Duration d) {
      this.maxDelay = Settings.nonNegative("haul.retry.max-delay", d);
      return this;
    }

    public Builder maxRetryAfter(Duration d) {
      this.maxRetryAfter = Settings.nonNegative("haul.retry.max-retry-after", d);
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

    /**
     * A per-origin retry budget: retries may be at most {@code ratio} of the requests of the last
     * 10 seconds plus {@code minPerSecond} per second.
     */
    public Builder budget(double ratio, double minPerSecond) {
      this.budgetRatio = Settings.range("haul.retry.budget-ratio", ratio, 0.0, 10.0);
      this.budgetMinPerSecond = Settings.range("haul.retry.budget-min-per-second", minPerSecond, 0.0, 10_000.0);
      this.budget = true;
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

    public RetryPolicy build() {
      if (baseDelay.compareTo(maxDelay) > 0) {
        throw new IllegalArgumentException("haul.retry.base-delay: " + Durations.format(baseDelay)
            + " (expected: <= haul.retry.max-delay, " + Durations.format(maxDelay) + ")");
      }
      return new DefaultRetryPolicy(maxRetries, baseDelay, multiplier, maxDelay, maxRetryAfter,
          retryStatuses, random, clock,
          budget ? new dev.haul.internal.RetryBudget(budgetRatio, budgetMinPerSecond, ticker) : null);
    }
  }
}
