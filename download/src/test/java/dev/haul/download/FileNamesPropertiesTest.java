package dev.haul.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class FileNamesPropertiesTest {

  private static final Path DIR = Path.of("/srv/downloads").toAbsolutePath();
  private static final Set<String> DEVICES = Set.of("CON", "PRN", "AUX", "NUL");

  @Property(tries = 3000)
  void anySanitizedNameIsSafe(@ForAll("names") String input) {
    assertSafe(FileNames.sanitize(input));
  }

  @Property(tries = 1000)
  void sanitizeIsIdempotent(@ForAll("names") String input) {
    String once = FileNames.sanitize(input);
    assertThat(FileNames.sanitize(once)).isEqualTo(once);
  }

  @Property(tries = 1000)
  void anyHeaderAndUrlGiveASafeName(@ForAll("headers") String header, @ForAll("names") String segment) {
    URI uri = URI.create("https://h/dir/" + URLEncoder.encode(segment, StandardCharsets.UTF_8)
        .replace("+", "%20") + "?q=1");
    assertSafe(FileNames.choose(header, uri));
  }

  /** A name that needs no change survives the trip through filename* unchanged. */
  @Property(tries = 1000)
  void extendedValueRoundTrips(@ForAll("plainNames") String name) {
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20")
        .replace("*", "%2A");
    assertThat(FileNames.fromContentDisposition("attachment; filename=\"fallback\"; filename*=UTF-8''"
        + encoded)).hasValue(name);
  }

  private static void assertSafe(String name) {
    assertThat(name).isNotEmpty();
    assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(FileNames.MAX_BYTES);
    assertThat(new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .as("no lone surrogates").isEqualTo(name);
    name.codePoints().forEach(cp -> {
      assertThat(cp).isNotIn((int) '/', (int) '\\', (int) ':', 0);
      assertThat(Character.isISOControl(cp)).as("control U+%04X", cp).isFalse();
    });
    assertThat(name).isNotIn(".", "..");
    assertThat(name).doesNotStartWith(".").doesNotEndWith(".").doesNotStartWith(" ").doesNotEndWith(" ");
    String stem = name.split("\\.", 2)[0].stripTrailing().toUpperCase(Locale.ROOT);
    assertThat(DEVICES.contains(stem) || stem.matches("(COM|LPT)[0-9\u00B9\u00B2\u00B3]"))
        .as("reserved: %s", name).isFalse();
    Path resolved = DIR.resolve(name).normalize();
    assertThat(resolved.getParent()).isEqualTo(DIR);
    assertThat(FileNames.resolveIn(DIR, name)).isEqualTo(resolved);
  }

  @Provide
  Arbitrary<String> names() {
    Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(400);
    Arbitrary<String> tricky = Arbitraries.strings()
        .withChars("./\\: \t\u0000\u0085\u202E\u00A0\u3000aZ\u20AC\uD83D\uDE00\uD800")
        .ofMaxLength(300);
    Arbitrary<String> devices = Combinators.combine(
        Arbitraries.of("CON", "con", "PRN", "AUX", "nul", "COM1", "LPT9", "com\u00B9", "CONIN$"),
        Arbitraries.of("", ".txt", " .txt", ".tar.gz", "  ", ".", "." + "x".repeat(300)))
        .as((d, ext) -> d + ext);
    Arbitrary<String> long_ = Combinators.combine(
        Arbitraries.strings().withChars("a\u00E9\u20AC\uD83D\uDE00 .").ofMinLength(200).ofMaxLength(600),
        Arbitraries.of("", ".bin", ".safetensors", ". .", "." + "\u20AC".repeat(20)))
        .as((s, ext) -> s + ext);
    return Arbitraries.oneOf(any, tricky, devices, long_);
  }

  @Provide
  Arbitrary<String> plainNames() {
    return Arbitraries.strings().withCharRange('a', 'z').withChars("\u20AC\u00E9-_")
        .ofMinLength(1).ofMaxLength(50).map(s -> s + ".bin");
  }

  @Provide
  Arbitrary<String> headers() {
    Arbitrary<String> value = names();
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(200),
        value.map(v -> "attachment; filename=\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\""),
        value.map(v -> "attachment; filename*=UTF-8''"
            + URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20")),
        Arbitraries.just("attachment; filename=\"..\"; filename*=UTF-8''%2E%2E%2F%2E%2E"));
  }
}
