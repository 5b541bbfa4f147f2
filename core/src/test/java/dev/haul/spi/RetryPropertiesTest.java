package dev.haul.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.ConnectFailedException;
import dev.haul.Request;
import dev.haul.RetrySettings;
import dev.haul.SendState;
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

  private static final long CENTURY_SECONDS = 100L * 365 * 24 * 3600;

  /** Issue 8 defect 14: this property used to check only ">= 0"; now it checks the value itself. */
  @Property
  void retryAfterDeltaSecondsIsExactlyTheNumber(@ForAll("deltaSeconds") String digits,
      @ForAll("blanks") String before, @ForAll("blanks") String after) {
    java.math.BigInteger n = new java.math.BigInteger(digits);
    long expected = n.compareTo(java.math.BigInteger.valueOf(CENTURY_SECONDS)) > 0 ? CENTURY_SECONDS : n.longValueExact();
    assertThat(RetryAfter.parse(before + digits + after, NOW)).hasValue(Duration.ofSeconds(expected));
  }

  /**
   * An HTTP-date in the future is exactly {@code date - now}; one at or before now gives no hint
   * (empty), so the policy falls back to its own backoff rather than retrying at once on a server
   * whose clock is behind.
   */
  @Property
  void retryAfterHttpDateIsExactlyTheDistanceFromNow(
      @ForAll @LongRange(min = -10L * 365 * 24 * 3600, max = 10L * 365 * 24 * 3600) long offsetSeconds) {
    Instant at = NOW.plusSeconds(offsetSeconds);
    String imfFixdate = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(at, ZoneOffset.UTC));
    if (offsetSeconds > 0) {
      assertThat(RetryAfter.parse(imfFixdate, NOW)).hasValue(Duration.ofSeconds(offsetSeconds));
    } else {
      assertThat(RetryAfter.parse(imfFixdate, NOW)).isEmpty();
    }
  }

  /** Neither a number nor a date: nothing, never an exception. */
  @Property
  void retryAfterGarbageIsEmpty(@ForAll("garbage") String value) {
    assertThat(RetryAfter.parse(value, NOW)).isEmpty();
  }

  @Provide
  Arbitrary<String> deltaSeconds() {
    return Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(30);
  }

  @Provide
  Arbitrary<String> blanks() {
    return Arbitraries.strings().withChars(' ', '\t').ofMaxLength(2);
  }

  @Provide
  Arbitrary<String> garbage() {
    Arbitrary<String> noDigits = Arbitraries.strings().all().filter(s -> s.chars().noneMatch(Character::isDigit));
    Arbitrary<String> signedOrSuffixed = Arbitraries.longs().between(0, 1_000_000).flatMap(n ->
        Arbitraries.of("-" + n, "+" + n, n + "s", n + ".5", "0x" + n, n + " " + n, "1e" + n));
    Arbitrary<String> tooLong = Arbitraries.strings().withCharRange('0', '9').ofLength(65);
    return Arbitraries.oneOf(noDigits, signedOrSuffixed, tooLong);
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
    RetryPolicy policy = RetryPolicy.of(
        RetrySettings.builder().maxRetries(maxRetries).baseDelay(Duration.ZERO).maxDelay(Duration.ZERO).build());
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
