package dev.haul.config;

import static java.util.Objects.requireNonNull;

/**
 * One configuration key, described once: its name ({@code haul.pool.max-per-host}), its type, its
 * default (null: none), its range, the line that documents it, and whether it holds a secret. A
 * module's configuration declares its keys as constants and a list of them; reading, validating,
 * dumping and the documentation tables all come from these descriptors.
 *
 * <p>Messages follow one form, {@code "name: value (expected: range)"}; a secret key's value is
 * shown as {@link #REDACTED}, and control characters in a value are escaped, so a message is safe
 * to log.
 *
 * @param <T> the type of the values
 */
public final class ConfigKey<T> {

  /** What a secret value is shown as in dumps and messages. */
  public static final String REDACTED = "<redacted>";

  private final String name;
  private final ConfigType<T> type;
  private final T defaultValue;
  private final Validator<? super T> validator;
  private final String doc;
  private final boolean secret;

  private ConfigKey(String name, ConfigType<T> type, T defaultValue, Validator<? super T> validator, String doc,
      boolean secret) {
    this.name = requireNonNull(name, "name is null");
    this.type = requireNonNull(type, "type is null");
    this.validator = validator;
    this.doc = requireNonNull(doc, "doc is null");
    this.secret = secret;
    this.defaultValue = defaultValue == null ? null : check(defaultValue);
  }

  /** A key whose values must pass {@code validator}. */
  public static <T> ConfigKey<T> of(String name, ConfigType<T> type, T defaultValue, Validator<? super T> validator,
      String doc) {
    return new ConfigKey<>(name, type, defaultValue, requireNonNull(validator, "validator is null"), doc, false);
  }

  /** A key that takes every value of its type; its range is the type's description. */
  public static <T> ConfigKey<T> of(String name, ConfigType<T> type, T defaultValue, String doc) {
    return new ConfigKey<>(name, type, defaultValue, null, doc, false);
  }

  /** This key, marked secret: its value is never shown. */
  public ConfigKey<T> secret() {
    return new ConfigKey<>(name, type, defaultValue, validator, doc, true);
  }

  /** The key, such as {@code haul.timeout.connect}. */
  public String name() {
    return name;
  }

  /** How its values are read and printed. */
  public ConfigType<T> type() {
    return type;
  }

  /** The default, or null when the key has none. */
  public T defaultValue() {
    return defaultValue;
  }

  /** The documentation line. */
  public String doc() {
    return doc;
  }

  /** Whether the value is a secret that dumps and messages redact. */
  public boolean isSecret() {
    return secret;
  }

  /** The range in words ({@code "> 0"}, {@code "0..100"}), or what the type accepts when any value goes. */
  public String range() {
    return validator != null ? validator.description() : type.description();
  }

  /** The default as printed in documentation: its text, or {@code (none)} when it has none or prints empty. */
  public String defaultText() {
    String s = format(defaultValue);
    return s.isEmpty() ? "(none)" : s;
  }

  /** The text of {@code value} that reads back to it; empty for null. Not redacted. */
  public String format(T value) {
    return type.format(value);
  }

  /** {@code value} when it is in range (null passes); otherwise an exception naming the key and the range. */
  public T check(T value) {
    if (value != null && validator != null && !validator.test(value)) {
      throw invalid(value, validator.description());
    }
    return value;
  }

  /** The value of {@code text}, checked; an exception naming the key and what was expected otherwise. */
  public T parse(String text) {
    T value;
    try {
      value = type.parse(text);
    } catch (RuntimeException e) {
      throw failure(secret ? REDACTED : "'" + printable(text) + "'", type.description());
    }
    return check(value);
  }

  /** {@code "name: value (expected: expected)"}, for a value this key cannot take, redacted if secret. */
  public IllegalArgumentException invalid(T value, String expected) {
    String shown = format(value);
    return failure(secret ? REDACTED : shown.isEmpty() ? "''" : printable(shown), expected);
  }

  private IllegalArgumentException failure(String shown, String expected) {
    return new IllegalArgumentException(name + ": " + shown + " (expected: " + expected + ")");
  }

  /** Control characters escaped, so a value cannot forge log lines. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return name;
  }
}
