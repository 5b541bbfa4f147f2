package dev.haul.config;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where configuration values come from: a flat map of kebab-case keys
 * ({@code haul.pool.max-per-host}), the environment ({@code HAUL_POOL_MAX_PER_HOST}), system
 * properties, or a layering of those. Every module's {@code XxxConfig} reads from one through its
 * {@link ConfigKey}s.
 */
@FunctionalInterface
public interface ConfigSource {

  /** The raw value of {@code key}, if set. */
  Optional<String> get(String key);

  /** Values from a map keyed like {@code haul.timeout.connect}. */
  static ConfigSource fromMap(Map<String, String> values) {
    Map<String, String> copy = Map.copyOf(values);
    return key -> Optional.ofNullable(copy.get(key));
  }

  /** Values from an environment map: {@code haul.pool.max-per-host} is {@code HAUL_POOL_MAX_PER_HOST}. */
  static ConfigSource fromEnvironment(Map<String, String> environment) {
    Map<String, String> copy = Map.copyOf(environment);
    return key -> Optional.ofNullable(copy.get(environmentName(key)));
  }

  /** System properties first, then the process environment. */
  static ConfigSource system() {
    ConfigSource props = key -> Optional.ofNullable(System.getProperty(key));
    return props.orElse(fromEnvironment(System.getenv()));
  }

  /** This source, then {@code fallback} for keys this one lacks. */
  default ConfigSource orElse(ConfigSource fallback) {
    requireNonNull(fallback, "fallback is null");
    return key -> {
      Optional<String> v = get(key);
      return v.isPresent() ? v : fallback.get(key);
    };
  }

  /** The environment variable name of a key: upper case, dots and dashes as underscores. */
  static String environmentName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
