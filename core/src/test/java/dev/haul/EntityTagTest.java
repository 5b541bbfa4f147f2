package dev.haul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EntityTagTest {

  @Test
  void parsesStrongAndWeakTags() {
    EntityTag strong = EntityTag.parse("\"xyzzy\"").orElseThrow();
    assertThat(strong.isWeak()).isFalse();
    assertThat(strong.opaqueTag()).isEqualTo("xyzzy");
    assertThat(strong).hasToString("\"xyzzy\"").isEqualTo(EntityTag.strong("xyzzy"));

    EntityTag weak = EntityTag.parse(" W/\"xyzzy\"\t").orElseThrow();
    assertThat(weak.isWeak()).isTrue();
    assertThat(weak).hasToString("W/\"xyzzy\"").isEqualTo(EntityTag.weak("xyzzy"));
    assertThat(weak).isNotEqualTo(strong);

    assertThat(EntityTag.parse("\"\"")).contains(EntityTag.strong(""));
    assertThat(EntityTag.parse("\"caf\u00e9\"")).as("obs-text").contains(EntityTag.strong("caf\u00e9"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "xyzzy", "\"xyzzy", "xyzzy\"", "\"", "w/\"xyzzy\"", "W/xyzzy", "W/",
      "\"a\",\"b\"", "\"a b\"", "\"a\"b\"", "\"a\tb\"", "W/ \"a\"", "*", "\"\u20ac\""})
  void malformedTagsAreRejected(String value) {
    assertThat(EntityTag.parse(value)).isEmpty();
  }

  @Test
  void nullIsNoTag() {
    assertThat(EntityTag.parse(null)).isEmpty();
    assertThatThrownBy(() -> EntityTag.strong("a\"b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void comparisonFunctionsFollowRfc9110() {
    // The table of RFC 9110 §8.8.3.2.
    EntityTag w1 = EntityTag.weak("1");
    EntityTag w2 = EntityTag.weak("2");
    EntityTag s1 = EntityTag.strong("1");
    assertThat(w1.strongEquals(w1)).isFalse();
    assertThat(w1.weakEquals(w1)).isTrue();
    assertThat(w1.strongEquals(w2)).isFalse();
    assertThat(w1.weakEquals(w2)).isFalse();
    assertThat(w1.strongEquals(s1)).isFalse();
    assertThat(w1.weakEquals(s1)).isTrue();
    assertThat(s1.strongEquals(EntityTag.strong("1"))).isTrue();
    assertThat(s1.weakEquals(EntityTag.strong("1"))).isTrue();
    assertThat(s1.strongEquals(null)).isFalse();
    assertThat(EntityTag.strong("a").strongEquals(EntityTag.strong("A"))).as("octet by octet").isFalse();
  }

  private static Headers headers(String... nameValues) {
    Headers.Builder b = Headers.builder();
    for (int i = 0; i < nameValues.length; i += 2) {
      b.add(nameValues[i], nameValues[i + 1]);
    }
    return b.build();
  }

  @Test
  void ifRangeUsesAStrongTag() {
    assertThat(EntityTag.ifRangeValidator(headers("ETag", " \"v1\" ", "Last-Modified",
        "Sun, 06 Nov 1994 08:49:37 GMT", "Date", "Mon, 07 Nov 1994 08:49:37 GMT"))).contains("\"v1\"");
  }

  @Test
  void ifRangeNeverUsesAWeakTagNorADateBesideIt() {
    // §13.1.5: never a weak tag; a date only when there is no entity tag at all.
    assertThat(EntityTag.ifRangeValidator(headers("ETag", "W/\"v1\"", "Last-Modified",
        "Sun, 06 Nov 1994 08:49:37 GMT", "Date", "Mon, 07 Nov 1994 08:49:37 GMT"))).isEmpty();
    assertThat(EntityTag.ifRangeValidator(headers("ETag", "not-quoted"))).isEmpty();
    assertThat(EntityTag.ifRangeValidator(headers("ETag", "\"a\"", "ETag", "\"b\""))).isEmpty();
  }

  @Test
  void ifRangeUsesLastModifiedOnlyWhenItIsAStrongValidator() {
    String lm = "Sun, 06 Nov 1994 08:49:37 GMT";
    // §8.8.2.2: at least 60 seconds before the Date of the response.
    assertThat(EntityTag.ifRangeValidator(headers("Last-Modified", lm, "Date", "Sun, 06 Nov 1994 08:50:37 GMT")))
        .contains(lm);
    assertThat(EntityTag.ifRangeValidator(headers("Last-Modified", lm, "Date", "Sun, 06 Nov 1994 08:50:36 GMT")))
        .as("59 seconds: weak").isEmpty();
    assertThat(EntityTag.ifRangeValidator(headers("Last-Modified", lm))).as("no Date").isEmpty();
    assertThat(EntityTag.ifRangeValidator(headers("Last-Modified", "yesterday", "Date",
        "Sun, 06 Nov 1994 08:50:37 GMT"))).isEmpty();
    assertThat(EntityTag.ifRangeValidator(headers())).isEmpty();
  }
}
