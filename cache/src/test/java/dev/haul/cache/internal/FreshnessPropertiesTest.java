package dev.haul.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.Headers;
import dev.haul.cache.CacheMode;
import dev.haul.cache.HttpDates;
import dev.haul.cache.Rfc9111Policy;
import dev.haul.cache.StoredResponse;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Issue 11: the age arithmetic (RFC 9111 §4.2.3), heuristics (§4.2.2) and clock skew, as properties. */
class FreshnessPropertiesTest {

  static final Instant BASE = Instant.parse("2026-03-01T12:00:00Z");

  static StoredResponse stored(long requestOffset, long responseOffset, Long dateOffset, Long age, String... more) {
    Headers.Builder h = Headers.builder();
    if (dateOffset != null) {
      h.add("Date", HttpDates.format(BASE.plusSeconds(dateOffset)));
    }
    if (age != null) {
      h.add("Age", Long.toString(age));
    }
    for (int i = 0; i < more.length; i += 2) {
      h.add(more[i], more[i + 1]);
    }
    return new StoredResponse("GET", URI.create("http://h/x"), 200, h.build(), Headers.empty(),
        BASE.plusSeconds(requestOffset), BASE.plusSeconds(responseOffset));
  }

  @Property
  void theAgeIsNeverNegativeAndCoversResidentTimeAndTheAgeField(@ForAll @IntRange(min = 0, max = 10_000) int delay,
      @ForAll @LongRange(min = -1_000_000, max = 1_000_000) long skew, @ForAll @IntRange(min = 0, max = 1_000_000) int ageField,
      @ForAll @IntRange(min = 0, max = 1_000_000) int resident) {
    StoredResponse s = stored(0, delay, (long) delay + skew, (long) ageField);
    long age = Freshness.currentAgeMillis(s, BASE.plusSeconds(delay + resident));
    assertThat(age).isGreaterThanOrEqualTo(0);
    assertThat(age).isGreaterThanOrEqualTo(resident * 1000L);
    assertThat(age).isGreaterThanOrEqualTo((long) (ageField + delay + resident) * 1000); // corrected age value
  }

  @Property
  void aServerClockAheadOfOursAddsNoAge(@ForAll @IntRange(min = 0, max = 100) int delay,
      @ForAll @LongRange(min = 0, max = 10_000_000) long ahead, @ForAll @IntRange(min = 0, max = 100_000) int resident) {
    StoredResponse skewed = stored(0, delay, delay + ahead, null);
    StoredResponse exact = stored(0, delay, (long) delay, null);
    Instant now = BASE.plusSeconds(delay + resident);
    assertThat(Freshness.currentAgeMillis(skewed, now)).isEqualTo(Freshness.currentAgeMillis(exact, now))
        .isEqualTo((long) (delay + resident) * 1000);
  }

  @Property
  void aServerClockBehindOursCountsAsAge(@ForAll @LongRange(min = 1, max = 10_000_000) long behind,
      @ForAll @IntRange(min = 0, max = 100_000) int resident) {
    StoredResponse s = stored(0, 0, -behind, null);
    assertThat(Freshness.currentAgeMillis(s, BASE.plusSeconds(resident))).isEqualTo((behind + resident) * 1000);
  }

  @Property
  void theAgeGrowsWithTimeAndNeverShrinks(@ForAll @IntRange(min = 0, max = 1_000_000) int t1,
      @ForAll @IntRange(min = 0, max = 1_000_000) int t2, @ForAll @LongRange(min = -100_000, max = 100_000) long skew) {
    StoredResponse s = stored(0, 1, skew, 3L);
    long a1 = Freshness.currentAgeMillis(s, BASE.plusSeconds(Math.min(t1, t2)));
    long a2 = Freshness.currentAgeMillis(s, BASE.plusSeconds(Math.max(t1, t2)));
    assertThat(a2).isGreaterThanOrEqualTo(a1);
  }

  @Property
  void ourClockGoingBackwardsAddsNoNegativeResidentTime(@ForAll @IntRange(min = 1, max = 1_000_000) int back) {
    StoredResponse s = stored(0, 0, 0L, 10L);
    assertThat(Freshness.currentAgeMillis(s, BASE.minusSeconds(back))).isEqualTo(10_000);
  }

  @Property
  void theHeuristicIsATenthOfTheIntervalNeverAboveTheCapNeverNegative(
      @ForAll @LongRange(min = -10_000_000, max = 100_000_000) long lastModifiedBefore,
      @ForAll @IntRange(min = 0, max = 200_000) int capSeconds) {
    StoredResponse s = stored(0, 0, 0L, null, "Last-Modified", HttpDates.format(BASE.minusSeconds(lastModifiedBefore)));
    Duration cap = Duration.ofSeconds(capSeconds);
    Duration h = Rfc9111Policy.heuristicLifetime(s, cap);
    assertThat(h).isGreaterThanOrEqualTo(Duration.ZERO).isLessThanOrEqualTo(cap);
    if (lastModifiedBefore <= 0) {
      assertThat(h).isZero();
    } else {
      assertThat(h).isEqualTo(Duration.ofSeconds(lastModifiedBefore).dividedBy(10).compareTo(cap) > 0
          ? cap : Duration.ofSeconds(lastModifiedBefore).dividedBy(10));
    }
  }

  @Property
  void aStatusThatIsNotHeuristicallyCacheableGetsNoHeuristicLifetime(@ForAll("statuses") int status) {
    StoredResponse s = new StoredResponse("GET", URI.create("http://h/x"), status,
        Headers.of("Date", HttpDates.format(BASE), "Last-Modified", HttpDates.format(BASE.minus(Duration.ofDays(30)))),
        Headers.empty(), BASE, BASE);
    Duration life = Rfc9111Policy.create().freshnessLifetime(s, CacheMode.PRIVATE);
    assertThat(life.isZero()).isEqualTo(!Rfc9111Policy.HEURISTICALLY_CACHEABLE.contains(status));
  }

  @Provide
  Arbitrary<Integer> statuses() {
    return Arbitraries.integers().between(200, 599);
  }

  @Property
  void anExpiresBeforeTheDateIsZeroNeverNegative(@ForAll @LongRange(min = -10_000_000, max = 10_000_000) long expiresIn,
      @ForAll @LongRange(min = -1000, max = 1000) long dateOffset) {
    StoredResponse s = stored(0, 0, dateOffset, null, "Expires", HttpDates.format(BASE.plusSeconds(dateOffset + expiresIn)));
    Duration life = Rfc9111Policy.create().freshnessLifetime(s, CacheMode.PRIVATE);
    assertThat(life).isEqualTo(Duration.ofSeconds(Math.max(0, expiresIn)));
  }

  @Example
  void rfcExampleArithmetic() {
    // Request at 0, response at 2, Date 1 s before the response, Age: 10 -> corrected age 12; 5 s later 17.
    StoredResponse s = stored(0, 2, 1L, 10L);
    assertThat(Freshness.currentAgeMillis(s, BASE.plusSeconds(7))).isEqualTo(17_000);
    // Invalid Date and Age are ignored.
    StoredResponse bad = stored(0, 0, null, null, "Date", "yesterday", "Age", "-5");
    assertThat(Freshness.currentAgeMillis(bad, BASE.plusSeconds(3))).isEqualTo(3_000);
    // A huge Age saturates instead of overflowing.
    StoredResponse huge = stored(0, 0, 0L, null, "Age", "999999999999999999999");
    assertThat(Freshness.currentAgeMillis(huge, BASE)).isEqualTo(2147483648L * 1000);
  }
}
