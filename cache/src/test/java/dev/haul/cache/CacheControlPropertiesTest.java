package dev.haul.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Issue 11: Cache-Control parsing (RFC 9111 §5.2) never throws and never reads a longer lifetime than given. */
class CacheControlPropertiesTest {

  @Provide
  Arbitrary<String> garbage() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("max-agesno-cachepublicvt=0123456789,\"\\ \t;").ofMaxLength(60),
        Arbitraries.strings().ofMaxLength(60));
  }

  @Property
  void parsingAnythingNeverThrows(@ForAll("garbage") String value) {
    CacheControl cc = CacheControl.parse(value);
    for (String n : cc.names()) {
      cc.has(n);
      cc.argument(n);
      cc.minSeconds(n);
      cc.maxSeconds(n);
    }
    assertThat(cc.toString()).isNotNull();
  }

  @Property
  void noGarbageAroundMaxAgeMakesTheLifetimeLonger(@ForAll @IntRange(min = 0, max = 100_000) int seconds,
      @ForAll("garbage") String before, @ForAll("garbage") String after) {
    // Only a quoted-string opened before it and closed after it may hide the directive (the grammar).
    CacheControl cc = CacheControl.parse(before.replace("\"", "") + ",max-age=" + seconds + "," + after);
    OptionalLong v = cc.minSeconds("max-age");
    assertThat(v).isPresent();
    assertThat(v.getAsLong()).isLessThanOrEqualTo(seconds);
  }

  @Property
  void duplicatesResolveToTheMostRestrictiveValue(@ForAll @Size(min = 1, max = 5) List<@IntRange(min = 0, max = 1_000_000) Integer> ages,
      @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 0, max = 1_000_000) Integer> minFresh) {
    StringBuilder sb = new StringBuilder();
    ages.forEach(a -> sb.append("max-age=").append(a).append(", "));
    minFresh.forEach(a -> sb.append("MIN-FRESH=\"").append(a).append("\", "));
    CacheControl cc = CacheControl.parse(sb.toString());
    assertThat(cc.minSeconds("max-age")).hasValue(ages.stream().mapToLong(i -> i).min().getAsLong());
    assertThat(cc.maxSeconds("min-fresh")).hasValue(minFresh.stream().mapToLong(i -> i).max().getAsLong());
  }

  @Property
  void namesAreCaseInsensitive(@ForAll("directiveNames") String name, @ForAll boolean upper) {
    String written = upper ? name.toUpperCase(Locale.ROOT) : name;
    CacheControl cc = CacheControl.parse("x=1, " + written + ", y");
    assertThat(cc.has(name)).isTrue();
    assertThat(cc.has(name.toUpperCase(Locale.ROOT))).isTrue();
  }

  @Provide
  Arbitrary<String> directiveNames() {
    return Arbitraries.of("no-store", "no-cache", "must-revalidate", "proxy-revalidate", "private", "public",
        "immutable", "only-if-cached", "max-stale");
  }

  @Property
  void quotedStringsKeepTheirCommasAndEscapes(@ForAll("quotable") String inside) {
    String escaped = inside.replace("\\", "\\\\").replace("\"", "\\\"");
    CacheControl cc = CacheControl.parse("no-cache=\"" + escaped + "\", max-age=7");
    assertThat(cc.argument("no-cache")).hasValue(inside);
    assertThat(cc.minSeconds("max-age")).hasValue(7);
  }

  @Provide
  Arbitrary<String> quotable() {
    return Arbitraries.strings().withChars("abcXYZ, =;\"\\-").ofMaxLength(30);
  }

  @Example
  void invalidAndHugeDeltaSeconds() {
    assertThat(CacheControl.parse("max-age=-1").minSeconds("max-age")).hasValue(0);
    assertThat(CacheControl.parse("max-age=1.5").minSeconds("max-age")).hasValue(0);
    assertThat(CacheControl.parse("max-age").minSeconds("max-age")).hasValue(0);
    assertThat(CacheControl.parse("max-age=\"30\"").minSeconds("max-age")).hasValue(30);
    assertThat(CacheControl.parse("max-age=99999999999999999999999").minSeconds("max-age"))
        .hasValue(CacheControl.MAX_DELTA_SECONDS);
    assertThat(CacheControl.parse("min-fresh=abc").maxSeconds("min-fresh")).isEmpty();
    assertThat(CacheControl.parse("no-cache=\"Set-Cookie, X\", public").names()).containsExactly("no-cache", "public");
    // An unterminated quote swallows nothing: the directives after it still count.
    assertThat(CacheControl.parse("no-cache=\"unterminated, max-age=0").minSeconds("max-age")).hasValue(0);
    assertThat(CacheControl.parse("x=\", max-age=0").minSeconds("max-age")).hasValue(0);
  }
}
