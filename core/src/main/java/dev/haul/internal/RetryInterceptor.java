package dev.haul.internal;

import dev.haul.ClientClosedException;
import dev.haul.ConnectionClosedException;
import dev.haul.HaulException;
import dev.haul.Request;
import dev.haul.config.Durations;
import dev.haul.spi.EventListener;
import dev.haul.spi.Interceptor;
import dev.haul.spi.RawResponse;
import dev.haul.spi.RetryPolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link RetryPolicy}: after each attempt it asks the policy, closes the body of a
 * response it drops, and schedules the next attempt on a timer within the call deadline.
 */
public final class RetryInterceptor implements Stage {

  private static final Logger LOG = LoggerFactory.getLogger(RetryInterceptor.class);

  private final RetryPolicy defaultPolicy;
  private final ScheduledExecutorService timer;

  public RetryInterceptor(RetryPolicy defaultPolicy, ScheduledExecutorService timer) {
    this.defaultPolicy = defaultPolicy;
    this.timer = timer;
  }

  @Override
  public CompletableFuture<RawResponse> intercept(Chain chain, CallState call) {
    RetryPolicy policy = chain.request().retryPolicy().orElse(defaultPolicy);
    CompletableFuture<RawResponse> out = new CompletableFuture<>();
    attempt(chain, call, policy, 1, out);
    return out;
  }

  private void attempt(Chain chain, CallState call, RetryPolicy policy, int number,
      CompletableFuture<RawResponse> out) {
    if (call.isCancelled()) {
      out.cancel(false);
      return;
    }
    CompletableFuture<RawResponse> f;
    try {
      f = chain.proceed(chain.request());
    } catch (Throwable t) {
      f = CompletableFuture.failedFuture(t);
    }
    f.whenComplete((response, error) -> {
      // Issue 8 review 2: a fresh connection asked for this attempt is for this attempt only. One
      // stopped before the transport (the circuit open) must not pass it on to whatever the call
      // sends next (another origin); onOutcome asks again when the next retry needs it.
      call.clearFreshConnection();
      if (out.isDone()) {
        if (response != null) {
          response.body().close();
        }
        return;
      }
      onOutcome(chain, call, policy, number, out, response, unwrap(error));
    });
  }

  private void onOutcome(Chain chain, CallState call, RetryPolicy policy, int number,
      CompletableFuture<RawResponse> out, RawResponse response, Throwable error) {
    Request request = chain.request();
    EventListener listener = chain.listener();
    if (error != null && !(error instanceof HaulException)) {
      out.completeExceptionally(error); // a programming error, not an exchange outcome
      return;
    }
    RetryPolicy.Decision d;
    try {
      d = policy.decide(new RetryPolicy.Attempt(request, number, response, (HaulException) error));
    } catch (RuntimeException e) {
      LOG.warn("retry policy {} threw; not retrying", policy.getClass().getName(), e);
      d = RetryPolicy.Decision.stop("retry policy failed: " + e);
    }
    if (d.isAccepted()) {
      complete(out, response, error, number);
      return;
    }
    if (!d.shouldRetry()) {
      listener.retryGaveUp(request, number, d.reason());
      if (d.failure().isPresent()) {
        closeQuietly(response);
        out.completeExceptionally(d.failure().get());
      } else {
        complete(out, response, error, number);
      }
      return;
    }
    Duration delay = d.delay();
    Optional<Duration> left = chain.timeLeft();
    if (left.isPresent() && delay.compareTo(left.get()) >= 0) {
      listener.retryGaveUp(request, number, "the call deadline would pass before the retry ("
          + d.reason() + ")");
      complete(out, response, error, number);
      return;
    }
    closeQuietly(response);
    if (error instanceof ConnectionClosedException c && c.onReusedConnection()) {
      // The server had closed that pooled connection; its other idle ones may be just as dead
      // (a restart, an idle timeout shorter than ours): the retry must not burn itself on one.
      call.freshConnectionForNextAttempt();
    }
    listener.retryScheduled(request, number, delay, d.reason());
    LOG.debug("{}: attempt {} -> retry in {}: {}", request, number, Durations.format(delay), d.reason());
    try {
      long ticket = call.ticket();
      call.track(ticket, timer.schedule(() -> attempt(chain, call, policy, number + 1, out),
          delay.toNanos(), TimeUnit.NANOSECONDS));
    } catch (RejectedExecutionException closing) {
      // The client closed its timer: end the call now instead of leaving it waiting for a retry
      // that will never run (an exception thrown here would be swallowed by the future).
      out.completeExceptionally(new ClientClosedException(request.uri(), call.furthest()));
    }
  }

  private static void complete(CompletableFuture<RawResponse> out, RawResponse response,
      Throwable error, int attempts) {
    if (error != null) {
      out.completeExceptionally(error);
    } else if (!out.complete(response.toBuilder().attempts(attempts).build())) {
      response.body().close();
    }
  }

  private static void closeQuietly(RawResponse response) {
    if (response != null) {
      try {
        response.body().close();
      } catch (RuntimeException e) {
        LOG.debug("closing a dropped response body failed", e);
      }
    }
  }

  static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
