package dev.haul.config;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One value for each of a fixed list of {@link ConfigKey}s: the defaults, overridden by a {@link
 * ConfigSource} or by setters, each value checked against its key's range as it is set. Immutable;
 * configurations keep one and check the rules that span several keys when they build it.
 */
public final class ConfigValues {

  private final List<ConfigKey<?>> keys;
  private final Map<ConfigKey<?>, Object> values;

  private ConfigValues(List<ConfigKey<?>> keys, Map<ConfigKey<?>, Object> values) {
    this.keys = keys;
    this.values = values;
  }

  /** A builder holding the default of every key in {@code keys}. */
  public static Builder builder(List<? extends ConfigKey<?>> keys) {
    return new Builder(List.copyOf(keys));
  }

  /** The keys, in the order they were given. */
  public List<ConfigKey<?>> keys() {
    return keys;
  }

  /** The value of {@code key} (null when it has none); {@code key} must be one of {@link #keys()}. */
  public <T> T get(ConfigKey<T> key) {
    return value(values, key);
  }

  /** A builder that starts from these values. */
  public Builder toBuilder() {
    Builder b = new Builder(keys);
    b.values.putAll(values);
    return b;
  }

  /**
   * Key to printed value, in key order, secrets shown as {@link ConfigKey#REDACTED} (an unset secret
   * stays empty). Apart from secrets it reads back through {@link ConfigSource#fromMap} to equal
   * values.
   */
  public Map<String, String> dump() {
    Map<String, String> m = new LinkedHashMap<>();
    for (ConfigKey<?> k : keys) {
      String text = printed(k);
      m.put(k.name(), k.isSecret() && !text.isEmpty() ? ConfigKey.REDACTED : text);
    }
    return m;
  }

  private <T> String printed(ConfigKey<T> key) {
    return key.format(get(key));
  }

  @SuppressWarnings("unchecked")
  private static <T> T value(Map<ConfigKey<?>, Object> values, ConfigKey<T> key) {
    if (!values.containsKey(key)) {
      throw new IllegalArgumentException(key.name() + " is not a key of this configuration");
    }
    return (T) values.get(key);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigValues v && values.equals(v.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** The {@link #dump()}, so secrets are redacted. */
  @Override
  public String toString() {
    return dump().toString();
  }

  /** Collects values; every setter checks the value against its key at once. */
  public static final class Builder {
    private final List<ConfigKey<?>> keys;
    // A HashMap because "none" (null) is a value some keys take.
    private final Map<ConfigKey<?>, Object> values = new HashMap<>();

    private Builder(List<ConfigKey<?>> keys) {
      this.keys = keys;
      for (ConfigKey<?> k : keys) {
        values.put(k, k.defaultValue());
      }
      if (keys.stream().map(ConfigKey::name).distinct().count() != keys.size()) {
        throw new IllegalArgumentException("two keys of the same name in " + keys);
      }
    }

    /** Sets {@code key} to {@code value}, which must be in its range (null only where the default is none). */
    public <T> Builder set(ConfigKey<T> key, T value) {
      value(values, key); // an unknown key fails here
      if (value == null && key.defaultValue() != null) {
        throw new NullPointerException(key.name() + " is null");
      }
      values.put(key, key.check(value));
      return this;
    }

    /** The value {@code key} has now. */
    public <T> T get(ConfigKey<T> key) {
      return value(values, key);
    }

    /** Copies the value of every key of {@code other} that this builder has too. */
    public Builder setAll(ConfigValues other) {
      other.values.forEach((k, v) -> {
        if (values.containsKey(k)) {
          values.put(k, v);
        }
      });
      return this;
    }

    /** Sets every key that {@code source} has; the first bad value fails with its key named. */
    public Builder read(ConfigSource source) {
      requireNonNull(source, "source is null");
      for (ConfigKey<?> k : keys) {
        source.get(k.name()).ifPresent(text -> values.put(k, k.parse(text)));
      }
      return this;
    }

    /** The values as they are now. */
    public ConfigValues build() {
      return new ConfigValues(keys, new HashMap<>(values));
    }
  }
}
