package dev.haul.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.BodyHandlers;
import dev.haul.ConnectionClosedException;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.Request;
import dev.haul.RequestBody;
import dev.haul.RetrySettings;
import dev.haul.SendState;
import dev.haul.spi.Exchange;
import dev.haul.spi.RetryPolicy;
import dev.haul.testing.FakeTransport;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 defect 2: the transport no longer resends a request that may have reached the server;
 * a reused connection that died after the request went out is the retry policy's decision.
 */
class StaleConnectionRetryTest {

  private static final URI URL = URI.create("http://example.test/x");
  private final RetryPolicy policy = RetryPolicy.builder().settings(RetrySettings.builder().baseDelay(Duration.ofSeconds(1)).build())
      .random(() -> 0.99).noBudget().build();

  private static ConnectionClosedException closed(boolean reused) {
    return new ConnectionClosedException("connection closed before the response headers", URL,
        SendState.SENT_NO_RESPONSE, null, reused);
  }

  @Test
  void aRepeatableRequestOnAReusedConnectionIsRetriedAtOnce() {
    RetryPolicy.Decision d = policy.decide(new RetryPolicy.Attempt(Request.get(URL.toString()), 1, null, closed(true)));
    assertThat(d.shouldRetry()).isTrue();
    assertThat(d.delay()).isZero();
    assertThat(d.reason()).contains("reused connection");
  }

  @Test
  void onAFreshConnectionTheUsualBackoffApplies() {
    RetryPolicy.Decision d = policy.decide(new RetryPolicy.Attempt(Request.get(URL.toString()), 1, null, closed(false)));
    assertThat(d.shouldRetry()).isTrue();
    assertThat(d.delay()).isPositive();
  }

  @Test
  void aPostOnAReusedConnectionIsNeverRepeated() {
    Request post = Request.newBuilder(URL).POST(RequestBody.ofString("buy", "text/plain")).build();
    RetryPolicy.Decision d = policy.decide(new RetryPolicy.Attempt(post, 1, null, closed(true)));
    assertThat(d.shouldRetry()).isFalse();
  }

  @Test
  void theRetryLimitStillApplies() {
    RetryPolicy.Decision d = policy.decide(new RetryPolicy.Attempt(Request.get(URL.toString()), 4, null, closed(true)));
    assertThat(d.shouldRetry()).isFalse();
  }

  @Test
  void noneNeverRetries() {
    assertThat(RetryPolicy.none().decide(new RetryPolicy.Attempt(Request.get(URL.toString()), 1, null, closed(true)))
        .shouldRetry()).isFalse();
  }

  // Issue 8 review B: the retry after a reused connection the server had closed must not take
  // another idle connection, which may be just as dead: the attempt asks for a new one.
  @Test
  void theRetryAfterADeadReusedConnectionAsksForAFreshConnection() {
    FakeTransport transport = new FakeTransport()
        .enqueueFailure(closed(true))   // attempt 1: a pooled connection the server had closed
        .enqueueFailure(closed(false))  // attempt 2: on a new connection, fails otherwise
        .enqueue(200, "ok");            // attempt 3
    RetryPolicy quick = RetryPolicy.builder().settings(RetrySettings.builder().baseDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2)).build())
        .noBudget().build();
    try (HaulClient c = Haul.newBuilder().transport(transport).retryPolicy(quick).build()) {
      assertThat(c.send(Request.get(URL.toString()), BodyHandlers.ofString()).body()).isEqualTo("ok");
    }
    assertThat(transport.exchanges()).extracting(Exchange::freshConnection).containsExactly(false, true, false);
  }
  // Issue 8 review 2: the fresh-connection request belonged to the whole call and was cleared only
  // when the transport ran; a retried attempt stopped before the transport (here by the open
  // circuit) left it to the next attempt of the call, here one an application interceptor sends to
  // another origin when the first one's circuit is open.
  @Test
  void aRetriedAttemptStoppedBeforeTheTransportDoesNotPassTheFreshConnectionOn() {
    FakeTransport transport = new FakeTransport()
        .enqueueFailure(closed(true))   // attempt 1 to example.test: a dead pooled connection; opens the circuit
        .enqueue(200, "from b");        // the fallback's request to other.test
    RetryPolicy quick = RetryPolicy.builder().settings(RetrySettings.builder().baseDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2)).build())
        .noBudget().build();
    dev.haul.HaulConfig config = dev.haul.HaulConfig.builder().circuit(dev.haul.CircuitBreakerSettings.builder().enabled(true)
        .failureRate(0.5).minimumCalls(100)
        .window(Duration.ofSeconds(10)).consecutiveFailures(1).openDuration(Duration.ofSeconds(30)).build()).build();
    dev.haul.spi.Interceptor fallback = chain -> chain.proceed(chain.request()).handle((r, e) -> {
      Throwable cause = e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
      if (cause instanceof dev.haul.CircuitOpenException) {
        return chain.proceed(Request.get("http://other.test/y"));
      }
      return e == null ? java.util.concurrent.CompletableFuture.completedFuture(r)
          : java.util.concurrent.CompletableFuture.<dev.haul.spi.RawResponse>failedFuture(cause);
    }).thenCompose(f -> f);
    try (HaulClient c = Haul.newBuilder().transport(transport).retryPolicy(quick).config(config)
        .addInterceptor(fallback).build()) {
      assertThat(c.send(Request.get(URL.toString()), BodyHandlers.ofString()).body()).isEqualTo("from b");
    }
    assertThat(transport.exchanges()).extracting(e -> e.request().uri().getHost())
        .containsExactly("example.test", "other.test");
    assertThat(transport.exchanges()).extracting(Exchange::freshConnection).containsExactly(false, false);
  }
}
