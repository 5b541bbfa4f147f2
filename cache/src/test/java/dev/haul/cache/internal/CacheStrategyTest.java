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

/** Issue 11: the cache's decision (RFC 9111 §4, §5.2; RFC 5861) as a pure function. */
class CacheStrategyTest {

  static final Instant T = Instant.parse("2026-05-01T00:00:00Z");

  static StoredResponse response(String cacheControl, String... more) {
    Headers.Builder h = Headers.builder().add("Date", HttpDates.format(T));
    if (cacheControl != null) {
      h.add("Cache-Control", cacheControl);
    }
    for (int i = 0; i < more.length; i += 2) {
      h.add(more[i], more[i + 1]);
    }
    return new StoredResponse("GET", URI.create("http://h/x"), 200, h.build(), Headers.empty(), T, T);
  }

  static CacheStrategy.Decision decide(StoredResponse s, long ageSeconds, CacheMode mode, String... request) {
    Duration life = Rfc9111Policy.create().freshnessLifetime(s, mode);
    return CacheStrategy.decide(T.plusSeconds(ageSeconds), Headers.of(request), s, life, mode);
  }

  @Provide
  Arbitrary<String> garbage() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("max-agesno-cachepublicvtmustrevlid=0123456789,\" \\").ofMaxLength(50),
        Arbitraries.strings().withCharRange(' ', '~').withCharRange((char) 0xa0, (char) 0xff).withChars('\t').ofMaxLength(50));
  }

  @Property
  void noResponseDirectiveGarbageMakesAStaleResponseFresh(@ForAll @IntRange(min = 0, max = 100_000) int maxAge,
      @ForAll @IntRange(min = 0, max = 100_000) int over, @ForAll("garbage") String before, @ForAll("garbage") String after) {
    StoredResponse s = response(before.replace("\"", "") + ", max-age=" + maxAge + ", " + after,
        "Last-Modified", HttpDates.format(T.minus(Duration.ofDays(365))));
    CacheStrategy.Decision d = decide(s, (long) maxAge + over, CacheMode.PRIVATE);
    assertThat(d.fresh()).isFalse();
    assertThat(d.action()).isNotEqualTo(CacheStrategy.Action.HIT);
  }

  @Property
  void noRequestDirectiveGarbageTurnsAStaleResponseIntoAHit(@ForAll @IntRange(min = 0, max = 1000) int over,
      @ForAll("garbage") String request) {
    StoredResponse s = response("max-age=10");
    CacheStrategy.Decision d = decide(s, 10 + over, CacheMode.PRIVATE, "Cache-Control", request);
    assertThat(d.action()).isNotEqualTo(CacheStrategy.Action.HIT);
  }

  @Example
  void sharedModeHonoursSMaxageAndItsNoStaleRule() {
    StoredResponse s = response("max-age=100, s-maxage=10");
    assertThat(decide(s, 50, CacheMode.PRIVATE).action()).isEqualTo(CacheStrategy.Action.HIT);
    assertThat(decide(s, 50, CacheMode.SHARED).action()).isEqualTo(CacheStrategy.Action.FORWARD);
    StoredResponse p = response("max-age=10, proxy-revalidate");
    assertThat(decide(p, 20, CacheMode.PRIVATE, "Cache-Control", "max-stale").action())
        .isEqualTo(CacheStrategy.Action.STALE_HIT);
    assertThat(decide(p, 20, CacheMode.SHARED, "Cache-Control", "max-stale").action())
        .isEqualTo(CacheStrategy.Action.FORWARD);
  }

  @Example
  void validatorsDecideBetweenValidationAndAPlainRequest() {
    assertThat(decide(response("max-age=1", "ETag", "\"a\""), 5, CacheMode.PRIVATE).action())
        .isEqualTo(CacheStrategy.Action.VALIDATE);
    assertThat(decide(response("max-age=1"), 5, CacheMode.PRIVATE).action()).isEqualTo(CacheStrategy.Action.FORWARD);
  }

  @Example
  void staleWhileRevalidateWindowAndStaleIfError() {
    StoredResponse s = response("max-age=10, stale-while-revalidate=20, stale-if-error=30");
    assertThat(decide(s, 30, CacheMode.PRIVATE).action()).isEqualTo(CacheStrategy.Action.STALE_WHILE_REVALIDATE);
    assertThat(decide(s, 31, CacheMode.PRIVATE).action()).isEqualTo(CacheStrategy.Action.FORWARD);
    Duration life = Duration.ofSeconds(10);
    assertThat(CacheStrategy.staleIfError(T.plusSeconds(40), Headers.empty(), s, life, CacheMode.PRIVATE)).isTrue();
    assertThat(CacheStrategy.staleIfError(T.plusSeconds(41), Headers.empty(), s, life, CacheMode.PRIVATE)).isFalse();
    assertThat(CacheStrategy.staleIfError(T.plusSeconds(41), Headers.of("Cache-Control", "stale-if-error=100"), s,
        life, CacheMode.PRIVATE)).isTrue();
    StoredResponse strict = response("max-age=10, stale-while-revalidate=20, must-revalidate");
    assertThat(decide(strict, 15, CacheMode.PRIVATE).action()).isEqualTo(CacheStrategy.Action.FORWARD);
  }

  @Example
  void maxStaleDuplicatesTakeTheSmallest() {
    StoredResponse s = response("max-age=10");
    assertThat(decide(s, 15, CacheMode.PRIVATE, "Cache-Control", "max-stale, max-stale=4").action())
        .isEqualTo(CacheStrategy.Action.FORWARD);
    assertThat(decide(s, 14, CacheMode.PRIVATE, "Cache-Control", "max-stale, max-stale=4").action())
        .isEqualTo(CacheStrategy.Action.STALE_HIT);
  }
}
