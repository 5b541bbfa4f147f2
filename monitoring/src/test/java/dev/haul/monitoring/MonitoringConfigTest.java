package dev.haul.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.config.ConfigSource;
import dev.haul.testing.ReadmeKeyTables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitoring keys: defaults, explicit mappings, bad values, and the README's table. */
class MonitoringConfigTest {

  private static final Path README = Path.of("..", "README.md");
  private static final String HEADING = "Monitoring settings";

  @Test
  void defaults() {
    MonitoringConfig c = MonitoringConfig.defaults();
    assertThat(c.reporters()).isEmpty();
    assertThat(c.reportInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.maxOrigins()).isEqualTo(64);
    assertThat(c.dashboardEnabled()).isFalse();
    assertThat(c.dashboardBind()).isEqualTo("127.0.0.1");
    assertThat(c.dashboardAllowRemote()).isFalse();
    assertThat(c.dashboardToken()).isEmpty();
    assertThat(c.dashboardRefresh()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void explicitPropertyMappings() {
    MonitoringConfig c = MonitoringConfig.from(ConfigSource.fromMap(Map.ofEntries(
        Map.entry("haul.metrics.reporters", "jmx, SLF4J,csv,console"),
        Map.entry("haul.metrics.report-interval", "10s"),
        Map.entry("haul.metrics.csv-directory", "/tmp/m"),
        Map.entry("haul.metrics.jmx-domain", "my.app"),
        Map.entry("haul.metrics.max-origins", "5"),
        Map.entry("haul.dashboard.enabled", "true"),
        Map.entry("haul.dashboard.port", "0"),
        Map.entry("haul.dashboard.bind", "::1"),
        Map.entry("haul.dashboard.allow-remote", "true"),
        Map.entry("haul.dashboard.token", "abcdefghijklmnop0123"),
        Map.entry("haul.dashboard.refresh", "250ms"),
        Map.entry("haul.dashboard.health.error-rate", "0.1"),
        Map.entry("haul.dashboard.health.p99-latency", "500ms"),
        Map.entry("haul.dashboard.health.pool-saturation", "0.5"))));
    assertThat(c.reporters()).isEqualTo(EnumSet.allOf(MonitoringConfig.Reporter.class));
    assertThat(c.reportInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.csvDirectory()).isEqualTo("/tmp/m");
    assertThat(c.jmxDomain()).isEqualTo("my.app");
    assertThat(c.maxOrigins()).isEqualTo(5);
    assertThat(c.dashboardEnabled()).isTrue();
    assertThat(c.dashboardPort()).isZero();
    assertThat(c.dashboardBind()).isEqualTo("::1");
    assertThat(c.dashboardAllowRemote()).isTrue();
    assertThat(c.dashboardToken()).contains("abcdefghijklmnop0123");
    assertThat(c.dashboardRefresh()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.healthErrorRate()).isEqualTo(0.1);
    assertThat(c.healthP99Latency()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.healthPoolSaturation()).isEqualTo(0.5);
  }

  @Test
  void anUnknownReporterIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> MonitoringConfig.from(ConfigSource.fromMap(Map.of("haul.metrics.reporters", "jmx,graphite"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("haul.metrics.reporters");
    assertThatThrownBy(() -> MonitoringConfig.from(ConfigSource.fromMap(Map.of("haul.metrics.reporters", "jmx,,slf4j"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void valuesJustOutsideTheirRangeAreRefused() {
    assertThatThrownBy(() -> MonitoringConfig.builder().dashboardRefresh(Duration.ofMillis(1001)))
        .hasMessageContaining("haul.dashboard.refresh");
    assertThatThrownBy(() -> MonitoringConfig.builder().dashboardRefresh(Duration.ofMillis(99)))
        .hasMessageContaining("haul.dashboard.refresh");
    assertThatThrownBy(() -> MonitoringConfig.builder().maxOrigins(0)).hasMessageContaining("haul.metrics.max-origins");
    assertThatThrownBy(() -> MonitoringConfig.builder().dashboardPort(65536)).hasMessageContaining("haul.dashboard.port");
    assertThatThrownBy(() -> MonitoringConfig.builder().reportInterval(Duration.ofMillis(999)))
        .hasMessageContaining("haul.metrics.report-interval");
  }

  @Test
  void theTokenIsASecretAndMustBeLongAndCookieSafe() {
    assertThatThrownBy(() -> MonitoringConfig.builder().dashboardToken("short-token-1234".substring(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("hort-token");
    assertThatThrownBy(() -> MonitoringConfig.builder().dashboardToken("abcdefghijklmnop;x=1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("abcdefgh");
    MonitoringConfig c = MonitoringConfig.builder().dashboardToken("abcdefghijklmnop0123").build();
    assertThat(c.dump().toString()).doesNotContain("abcdefghijklmnop0123");
  }

  @Test
  void readmeTableMatchesTheKeys() {
    ReadmeKeyTables.assertMatches(README, HEADING, MonitoringConfig.KEYS);
  }

  @Test
  void aTableThatDriftedFromTheKeysIsRefused(@TempDir Path dir) throws Exception {
    String table = ReadmeKeyTables.markdown(MonitoringConfig.KEYS)
        .replace("| `haul.metrics.max-origins` | 64 |", "| `haul.metrics.max-origins` | 65 |");
    Path readme = dir.resolve("README.md");
    Files.writeString(readme, "## " + HEADING + "\n\n" + table, StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ReadmeKeyTables.assertMatches(readme, HEADING, MonitoringConfig.KEYS))
        .isInstanceOf(AssertionError.class).hasMessageContaining("haul.metrics.max-origins");
  }

  @Test
  void everyKeyIsAMetricsOrDashboardKey() {
    assertThat(MonitoringConfig.KEYS).extracting(k -> k.name())
        .allMatch(n -> n.startsWith("haul.metrics.") || n.startsWith("haul.dashboard.")).doesNotHaveDuplicates();
    assertThat(Set.copyOf(MonitoringConfig.KEYS)).hasSameSizeAs(MonitoringConfig.KEYS);
  }
}
