package dev.haul.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.testing.ReadmeKeyTables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's table of {@code haul.download.*} keys says what the descriptors say. */
class DownloadConfigReadmeTest {

  private static final Path README = Path.of("..", "README.md");
  private static final String HEADING = "Download settings";

  @Test
  void readmeTableMatchesTheKeys() {
    ReadmeKeyTables.assertMatches(README, HEADING, DownloadConfig.KEYS);
  }

  /** The check itself: a table with one default changed is refused, naming the key. */
  @Test
  void aTableThatDriftedFromTheKeysIsRefused(@TempDir Path dir) throws Exception {
    String table = ReadmeKeyTables.markdown(DownloadConfig.KEYS)
        .replace("| `haul.download.max-segments` | 8 |", "| `haul.download.max-segments` | 16 |");
    Path readme = dir.resolve("README.md");
    Files.writeString(readme, "## " + HEADING + "\n\n" + table, StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ReadmeKeyTables.assertMatches(readme, HEADING, DownloadConfig.KEYS))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("haul.download.max-segments: default is '16'");
  }

  /** Every key of the table is a download key, so the README's other tables cannot swallow it. */
  @Test
  void everyKeyIsUnderHaulDownload() {
    List<String> names = DownloadConfig.KEYS.stream().map(k -> k.name()).toList();
    assertThat(names).allMatch(n -> n.startsWith("haul.download.")).doesNotHaveDuplicates();
  }
}
