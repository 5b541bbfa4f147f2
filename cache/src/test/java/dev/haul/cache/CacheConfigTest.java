package dev.haul.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.config.ConfigSource;
import dev.haul.testing.ReadmeKeyTables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11: the cache's keys, their README table and the original product's settings mapped to them. */
class CacheConfigTest {

  private static final Path README = Path.of("..", "README.md");
  private static final String HEADING = "Cache settings";

  @Test
  void defaults() {
    CacheConfig c = CacheConfig.defaults();
    assertThat(c.enabled()).isTrue();
    assertThat(c.maxSize()).isEqualTo(64L * 1024 * 1024);
    assertThat(c.maxEntrySize()).isEqualTo(8L * 1024 * 1024);
    assertThat(c.mode()).isEqualTo(CacheMode.PRIVATE);
    assertThat(c.dir()).isEmpty();
    assertThat(c.defaultTtl()).isEmpty();
    assertThat(c.coalesceTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void everyKeyIsReadFromASource() {
    CacheConfig c = CacheConfig.from(ConfigSource.fromMap(Map.of("haul.cache.enabled", "false",
        "haul.cache.max-size", "100MiB", "haul.cache.max-entry-size", "1MiB", "haul.cache.mode", "SHARED",
        "haul.cache.dir", "/var/cache/haul", "haul.cache.default-ttl", "5m", "haul.cache.coalesce-timeout", "0s")));
    assertThat(c.enabled()).isFalse();
    assertThat(c.maxSize()).isEqualTo(100L * 1024 * 1024);
    assertThat(c.maxEntrySize()).isEqualTo(1024 * 1024);
    assertThat(c.mode()).isEqualTo(CacheMode.SHARED);
    assertThat(c.dir()).contains(Path.of("/var/cache/haul"));
    assertThat(c.defaultTtl()).contains(Duration.ofMinutes(5));
    assertThat(c.coalesceTimeout()).isZero();
  }

  @Test
  void outOfRangeValuesAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> CacheConfig.from(ConfigSource.fromMap(Map.of("haul.cache.max-size", "1KiB"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("haul.cache.max-size");
    assertThatThrownBy(() -> CacheConfig.from(ConfigSource.fromMap(Map.of("haul.cache.mode", "public"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("haul.cache.mode");
    assertThatThrownBy(() -> CacheConfig.builder().defaultTtl(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("haul.cache.default-ttl");
  }

  @Test
  void readmeTableMatchesTheKeys() {
    ReadmeKeyTables.assertMatches(README, HEADING, CacheConfig.KEYS);
  }

  @Test
  void aTableThatDriftedFromTheKeysIsRefused(@TempDir Path dir) throws Exception {
    String table = ReadmeKeyTables.markdown(CacheConfig.KEYS)
        .replace("| `haul.cache.max-size` | 64MiB |", "| `haul.cache.max-size` | 32MiB |");
    Path readme = dir.resolve("README.md");
    Files.writeString(readme, "## " + HEADING + "\n\n" + table, StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ReadmeKeyTables.assertMatches(readme, HEADING, CacheConfig.KEYS))
        .isInstanceOf(AssertionError.class).hasMessageContaining("haul.cache.max-size: default is '32MiB'");
  }

  /** The original product's cache settings are mapped in the README to keys that exist. */
  @Test
  void theOriginalSettingsAreMappedToCacheKeys() throws Exception {
    List<String> lines = Files.readAllLines(README, StandardCharsets.UTF_8);
    List<String> names = CacheConfig.KEYS.stream().map(k -> k.name()).toList();
    for (String[] m : new String[][] {{"http_cache_enabled", "haul.cache.enabled"},
        {"http_cache_max_size_mb", "haul.cache.max-size"}, {"http_cache_default_ttl", "haul.cache.default-ttl"}}) {
      String row = lines.stream().filter(l -> l.startsWith("| `" + m[0] + "` |")).findFirst()
          .orElseThrow(() -> new AssertionError("README maps no " + m[0]));
      assertThat(row).contains("`" + m[1] + "`").doesNotContain("planned");
      assertThat(names).contains(m[1]);
    }
  }
}
