package dev.haul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ContentRangeTest {

  @Test
  void parsesARange() {
    ContentRange r = ContentRange.parse("bytes 42-1233/1234").orElseThrow();
    assertThat(r.isSatisfied()).isTrue();
    assertThat(r.first()).isEqualTo(42);
    assertThat(r.last()).isEqualTo(1233);
    assertThat(r.length()).isEqualTo(1192);
    assertThat(r.completeLength()).hasValue(1234);
    assertThat(r).hasToString("bytes 42-1233/1234").isEqualTo(ContentRange.of(42, 1233, 1234));
  }

  @Test
  void aRangeWhoseLengthALongCannotHoldIsRefused() {
    // Issue 9 review: bytes 0-9223372036854775807/* had a length of Long.MIN_VALUE.
    assertThat(ContentRange.parse("bytes 0-9223372036854775807/*")).isEmpty();
    assertThat(ContentRange.parse("bytes 5-9223372036854775807/*")).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ContentRange.of(0, Long.MAX_VALUE, -1))
        .isInstanceOf(IllegalArgumentException.class);
    ContentRange widest = ContentRange.parse("bytes 0-9223372036854775806/*").orElseThrow();
    assertThat(widest.length()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void parsesAnUnknownCompleteLength() {
    ContentRange r = ContentRange.parse("bytes 0-9/*").orElseThrow();
    assertThat(r.completeLength()).isEmpty();
    assertThat(r.length()).isEqualTo(10);
    assertThat(r).hasToString("bytes 0-9/*");
    assertThat(r.isSuffixFrom(0, -1)).as("no known end: not the rest of anything").isFalse();
  }

  @Test
  void parsesAnUnsatisfiedRange() {
    ContentRange r = ContentRange.parse("bytes */1234").orElseThrow();
    assertThat(r.isSatisfied()).isFalse();
    assertThat(r.completeLength()).hasValue(1234);
    assertThat(r.first()).isEqualTo(-1);
    assertThat(r.length()).isZero();
    assertThat(r).hasToString("bytes */1234").isEqualTo(ContentRange.unsatisfied(1234));
    assertThat(ContentRange.parse("bytes */0")).contains(ContentRange.unsatisfied(0));
  }

  @Test
  void theUnitIsCaseInsensitiveAndWhitespaceAroundThePartsIsTolerated() {
    assertThat(ContentRange.parse("BYTES  5-9/10")).contains(ContentRange.of(5, 9, 10));
    assertThat(ContentRange.parse(" Bytes\t5 - 9 / 10 ")).contains(ContentRange.of(5, 9, 10));
    assertThat(ContentRange.parse("bytes * / 10")).contains(ContentRange.unsatisfied(10));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "bytes", "bytes ", "bytes=0-9/10", "bytes0-9/10", "items 0-9/10", "bytes 0-9", "bytes 0-/10",
      "bytes -9/10", "bytes 0-9/", "bytes +0-9/10", "bytes 0-+9/10", "bytes 0-9/-10", "bytes 0x0-9/10",
      "bytes 0-9/10 extra", "bytes 0-9/10,", "bytes 0-9/10/11", "bytes */*", "bytes *-9/10", "bytes 0-9/1e3",
      "bytes 0-9/10.0", "bytes 0 9/10", "bytes 0-9;10", "bytes ０-9/10"})
  void malformedValuesAreRejected(String value) {
    assertThat(ContentRange.parse(value)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes 10-9/20", "bytes 0-10/10", "bytes 0-11/10", "bytes 5-5/5", "bytes 1-0/*"})
  void invalidRangesAreRejected(String value) {
    // RFC 9110 §14.4: first-pos > last-pos, or last-pos >= complete-length, is invalid.
    assertThat(ContentRange.parse(value)).isEmpty();
  }

  @Test
  void numbersThatOverflowALongAreRejected() {
    String max = Long.toString(Long.MAX_VALUE);
    assertThat(ContentRange.parse("bytes 0-" + (Long.MAX_VALUE - 1) + "/" + max))
        .contains(ContentRange.of(0, Long.MAX_VALUE - 1, Long.MAX_VALUE));
    assertThat(ContentRange.parse("bytes 0-1/9223372036854775808")).isEmpty();
    assertThat(ContentRange.parse("bytes 0-99999999999999999999999/*")).isEmpty();
    assertThat(ContentRange.parse("bytes */18446744073709551616")).isEmpty();
    assertThat(ContentRange.parse("bytes 0-9/00010")).as("leading zeros are digits").contains(ContentRange.of(0, 9, 10));
  }

  @Test
  void checksAgainstTheRangeAskedFor() {
    ContentRange r = ContentRange.of(100, 999, 1000);
    assertThat(r.isSuffixFrom(100, 1000)).isTrue();
    assertThat(r.isSuffixFrom(100, -1)).isTrue();
    assertThat(r.isSuffixFrom(99, 1000)).isFalse();
    assertThat(r.isSuffixFrom(100, 1001)).isFalse();
    assertThat(ContentRange.of(100, 998, 1000).isSuffixFrom(100, 1000)).as("short end").isFalse();
    assertThat(ContentRange.unsatisfied(100).isSuffixFrom(100, 100)).isFalse();
    assertThat(r.isExactly(100, 999, 1000)).isTrue();
    assertThat(r.isExactly(100, 999, -1)).isTrue();
    assertThat(r.isExactly(100, 998, -1)).isFalse();
    assertThat(r.isExactly(100, 999, 1001)).isFalse();
    assertThat(ContentRange.of(0, 9, -1).isExactly(0, 9, -1)).isTrue();
    assertThat(ContentRange.of(0, 9, -1).isExactly(0, 9, 10)).isFalse();
  }

  @Test
  void invalidConstructionsAreRefused() {
    assertThatThrownBy(() -> ContentRange.of(-1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContentRange.of(5, 4, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContentRange.of(0, 10, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContentRange.of(0, 1, -2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContentRange.unsatisfied(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
