package dev.haul.monitoring;

import dev.haul.config.AbstractConfig;
import dev.haul.config.ConfigKey;
import dev.haul.config.ConfigSource;
import dev.haul.config.ConfigType;
import dev.haul.config.ConfigValues;
import dev.haul.config.Validator;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The monitoring module's settings ({@code haul.metrics.*} and {@code haul.dashboard.*}).
 * Immutable; built with {@link #builder()}, read with {@link #from(ConfigSource)}. Each key, its
 * default, range and documentation line are written here once; the README's table is checked
 * against them.
 */
public final class MonitoringConfig extends AbstractConfig {

  /** The Dropwizard reporters {@code haul.metrics.reporters} can start. */
  public enum Reporter { JMX, SLF4J, CSV, CONSOLE }

  private static final ConfigType<Set<Reporter>> REPORTERS = ConfigType.of(
      "a comma-separated list of jmx, slf4j, csv, console", MonitoringConfig::parseReporters,
      set -> set.stream().map(r -> r.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(",")));

  /** The reporters to start. */
  public static final ConfigKey<Set<Reporter>> REPORTERS_KEY = ConfigKey.of("haul.metrics.reporters",
      REPORTERS, Set.of(), "reporters to start: any of `jmx`, `slf4j`, `csv`, `console`, comma-separated; empty: none");
  /** How often the scheduled reporters report. */
  public static final ConfigKey<Duration> REPORT_INTERVAL = ConfigKey.of("haul.metrics.report-interval",
      ConfigType.DURATION, Duration.ofMinutes(1), Validator.of(">= 1s", d -> d.compareTo(Duration.ofSeconds(1)) >= 0),
      "how often the `slf4j`, `csv` and `console` reporters report");
  /** Where the CSV reporter writes. */
  public static final ConfigKey<String> CSV_DIRECTORY = ConfigKey.of("haul.metrics.csv-directory",
      ConfigType.STRING, "haul-metrics", Validator.of("a directory path", s -> !s.isBlank()),
      "directory of the `csv` reporter's files (one per metric), created if missing");
  /** The JMX domain. */
  public static final ConfigKey<String> JMX_DOMAIN = ConfigKey.of("haul.metrics.jmx-domain",
      ConfigType.STRING, "dev.haul", Validator.of("a JMX domain", s -> !s.isBlank() && s.indexOf(':') < 0),
      "JMX domain of the `jmx` reporter's MBeans");
  /** Distinct origins with their own series; the rest are counted under {@code other}. */
  public static final ConfigKey<Integer> MAX_ORIGINS = ConfigKey.of("haul.metrics.max-origins",
      ConfigType.INTEGER, 64, Validator.between(1, 10_000),
      "origins with their own series; calls to any further origin are counted under `other`");
  /** Whether the dashboard server starts. */
  public static final ConfigKey<Boolean> DASHBOARD_ENABLED = ConfigKey.of("haul.dashboard.enabled",
      ConfigType.BOOLEAN, false, "start the dashboard server (`/`, `/api/snapshot`, `/metrics`)");
  /** The dashboard's port. */
  public static final ConfigKey<Integer> DASHBOARD_PORT = ConfigKey.of("haul.dashboard.port",
      ConfigType.INTEGER, 9464, Validator.between(0, 65535), "dashboard port; 0: any free port");
  /** The dashboard's address. */
  public static final ConfigKey<String> DASHBOARD_BIND = ConfigKey.of("haul.dashboard.bind",
      ConfigType.STRING, "127.0.0.1", Validator.of("an IP address or host name", s -> !s.isBlank()),
      "address the dashboard listens on; a non-loopback one needs `haul.dashboard.allow-remote`");
  /** Whether a non-loopback bind address is allowed. */
  public static final ConfigKey<Boolean> DASHBOARD_ALLOW_REMOTE = ConfigKey.of("haul.dashboard.allow-remote",
      ConfigType.BOOLEAN, false, "allow binding a non-loopback address (set `haul.dashboard.token` too)");
  /** The access token. */
  public static final ConfigKey<String> DASHBOARD_TOKEN = ConfigKey.of("haul.dashboard.token",
      ConfigType.of("a token", s -> s.isBlank() ? null : s.trim(), s -> s), null,
      Validator.of("at least 16 of A-Z a-z 0-9 - . _ ~ + / =", MonitoringConfig::isToken),
      "access token (secret): `Authorization: Bearer TOKEN`, or open `/?access=TOKEN` once in a browser").secret();
  /** How often the page refreshes. */
  public static final ConfigKey<Duration> DASHBOARD_REFRESH = ConfigKey.of("haul.dashboard.refresh",
      ConfigType.DURATION, Duration.ofSeconds(1),
      Validator.of("100ms..1s", d -> d.toMillis() >= 100 && d.compareTo(Duration.ofSeconds(1)) <= 0),
      "how often the page fetches `/api/snapshot`");
  /** Health threshold: share of failed calls. */
  public static final ConfigKey<Double> HEALTH_ERROR_RATE = ConfigKey.of("haul.dashboard.health.error-rate",
      ConfigType.DECIMAL, 0.05, Validator.between(0.0, 1.0),
      "an origin whose share of failed calls (last minute) exceeds this is highlighted");
  /** Health threshold: p99 latency. */
  public static final ConfigKey<Duration> HEALTH_P99 = ConfigKey.of("haul.dashboard.health.p99-latency",
      ConfigType.DURATION, Duration.ofSeconds(2), Validator.positive(),
      "an origin whose p99 call time exceeds this is highlighted");
  /** Health threshold: pool saturation. */
  public static final ConfigKey<Double> HEALTH_POOL_SATURATION = ConfigKey.of(
      "haul.dashboard.health.pool-saturation", ConfigType.DECIMAL, 0.9, Validator.between(0.0, 1.0),
      "an origin whose leased share of its connections exceeds this, or with acquires waiting, is highlighted");

  /** Every key, in documentation order. */
  public static final List<ConfigKey<?>> KEYS = List.of(REPORTERS_KEY, REPORT_INTERVAL, CSV_DIRECTORY,
      JMX_DOMAIN, MAX_ORIGINS, DASHBOARD_ENABLED, DASHBOARD_PORT, DASHBOARD_BIND, DASHBOARD_ALLOW_REMOTE,
      DASHBOARD_TOKEN, DASHBOARD_REFRESH, HEALTH_ERROR_RATE, HEALTH_P99, HEALTH_POOL_SATURATION);

  private static final MonitoringConfig DEFAULTS = builder().build();

  private MonitoringConfig(ConfigValues values) {
    super(values);
  }

  private static boolean isToken(String s) {
    return s.length() >= 16 && s.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || "-._~+/=".indexOf(c) >= 0));
  }

  private static Set<Reporter> parseReporters(String text) {
    EnumSet<Reporter> set = EnumSet.noneOf(Reporter.class);
    for (String part : text.split(",", -1)) {
      String name = part.trim();
      if (name.isEmpty() && text.isBlank()) {
        continue;
      }
      set.add(Arrays.stream(Reporter.values())
          .filter(r -> r.name().equalsIgnoreCase(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("unknown reporter")));
    }
    return Set.copyOf(set);
  }

  /** Every key at its default. */
  public static MonitoringConfig defaults() {
    return DEFAULTS;
  }

  /** A builder at the defaults. */
  public static Builder builder() {
    return new Builder(null);
  }

  /** Defaults overridden by every key {@code source} sets. */
  public static MonitoringConfig from(ConfigSource source) {
    return builder().read(source).build();
  }

  /** A builder that starts from these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public Set<Reporter> reporters() {
    return get(REPORTERS_KEY);
  }

  public Duration reportInterval() {
    return get(REPORT_INTERVAL);
  }

  public String csvDirectory() {
    return get(CSV_DIRECTORY);
  }

  public String jmxDomain() {
    return get(JMX_DOMAIN);
  }

  public int maxOrigins() {
    return get(MAX_ORIGINS);
  }

  public boolean dashboardEnabled() {
    return get(DASHBOARD_ENABLED);
  }

  public int dashboardPort() {
    return get(DASHBOARD_PORT);
  }

  public String dashboardBind() {
    return get(DASHBOARD_BIND);
  }

  public boolean dashboardAllowRemote() {
    return get(DASHBOARD_ALLOW_REMOTE);
  }

  /** The access token, when one is set. */
  public Optional<String> dashboardToken() {
    return Optional.ofNullable(get(DASHBOARD_TOKEN));
  }

  public Duration dashboardRefresh() {
    return get(DASHBOARD_REFRESH);
  }

  public double healthErrorRate() {
    return get(HEALTH_ERROR_RATE);
  }

  public Duration healthP99Latency() {
    return get(HEALTH_P99);
  }

  public double healthPoolSaturation() {
    return get(HEALTH_POOL_SATURATION);
  }

  /** Builds a {@link MonitoringConfig}; setters check their value at once. */
  public static final class Builder extends AbstractConfig.Builder<Builder> {
    private Builder(MonitoringConfig from) {
      super(KEYS, from);
    }

    public Builder reporters(Set<Reporter> reporters) {
      return set(REPORTERS_KEY, Set.copyOf(reporters));
    }

    public Builder reportInterval(Duration d) {
      return set(REPORT_INTERVAL, d);
    }

    public Builder csvDirectory(String dir) {
      return set(CSV_DIRECTORY, dir);
    }

    public Builder jmxDomain(String domain) {
      return set(JMX_DOMAIN, domain);
    }

    public Builder maxOrigins(int n) {
      return set(MAX_ORIGINS, n);
    }

    public Builder dashboardEnabled(boolean on) {
      return set(DASHBOARD_ENABLED, on);
    }

    public Builder dashboardPort(int port) {
      return set(DASHBOARD_PORT, port);
    }

    public Builder dashboardBind(String address) {
      return set(DASHBOARD_BIND, address);
    }

    public Builder dashboardAllowRemote(boolean allow) {
      return set(DASHBOARD_ALLOW_REMOTE, allow);
    }

    public Builder dashboardToken(String token) {
      return set(DASHBOARD_TOKEN, token);
    }

    public Builder dashboardRefresh(Duration d) {
      return set(DASHBOARD_REFRESH, d);
    }

    public Builder healthErrorRate(double share) {
      return set(HEALTH_ERROR_RATE, share);
    }

    public Builder healthP99Latency(Duration d) {
      return set(HEALTH_P99, d);
    }

    public Builder healthPoolSaturation(double share) {
      return set(HEALTH_POOL_SATURATION, share);
    }

    /** The settings. */
    public MonitoringConfig build() {
      return new MonitoringConfig(values());
    }
  }
}
