package dev.haul.cache;

import dev.haul.config.AbstractConfig;
import dev.haul.config.ConfigKey;
import dev.haul.config.ConfigSource;
import dev.haul.config.ConfigType;
import dev.haul.config.ConfigValues;
import dev.haul.config.Validator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The cache's settings ({@code haul.cache.*}). Immutable; built with {@link #builder()}, read with
 * {@link #from(ConfigSource)}. The keys below are the one place their defaults, ranges and
 * documentation are written; the README's table is checked against them.
 */
public final class CacheConfig extends AbstractConfig {

  private static final long MIB = 1024L * 1024;

  /** Whether the cache answers and stores at all. */
  public static final ConfigKey<Boolean> ENABLED = ConfigKey.of("haul.cache.enabled", ConfigType.BOOLEAN, true,
      "false: the cache stage passes every request through untouched");
  /** The store's byte bound. */
  public static final ConfigKey<Long> MAX_SIZE = ConfigKey.of("haul.cache.max-size", ConfigType.DATA_SIZE,
      64 * MIB, Validator.atLeast(64 * 1024), "bytes the store holds at most (bodies and heads); least useful entries are evicted");
  /** Bodies above this pass through uncached. */
  public static final ConfigKey<Long> MAX_ENTRY_SIZE = ConfigKey.of("haul.cache.max-entry-size",
      ConfigType.DATA_SIZE, 8 * MIB, Validator.atLeast(0), "larger bodies pass through uncached");
  /** Private or shared cache. */
  public static final ConfigKey<CacheMode> MODE = ConfigKey.of("haul.cache.mode", ConfigType.enumOf(CacheMode.class),
      CacheMode.PRIVATE, "shared: honour `s-maxage`, never store `private`, `Authorization` only as RFC 9111 §3.5 allows");
  /** Where the disk store lives. */
  public static final ConfigKey<Path> DIR = ConfigKey.of("haul.cache.dir",
      ConfigType.of("a directory", s -> s.isBlank() ? null : Path.of(s.trim()), Path::toString), null,
      "directory of the disk store; unset: in memory");
  /** Freshness for responses that state none. */
  public static final ConfigKey<Duration> DEFAULT_TTL = ConfigKey.of("haul.cache.default-ttl", ConfigType.DURATION,
      Duration.ZERO, Validator.nonNegative(),
      "successful GETs without freshness information are fresh this long; 0s: RFC 9111 only (heuristics)");
  /** How long concurrent misses wait for the first one. */
  public static final ConfigKey<Duration> COALESCE_TIMEOUT = ConfigKey.of("haul.cache.coalesce-timeout",
      ConfigType.DURATION, Duration.ofSeconds(30), Validator.nonNegative(),
      "concurrent misses of one URI wait this long for the first to be stored; 0s: no coalescing");

  /** Every key, in documentation order. */
  public static final List<ConfigKey<?>> KEYS = List.of(ENABLED, MAX_SIZE, MAX_ENTRY_SIZE, MODE, DIR, DEFAULT_TTL,
      COALESCE_TIMEOUT);

  private static final CacheConfig DEFAULTS = builder().build();

  private CacheConfig(ConfigValues values) {
    super(values);
  }

  /** Every key at its default. */
  public static CacheConfig defaults() {
    return DEFAULTS;
  }

  /** A builder at the defaults. */
  public static Builder builder() {
    return new Builder(null);
  }

  /** Defaults overridden by every {@code haul.cache.*} key {@code source} sets. */
  public static CacheConfig from(ConfigSource source) {
    return builder().read(source).build();
  }

  /** A builder that starts from these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public boolean enabled() {
    return get(ENABLED);
  }

  public long maxSize() {
    return get(MAX_SIZE);
  }

  public long maxEntrySize() {
    return get(MAX_ENTRY_SIZE);
  }

  public CacheMode mode() {
    return get(MODE);
  }

  /** The disk store's directory, when one is set. */
  public Optional<Path> dir() {
    return Optional.ofNullable(get(DIR));
  }

  /** The forced freshness of responses without any, when one is set. */
  public Optional<Duration> defaultTtl() {
    Duration d = get(DEFAULT_TTL);
    return d.isZero() ? Optional.empty() : Optional.of(d);
  }

  public Duration coalesceTimeout() {
    return get(COALESCE_TIMEOUT);
  }

  /** Builds a {@link CacheConfig}; setters check their value at once. */
  public static final class Builder extends AbstractConfig.Builder<Builder> {
    private Builder(CacheConfig from) {
      super(KEYS, from);
    }

    public Builder enabled(boolean enabled) {
      return set(ENABLED, enabled);
    }

    public Builder maxSize(long bytes) {
      return set(MAX_SIZE, bytes);
    }

    public Builder maxEntrySize(long bytes) {
      return set(MAX_ENTRY_SIZE, bytes);
    }

    public Builder mode(CacheMode mode) {
      return set(MODE, mode);
    }

    public Builder dir(Path dir) {
      return set(DIR, dir);
    }

    public Builder defaultTtl(Duration ttl) {
      return set(DEFAULT_TTL, ttl);
    }

    public Builder coalesceTimeout(Duration timeout) {
      return set(COALESCE_TIMEOUT, timeout);
    }

    public CacheConfig build() {
      return new CacheConfig(values());
    }
  }
}
