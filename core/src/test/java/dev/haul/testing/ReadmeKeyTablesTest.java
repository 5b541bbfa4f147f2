package dev.haul.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.config.ConfigKey;
import dev.haul.config.ConfigType;
import dev.haul.config.Validator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadmeKeyTablesTest {

  private static final ConfigKey<Duration> WAIT = ConfigKey.of("x.wait", ConfigType.DURATION, Duration.ofSeconds(5),
      Validator.positive(), "how long to wait");
  private static final ConfigKey<Integer> TRIES = ConfigKey.of("x.tries", ConfigType.INTEGER, 3,
      Validator.between(0, 10), "tries");
  private static final List<ConfigKey<?>> KEYS = List.of(WAIT, TRIES);

  @TempDir
  Path dir;

  private Path readme(String... rows) throws IOException {
    StringBuilder sb = new StringBuilder("# X\n\n## Settings\n\ntext\n\n| key | default | range | meaning |\n|---|---|---|---|\n");
    for (String r : rows) {
      sb.append(r).append('\n');
    }
    sb.append("\n## Next\n\n| key | default | range |\n|---|---|---|\n| `x.other` | 1 | 0..1 |\n");
    return Files.writeString(dir.resolve("README.md"), sb);
  }

  @Test
  void aMatchingTablePasses() throws IOException {
    Path readme = readme("| `x.wait` | 5s | > 0 | how long to wait |", "| `x.tries` | `3` | 0..10 | tries |");
    assertThatCode(() -> ReadmeKeyTables.assertMatches(readme, "Settings", KEYS)).doesNotThrowAnyException();
  }

  @Test
  void everyDifferenceIsReported() throws IOException {
    Path readme = readme("| `x.wait` | 10s | >= 0 | how long |", "| `x.extra` | 1 | 0..1 | extra |");
    assertThatThrownBy(() -> ReadmeKeyTables.assertMatches(readme, "Settings", KEYS))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("x.wait: default is '10s', the key says '5s'")
        .hasMessageContaining("x.wait: range is '>= 0', the key says '> 0'")
        .hasMessageContaining("x.wait: meaning is 'how long', the key says 'how long to wait'")
        .hasMessageContaining("x.tries: missing from the table")
        .hasMessageContaining("x.extra: in the table but not a key")
        .hasMessageContaining("| `x.tries` | 3 | 0..10 | tries |");
  }

  @Test
  void orderAndTheRightTableCount() throws IOException {
    Path swapped = readme("| `x.tries` | 3 | 0..10 | tries |", "| `x.wait` | 5s | > 0 | how long to wait |");
    assertThatThrownBy(() -> ReadmeKeyTables.assertMatches(swapped, "Settings", KEYS))
        .hasMessageContaining("not in key order");
    assertThatThrownBy(() -> ReadmeKeyTables.assertMatches(swapped, "Next", KEYS))
        .hasMessageContaining("x.other: in the table but not a key");
    assertThatThrownBy(() -> ReadmeKeyTables.assertMatches(swapped, "Nowhere", KEYS))
        .hasMessageContaining("no heading 'Nowhere'");
  }

  @Test
  void aSecretLookingKeyMustBeMarkedSecret() throws IOException {
    ConfigKey<String> token = ConfigKey.of("x.api-token", ConfigType.STRING, null, "a token");
    Path readme = readme("| `x.api-token` | (none) | a string | a token |");
    assertThatThrownBy(() -> ReadmeKeyTables.assertMatches(readme, "Settings", List.of(token)))
        .hasMessageContaining("x.api-token: secret flag false");
    assertThatCode(() -> ReadmeKeyTables.assertMatches(readme, "Settings", List.of(token.secret())))
        .doesNotThrowAnyException();
  }
}
