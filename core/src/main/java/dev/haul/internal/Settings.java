package dev.haul.internal;

import dev.haul.ConfigSource;
import dev.haul.Redaction;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads typed values from a {@link ConfigSource} with messages that name the key and what was
 * expected: {@code "haul.timeout.connect: -1s (expected: > 0)"}. Secret-looking keys never have
 * their value echoed.
 */
public final class Settings {

  private final ConfigSource source;

  public Settings(ConfigSource source) {
    this.source = source;
  }

  public void duration(String key, Consumer<Duration> setter) {
    read(key, "a duration such as 500ms, 10s, 5m or PT1M", Durations::parse, setter);
  }

  public void dataSize(String key, Consumer<Long> setter) {
    read(key, "a size such as 4096, 64KiB or 1GiB", DataSizes::parse, setter);
  }

  public void integer(String key, Consumer<Integer> setter) {
    read(key, "an integer", s -> Integer.parseInt(s.trim()), setter);
  }

  public void decimal(String key, Consumer<Double> setter) {
    read(key, "a number", s -> Double.parseDouble(s.trim()), setter);
  }

  public void bool(String key, Consumer<Boolean> setter) {
    read(key, "true or false", s -> {
      String t = s.trim();
      if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(t);
      }
      throw new IllegalArgumentException(t);
    }, setter);
  }

  public void string(String key, Consumer<String> setter) {
    source.get(key).ifPresent(setter);
  }

  private <T> void read(String key, String expected, java.util.function.Function<String, T> parser,
      Consumer<T> setter) {
    Optional<String> raw = source.get(key);
    if (raw.isEmpty()) {
      return;
    }
    T value;
    try {
      value = parser.apply(raw.get());
    } catch (RuntimeException e) {
      String shown = Redaction.isSecretKey(key) ? Redaction.REDACTED : "'" + raw.get() + "'";
      throw new IllegalArgumentException(key + ": " + shown + " (expected: " + expected + ")");
    }
    setter.accept(value);
  }

  /** {@code d} when it is above zero; otherwise {@code key: d (expected: > 0)}. */
  public static Duration positive(String key, Duration d) {
    java.util.Objects.requireNonNull(d, () -> key + " is null");
    if (d.isNegative() || d.isZero()) {
      throw outOfRange(key, Durations.format(d), "> 0");
    }
    return d;
  }

  /** {@code d} when it is zero or more; otherwise {@code key: d (expected: >= 0)}. */
  public static Duration nonNegative(String key, Duration d) {
    java.util.Objects.requireNonNull(d, () -> key + " is null");
    if (d.isNegative()) {
      throw outOfRange(key, Durations.format(d), ">= 0");
    }
    return d;
  }

  /** {@code n} when it is within {@code [min, max]}; otherwise {@code key: n (expected: min..max)}. */
  public static int range(String key, int n, int min, int max) {
    if (n < min || n > max) {
      throw outOfRange(key, n, min + ".." + max);
    }
    return n;
  }

  /** {@code v} when it is within {@code [min, max]}; otherwise {@code key: v (expected: min..max)}. */
  public static double range(String key, double v, double min, double max) {
    if (!(v >= min && v <= max)) {
      throw outOfRange(key, v, min + ".." + max);
    }
    return v;
  }

  /** {@code key: shown (expected: ...)} for a value outside its range. */
  public static IllegalArgumentException outOfRange(String key, Object shown, String expected) {
    return new IllegalArgumentException(key + ": " + shown + " (expected: " + expected + ")");
  }
}
