package dev.haul.spi;

import dev.haul.ConnectionClosedException;
import dev.haul.HaulException;
import dev.haul.RetryAfterExceededException;
import dev.haul.RetrySettings;
import dev.haul.SendState;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;

/** The policy behind {@link RetryPolicy#defaults()}; see there for the rules. */
final class DefaultRetryPolicy implements RetryPolicy {

  private final RetrySettings settings;
  private final Set<Integer> retryStatuses;
  private final DoubleSupplier random;
  private final Clock clock;
  private final RetryBudget budget;

  DefaultRetryPolicy(RetrySettings settings, Set<Integer> retryStatuses, DoubleSupplier random, Clock clock,
      RetryBudget budget) {
    this.settings = settings;
    this.retryStatuses = Set.copyOf(retryStatuses);
    this.random = random;
    this.clock = clock;
    this.budget = budget;
  }

  /** The retry budget, or null when there is none. */
  RetryBudget budget() {
    return budget;
  }

  @Override
  public Decision decide(Attempt attempt) {
    if (budget != null && attempt.number() == 1) {
      budget.onRequest(attempt.request().origin());
    }
    Decision d = decideIgnoringBudget(attempt);
    if (d.shouldRetry() && budget != null && !budget.tryRetry(attempt.request().origin())) {
      return Decision.stop("retry budget exhausted for " + attempt.request().origin()
          + " (haul.retry.budget-ratio); " + d.reason());
    }
    return d;
  }

  private Decision decideIgnoringBudget(Attempt attempt) {
    RawResponse response = attempt.response();
    if (response != null && !retryStatuses.contains(response.status())) {
      return Decision.accept();
    }
    if (attempt.number() > settings.maxRetries()) {
      return Decision.stop("gave up after " + attempt.number() + " attempts (limit: haul.retry.max-retries = "
          + settings.maxRetries() + ")");
    }
    boolean bodyReplayable = attempt.request().body().map(b -> b.isReplayable()).orElse(true);
    if (!bodyReplayable) {
      return Decision.stop("the request body is one-shot and cannot be sent again");
    }
    if (response == null) {
      return decideFailure(attempt, attempt.failure());
    }
    if (!attempt.request().isRepeatable()) {
      return Decision.stop("status " + response.status() + " for a " + attempt.request().method()
          + " request that is not marked safe to retry");
    }
    Optional<Duration> retryAfter =
        RetryAfter.parse(response.headers().get("Retry-After"), clock.instant());
    if (retryAfter.isPresent()) {
      Duration wait = retryAfter.get();
      if (wait.compareTo(settings.maxRetryAfter()) > 0) {
        return Decision.fail(new RetryAfterExceededException(attempt.request().uri(),
            response.status(), wait, settings.maxRetryAfter()), "Retry-After above the cap");
      }
      return Decision.retryAfter(wait, "status " + response.status() + " with Retry-After");
    }
    return Decision.retryAfter(backoff(attempt.number()), "status " + response.status());
  }

  private Decision decideFailure(Attempt attempt, HaulException failure) {
    String name = failure.getClass().getSimpleName();
    if (!failure.isTransient()) {
      return Decision.stop(name + " is not retryable");
    }
    if (failure.sendState() != SendState.NOT_SENT && !attempt.request().isRepeatable()) {
      return Decision.stop(name + " after the request was sent, and " + attempt.request().method()
          + " is not marked safe to retry");
    }
    if (failure instanceof ConnectionClosedException c && c.onReusedConnection()
        && failure.sendState() == SendState.SENT_NO_RESPONSE) {
      // A pooled connection the server had closed while idle (F5): nothing is wrong with the
      // origin, so the repeatable request goes again at once; the retry stage asks the
      // transport for a new connection (Exchange.freshConnection), not another idle one.
      return Decision.retryAfter(Duration.ZERO, name + " on a reused connection (" + failure.sendState() + ")");
    }
    return Decision.retryAfter(backoff(attempt.number()), name + " (" + failure.sendState() + ")");
  }

  /** Full jitter: uniform in [0, min(cap, base * multiplier^(n-1))]. */
  Duration backoff(int attemptNumber) {
    return backoff(settings.baseDelay(), settings.multiplier(), settings.maxDelay(), attemptNumber,
        random.getAsDouble());
  }

  /** The delay before retry number {@code attemptNumber}, for a uniform sample in [0, 1). */
  static Duration backoff(Duration base, double multiplier, Duration cap, int attemptNumber,
      double sample) {
    double capNanos = cap.toNanos();
    double ceiling = Math.min(capNanos, base.toNanos() * Math.pow(multiplier, Math.max(0, attemptNumber - 1)));
    double s = Double.isNaN(sample) ? 0 : Math.max(0, Math.min(1, sample));
    long nanos = (long) Math.min(capNanos, Math.max(0, ceiling * s));
    return Duration.ofNanos(nanos);
  }
}
