package dev.haul.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.RedirectException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 8 defect 10: relative redirects were resolved by the RFC 2396 rules of {@link URI#resolve}.
 * Every normal (section 5.4.1) and abnormal (section 5.4.2) example of RFC 3986, base
 * {@code http://a/b/c/d;p?q}.
 */
class UriReferencesTest {

  private static final URI BASE = URI.create("http://a/b/c/d;p?q");

  @ParameterizedTest(name = "RFC 3986 5.4: [{0}] -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      // 5.4.1 normal examples
      "g:h|g:h", "g|http://a/b/c/g", "./g|http://a/b/c/g", "g/|http://a/b/c/g/", "/g|http://a/g",
      "//g|http://g", "?y|http://a/b/c/d;p?y", "g?y|http://a/b/c/g?y", "#s|http://a/b/c/d;p?q#s",
      "g#s|http://a/b/c/g#s", "g?y#s|http://a/b/c/g?y#s", ";x|http://a/b/c/;x", "g;x|http://a/b/c/g;x",
      "g;x?y#s|http://a/b/c/g;x?y#s", "\"\"|http://a/b/c/d;p?q", ".|http://a/b/c/", "./|http://a/b/c/",
      "..|http://a/b/", "../|http://a/b/", "../g|http://a/b/g", "../..|http://a/", "../../|http://a/",
      "../../g|http://a/g",
      // 5.4.2 abnormal examples
      "../../../g|http://a/g", "../../../../g|http://a/g", "/./g|http://a/g", "/../g|http://a/g",
      "g.|http://a/b/c/g.", ".g|http://a/b/c/.g", "g..|http://a/b/c/g..", "..g|http://a/b/c/..g",
      "./../g|http://a/b/g", "./g/.|http://a/b/c/g/", "g/./h|http://a/b/c/g/h", "g/../h|http://a/b/c/h",
      "g;x=1/./y|http://a/b/c/g;x=1/y", "g;x=1/../y|http://a/b/c/y", "g?y/./x|http://a/b/c/g?y/./x",
      "g?y/../x|http://a/b/c/g?y/../x", "g#s/./x|http://a/b/c/g#s/./x", "g#s/../x|http://a/b/c/g#s/../x",
      "http:g|http:g"})
  void resolvesEveryRfc3986Example(String ref, String expected) {
    assertThat(UriReferences.resolve(BASE, URI.create(ref)).toString()).isEqualTo(expected);
  }

  /** The redirect stage resolves with the same rules; fragments are never sent, so they are cut. */
  @ParameterizedTest(name = "Location [{0}] -> {1}")
  @CsvSource(delimiter = '|', value = {
      "g|http://a/b/c/g", "?y|http://a/b/c/d;p?y", "#s|http://a/b/c/d;p?q", ";x|http://a/b/c/;x",
      ".|http://a/b/c/", "..|http://a/b/", "../..|http://a/", "../../../g|http://a/g", "/./g|http://a/g",
      "/../g|http://a/g", "g/../h|http://a/b/c/h", "g;x=1/../y|http://a/b/c/y", "g?y/../x|http://a/b/c/g?y/../x",
      "g#s/../x|http://a/b/c/g", "//g|http://g", "./g/.|http://a/b/c/g/"})
  void redirectLocationsResolvePerRfc3986(String location, String expected) {
    assertThat(RedirectInterceptor.resolve(BASE, location)).isEqualTo(URI.create(expected));
  }

  /** B17 still applies after resolution: an empty Location, another scheme, an opaque http URI. */
  @ParameterizedTest(name = "Location [{0}] is refused")
  @CsvSource(delimiter = '|', value = {"\"\"", "g:h", "http:g"})
  void examplesThatAreNotUsableRedirectsStayTypedErrors(String location) {
    assertThatThrownBy(() -> RedirectInterceptor.resolve(BASE, location)).isInstanceOf(RedirectException.class);
  }

  /** Whatever the relative path, the result has no dot segments and resolving it again changes nothing. */
  @Property
  void resultsHaveNoDotSegmentsAndAreFixedPoints(@ForAll("relativePaths") String ref) {
    URI once = UriReferences.resolve(BASE, URI.create(ref));
    assertThat(Arrays.asList(once.getRawPath().split("/", -1))).doesNotContain(".", "..");
    assertThat(once.getRawPath()).startsWith("/");
    assertThat(UriReferences.resolve(BASE, once)).isEqualTo(once);
    assertThat(UriReferences.resolve(once, URI.create(""))).isEqualTo(once);
  }

  @Provide
  Arbitrary<String> relativePaths() {
    Arbitrary<String> segment = Arbitraries.of(List.of(".", "..", "", "g", "h;x", "..g", "g."));
    return segment.list().ofMinSize(1).ofMaxSize(8).map(l -> String.join("/", l))
        .flatMap(p -> Arbitraries.of(p, "/" + p, p + "?y", "/" + p + "?y"))
        .filter(p -> !p.isEmpty() && !p.startsWith("//"));
  }
}
