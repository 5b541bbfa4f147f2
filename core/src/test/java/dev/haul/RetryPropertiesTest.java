package dev.haul;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.internal.DefaultRetryPolicy;
import dev.haul.internal.RetryAfter;
import dev.haul.spi.RawResponse;
import dev.haul.spi.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RetryPropertiesTest {

  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  @Property
  void backoffIsAlwaysWithinZeroAndCap(@ForAll @LongRange(min = 0, max = 60_000) long baseMs,
      @ForAll @DoubleRange(min = 1.0, max = 10.0) double multiplier,
      @ForAll @LongRange(min = 0, max = 120_000) long capMs,
      @ForAll @IntRange(min = 1, max = 10_000) int attempt,
      @ForAll double sample) {
    Duration d = DefaultRetryPolicy.backoff(Duration.ofMillis(baseMs), multiplier,
        Duration.ofMillis(capMs), attempt, sample);
    assertThat(d).isBetween(Duration.ZERO, Duration.ofMillis(capMs));
  }

  @Property
  void retryAfterParserNeverThrowsAndIsNeverNegative(@ForAll String anything) {
    assertThat(RetryAfter.parse(anything, NOW)).satisfiesAnyOf(
        o -> assertThat(o).isEmpty(),
        o -> assertThat(o.get()).isGreaterThanOrEqualTo(Duration.ZERO));
  }

  @Property
  void retryAfterDeltaSeconds(@ForAll @LongRange(min = 0, max = 1_000_000) long seconds) {
    assertThat(RetryAfter.parse(Long.toString(seconds), NOW)).hasValue(Duration.ofSeconds(seconds));
  }

  @Test
  void retryAfterForms() {
    String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        ZonedDateTime.ofInstant(NOW.plusSeconds(10), ZoneOffset.UTC));
    assertThat(RetryAfter.parse(inTenSeconds, NOW)).hasValue(Duration.ofSeconds(10));
    assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT", NOW)).isEmpty(); // past
    assertThat(RetryAfter.parse("-5", NOW)).isEmpty();
    assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
    assertThat(RetryAfter.parse("99999999999999999999999", NOW).get()).isGreaterThan(Duration.ofDays(365));
  }

  /** Whatever the outcomes, the number of attempts never exceeds max retries + 1. */
  @Property
  void attemptsNeverExceedTheMaximum(@ForAll @IntRange(min = 0, max = 6) int maxRetries,
      @ForAll("outcomes") List<Integer> outcomes) {
    RetryPolicy policy = RetryPolicy.builder().maxRetries(maxRetries)
        .baseDelay(Duration.ZERO).maxDelay(Duration.ZERO).build();
    Request request = Request.get("http://h/");
    int attempts = 0;
    for (int outcome : outcomes) {
      attempts++;
      RetryPolicy.Attempt a = outcome < 0
          ? new RetryPolicy.Attempt(request, attempts, null,
              new ConnectFailedException("x", null, SendState.NOT_SENT, null))
          : new RetryPolicy.Attempt(request, attempts,
              RawResponse.builder().request(request).status(outcome).build(), null);
      if (!policy.decide(a).shouldRetry()) {
        break;
      }
    }
    assertThat(attempts).isLessThanOrEqualTo(maxRetries + 1);
  }

  @Provide
  Arbitrary<List<Integer>> outcomes() {
    return Arbitraries.of(-1, 200, 404, 408, 429, 500, 503, 504).list().ofMinSize(1).ofMaxSize(20);
  }
}
