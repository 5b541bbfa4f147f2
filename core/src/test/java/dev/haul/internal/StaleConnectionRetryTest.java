package dev.haul.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.ConnectionClosedException;
import dev.haul.Request;
import dev.haul.RequestBody;
import dev.haul.SendState;
import dev.haul.spi.RetryPolicy;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 defect 2: the transport no longer resends a request that may have reached the server;
 * a reused connection that died after the request went out is the retry policy's decision.
 */
class StaleConnectionRetryTest {

  private static final URI URL = URI.create("http://example.test/x");
  private final RetryPolicy policy = RetryPolicy.builder().baseDelay(Duration.ofSeconds(1))
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
}
