package dev.haul.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FileNamesTest {

  private static final URI URL = URI.create("https://models.example/org/model/resolve/main/weights.bin?token=secret");

  private static Optional<String> header(String value) {
    return FileNames.fromContentDisposition(value);
  }

  @Test
  void extendedFilenameWinsOverPlainOneAndDecodesUtf8() {
    assertThat(header("attachment; filename=\"a\\\"b.bin\"; "
        + "filename*=UTF-8''%E2%82%AC%20rates.safetensors"))
        .hasValue("\u20AC rates.safetensors");
    // Order does not matter.
    assertThat(header("attachment; filename*=UTF-8''%E2%82%AC%20rates.safetensors; filename=x.bin"))
        .hasValue("\u20AC rates.safetensors");
  }

  @Test
  void quotedStringUnescapesBackslashes() {
    assertThat(header("attachment; filename=\"a\\\"b.bin\"")).hasValue("a\"b.bin");
    assertThat(header("attachment; filename=\"back\\\\slash\\x.bin\"")).hasValue("back\\slashx.bin");
  }

  @Test
  void isoLatin1ExtendedValueWithLanguage() {
    assertThat(header("attachment; filename*=iso-8859-1'en'%A3%20rates")).hasValue("\u00A3 rates");
  }

  @Test
  void tokenValueAndCaseInsensitiveNamesAndType() {
    assertThat(header("ATTACHMENT; FileName=model.gguf")).hasValue("model.gguf");
    assertThat(header("inline;FILENAME*=UTF-8''x.bin")).hasValue("x.bin");
    assertThat(header("  attachment ;  filename = \"spaced.bin\"  ; ")).hasValue("spaced.bin");
    assertThat(header("attachment; size=10; filename=a.bin; creation-date=\"x\"")).hasValue("a.bin");
  }

  @Test
  void invalidExtendedValueFallsBackToPlainFilename() {
    // Invalid percent-encoding, truncated escape, invalid UTF-8, unknown charset, missing quotes,
    // a character outside attr-char, and a quoted ext-value: all ignore filename* only.
    for (String ext : new String[] {"UTF-8''%E2%8", "UTF-8''%zz.bin", "UTF-8''%FF%FE.bin",
        "KOI8-R''%C1.bin", "UTF-8'no-second-quote", "UTF-8''a%", "\"UTF-8''quoted.bin\"",
        "UTF-8''"}) {
      assertThat(header("attachment; filename=plain.bin; filename*=" + ext)).as(ext)
          .hasValue("plain.bin");
      assertThat(header("attachment; filename*=" + ext)).as(ext).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "   ", "filename=x.bin", "; filename=x.bin", "attachment; filename",
      "attachment; filename=", "attachment; filename=a b.bin", "attachment; filename=\"unterminated",
      "attachment; filename=x.bin; filename=y.bin", "attachment; FILENAME=x.bin; filename=y.bin",
      "attachment; filename*=UTF-8''a.bin; filename*=UTF-8''b.bin", "attachment filename=x.bin",
      "attachment; filename=\"a\u0001b.bin\"", "attachment; filename=\"trailing\\",
      "attachment; =x.bin", "attachment; filename=x.bin junk", "attachment;; filename=x.bin"})
  void malformedHeaderGivesNoName(String value) {
    assertThat(header(value)).isEmpty();
  }

  @Test
  void emptyQuotedFilenameGivesNoName() {
    assertThat(header("attachment; filename=\"\"")).isEmpty();
    assertThat(header("attachment")).isEmpty();
  }

  @Test
  void plainFilenameWithRawUtf8BytesIsReadAsUtf8() {
    String rawUtf8AsLatin1 = new String("r\u00E9sum\u00E9.pdf".getBytes(StandardCharsets.UTF_8),
        StandardCharsets.ISO_8859_1);
    assertThat(header("attachment; filename=\"" + rawUtf8AsLatin1 + "\"")).hasValue("r\u00E9sum\u00E9.pdf");
    // A byte that is not valid UTF-8 stays as ISO-8859-1.
    assertThat(header("attachment; filename=\"caf\u00E9.txt\"")).hasValue("caf\u00E9.txt");
  }

  @Test
  void chooseFallsBackToUrlThenDefault() {
    assertThat(FileNames.choose(null, URL)).isEqualTo("weights.bin");
    assertThat(FileNames.choose("attachment; filename=x.bin; filename=y.bin", URL)).isEqualTo("weights.bin");
    assertThat(FileNames.choose("attachment; filename=\"...\"", URL)).isEqualTo("weights.bin");
    assertThat(FileNames.choose("attachment; filename=model.gguf", URL)).isEqualTo("model.gguf");
    assertThat(FileNames.choose(null, URI.create("https://h/"))).isEqualTo(FileNames.DEFAULT_NAME);
    assertThat(FileNames.choose(null, URI.create("https://h"))).isEqualTo(FileNames.DEFAULT_NAME);
    assertThat(FileNames.choose(null, URI.create("https://h/a/%2E%2E"))).isEqualTo(FileNames.DEFAULT_NAME);
    assertThat(FileNames.choose(null, URI.create("mailto:a@b"))).isEqualTo(FileNames.DEFAULT_NAME);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "https://h/a/b/model.bin?x=y#frag | model.bin",
      "https://h/dir/sub/ | sub",
      "https://h/dir//// | dir",
      "https://h/%E2%82%AC%20rates.bin | \u20AC rates.bin",
      "https://h/a%2Fb.bin | a/b.bin",
      "https://h/half%E2%82.bin | half\uFFFD.bin",
      "https://h/?file=x.bin | ",
  })
  void urlNameIsLastNonEmptySegmentDecoded(String url, String expected) {
    assertThat(FileNames.fromUrl(URI.create(url))).isEqualTo(Optional.ofNullable(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "../../etc/passwd | _.._etc_passwd",
      "C:\\\\evil | C___evil",
      "C:\\evil.exe | C__evil.exe",
      "/etc/passwd | _etc_passwd",
      "CON | _CON",
      "CON.txt | _CON.txt",
      "con.tar.gz | _con.tar.gz",
      "Nul | _Nul",
      "LPT9.bin | _LPT9.bin",
      "COM\u00B9 | _COM\u00B9",
      "CON .txt | _CON .txt",
      "CONSOLE.txt | CONSOLE.txt",
      "COM10 | COM10",
      ". | download",
      ".. | download",
      "... | download",
      ".bashrc | bashrc",
      " name.bin. . | name.bin",
      "a\u0000b | a_b",
      "a\u001Fb\u007Fc\u0085d | a_b_c_d",
      "gpj\u202E.exe | gpj_.exe",
      "\u20AC rates.safetensors | \u20AC rates.safetensors",
  })
  void sanitizeMakesNamesSafe(String input, String expected) {
    assertThat(FileNames.sanitize(input)).isEqualTo(expected);
  }

  @Test
  void windowsReservedCharactersAreReplaced() {
    assertThat(FileNames.sanitize("a<b>c:d\"e|f?g*h")).isEqualTo("a_b_c_d_e_f_g_h");
  }

  @Test
  void sanitizeNeverReturnsEmpty() {
    assertThat(FileNames.sanitize("")).isEqualTo("download");
    assertThat(FileNames.sanitize("   ")).isEqualTo("download");
    assertThat(FileNames.sanitize("\uD800")).isEqualTo("_");
  }

  @Test
  void longNamesAreCutKeepingTheExtension() {
    String name = "a".repeat(1000) + ".safetensors";
    String safe = FileNames.sanitize(name);
    assertThat(safe).endsWith(".safetensors").startsWith("aaa");
    assertThat(safe.getBytes(StandardCharsets.UTF_8)).hasSize(FileNames.MAX_BYTES);
  }

  @Test
  void longNamesAreCutAtCodePointBoundaries() {
    String euros = "\u20AC".repeat(500); // 3 bytes each
    assertThat(FileNames.sanitize(euros).getBytes(StandardCharsets.UTF_8))
        .hasSize(FileNames.MAX_BYTES / 3 * 3);
    String emoji = "\uD83D\uDE00".repeat(300) + ".bin"; // 4 bytes each
    String safe = FileNames.sanitize(emoji);
    assertThat(safe).endsWith(".bin");
    assertThat(safe.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(FileNames.MAX_BYTES);
    assertThat(new String(safe.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(safe);
    assertThat(safe.chars().filter(c -> Character.isSurrogate((char) c)).count() % 2).isZero();
  }

  @Test
  void aHugeExtensionIsNotKept() {
    String name = "x." + "e".repeat(1000);
    String safe = FileNames.sanitize(name);
    assertThat(safe).startsWith("x.eee");
    assertThat(safe.getBytes(StandardCharsets.UTF_8)).hasSize(FileNames.MAX_BYTES);
  }

  @Test
  void cutThatEndsInDotsOrSpacesIsTrimmed() {
    String name = "a".repeat(FileNames.MAX_BYTES - 6) + " . . . . . . .bin";
    String safe = FileNames.sanitize(name);
    assertThat(safe).isEqualTo("a".repeat(FileNames.MAX_BYTES - 6) + ".bin");
  }

  @Test
  void exactlyAtTheLimitIsKeptAndOneOverIsCut() {
    String atLimit = "b".repeat(FileNames.MAX_BYTES - 4) + ".bin";
    assertThat(FileNames.sanitize(atLimit)).isEqualTo(atLimit);
    String over = "b".repeat(FileNames.MAX_BYTES - 3) + ".bin";
    assertThat(FileNames.sanitize(over)).isEqualTo("b".repeat(FileNames.MAX_BYTES - 4) + ".bin");
  }

  @Test
  void reservedNameWithHugeExtensionStaysSafeAndBounded() {
    String safe = FileNames.sanitize("CON." + "x".repeat(FileNames.MAX_BYTES));
    assertThat(safe).startsWith("_CON.");
    assertThat(safe.getBytes(StandardCharsets.UTF_8)).hasSize(FileNames.MAX_BYTES);
  }

  @Test
  void resolveInStaysInsideTheDirectory(@TempDir Path dir) {
    assertThat(FileNames.resolveIn(dir, "../../etc/passwd")).isEqualTo(dir.resolve("_.._etc_passwd"));
    assertThat(FileNames.resolveIn(dir, "..")).isEqualTo(dir.resolve("download"));
    assertThat(FileNames.resolveIn(dir.resolve("sub/.."), "x.bin")).isEqualTo(dir.resolve("x.bin"));
  }

  @Test
  void resolveInRefusesASymbolicLink(@TempDir Path dir) throws IOException {
    Path outside = Files.createTempFile("outside", ".bin");
    try {
      Files.createSymbolicLink(dir.resolve("model.bin"), outside);
      assertThatThrownBy(() -> FileNames.resolveIn(dir, "model.bin"))
          .isInstanceOf(DownloadFileException.class)
          .hasMessageContaining("symbolic link")
          .satisfies(e -> assertThat(((DownloadFileException) e).path()).isEqualTo(dir.resolve("model.bin")));
      // A dangling link is refused too: writing through it would create the file elsewhere.
      Files.createSymbolicLink(dir.resolve("dangling.bin"), dir.resolve("nowhere/x"));
      assertThatThrownBy(() -> FileNames.resolveIn(dir, "dangling.bin"))
          .isInstanceOf(DownloadFileException.class);
    } finally {
      Files.deleteIfExists(outside);
    }
  }

  @Test
  void nullsAreRejected() {
    assertThatThrownBy(() -> FileNames.sanitize(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> FileNames.fromContentDisposition(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> FileNames.choose("attachment", null)).isInstanceOf(NullPointerException.class);
  }
}
