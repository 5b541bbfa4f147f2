package dev.haul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class HeadersTest {

  @Test
  void lookupIsCaseInsensitiveAndKeepsOrderAndSpelling() {
    Headers h = Headers.of("Accept", "a", "X-Multi", "1", "accept", "b", "x-multi", "2");
    assertThat(h.get("ACCEPT")).isEqualTo("a");
    assertThat(h.all("accept")).containsExactly("a", "b");
    assertThat(h.all("X-MULTI")).containsExactly("1", "2");
    assertThat(h.names()).containsExactly("Accept", "X-Multi");
    assertThat(h.size()).isEqualTo(4);
    assertThat(h.contains("missing")).isFalse();
  }

  @Test
  void setReplacesAndRemoveDeletesEveryCase() {
    Headers h = Headers.of("A", "1", "a", "2", "B", "3").toBuilder().set("A", "9").remove("b").build();
    assertThat(h.all("a")).containsExactly("9");
    assertThat(h.contains("B")).isFalse();
  }

  @Test
  void invalidValueNamesTheHeaderButNeverEchoesTheValue() {
    assertThatThrownBy(() -> Headers.of("Authorization", "Bearer sekr3t\r\nX-Evil: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Authorization")
        .hasMessageContaining("CR")
        .hasMessageNotContaining("sekr3t")
        .hasMessageNotContaining("Evil");
  }

  @Test
  void toStringRedactsCredentials() {
    Headers h = Headers.of("Authorization", "Bearer abc", "Cookie", "s=1", "Accept", "x");
    assertThat(h.toString()).doesNotContain("abc").doesNotContain("s=1").contains("Accept: x");
  }

  @Test
  void contentLengthParsing() {
    assertThat(Headers.of("Content-Length", "42").firstLong("content-length")).hasValue(42);
    assertThat(Headers.of("Content-Length", "-6").firstLong("content-length")).isEmpty();
    assertThat(Headers.of("Content-Length", "6abc").firstLong("content-length")).isEmpty();
  }

  @Property
  void everyValueWithCrLfOrNulIsRejected(@ForAll @StringLength(max = 40) String prefix,
      @ForAll("crLfNul") char bad, @ForAll @StringLength(max = 40) String suffix) {
    String value = prefix + bad + suffix;
    assertThatThrownBy(() -> Headers.builder().add("X-Test", value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("X-Test");
  }

  @Property
  void everyValidTokenIsAcceptedAndFoundInAnyCase(@ForAll("tokens") String name,
      @ForAll("values") String value) {
    Headers h = Headers.builder().add(name, value).build();
    assertThat(h.get(name.toUpperCase(java.util.Locale.ROOT))).isEqualTo(value);
    assertThat(h.get(name.toLowerCase(java.util.Locale.ROOT))).isEqualTo(value);
  }

  @Property
  void namesWithNonTokenCharactersAreRejected(@ForAll("tokens") String name,
      @ForAll("nonToken") char bad) {
    assertThatThrownBy(() -> Headers.builder().add(name + bad, "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RFC 9110 token");
  }

  @Provide
  Arbitrary<Character> crLfNul() {
    return Arbitraries.of('\r', '\n', '\0');
  }

  @Provide
  Arbitrary<String> tokens() {
    return Arbitraries.strings()
        .withChars("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        .ofMinLength(1).ofMaxLength(30);
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.strings().withCharRange(' ', '~').withChars('\t').withCharRange('\u00a0', '\u00ff')
        .ofMaxLength(60);
  }

  @Provide
  Arbitrary<Character> nonToken() {
    return Arbitraries.of(' ', ':', '(', ')', ',', '/', ';', '<', '=', '>', '?', '@', '[', '\\', ']',
        '{', '}', '"', '\0', '\r', '\n', '\u00e9', '\u4e2d');
  }
}
