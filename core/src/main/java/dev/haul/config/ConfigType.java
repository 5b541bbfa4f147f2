package dev.haul.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How the text of a configuration value becomes a typed value and back: a parser, a printer whose
 * output the parser reads back to an equal value, and a description of the accepted text for error
 * messages ({@code "a duration such as 500ms, 10s, 5m or PT1M"}).
 *
 * @param <T> the type of the values
 */
public final class ConfigType<T> {

  /** Durations: {@code 500ms}, {@code 10s}, {@code 5m}, {@code PT1M}; see {@link Durations}. */
  public static final ConfigType<Duration> DURATION =
      of("a duration such as 500ms, 10s, 5m or PT1M", Durations::parse, Durations::format);

  /** Byte counts: {@code 4096}, {@code 64KiB}, {@code 1GiB}; see {@link DataSizes}. */
  public static final ConfigType<Long> DATA_SIZE =
      of("a size such as 4096, 64KiB or 1GiB", DataSizes::parse, DataSizes::format);

  /** Whole numbers that fit an {@code int}. */
  public static final ConfigType<Integer> INTEGER = of("an integer", s -> Integer.valueOf(s.trim()), String::valueOf);

  /** Decimal numbers such as {@code 0.5}. */
  public static final ConfigType<Double> DECIMAL = of("a number", s -> Double.valueOf(s.trim()), String::valueOf);

  /** {@code true} or {@code false}, in any case; nothing else. */
  public static final ConfigType<Boolean> BOOLEAN = of("true or false", ConfigType::parseBoolean, String::valueOf);

  /** Text taken as it is. */
  public static final ConfigType<String> STRING = of("a string", s -> s, s -> s);

  private final String description;
  private final Function<String, ? extends T> parser;
  private final Function<? super T, String> printer;

  private ConfigType(String description, Function<String, ? extends T> parser, Function<? super T, String> printer) {
    this.description = requireNonNull(description, "description is null");
    this.parser = requireNonNull(parser, "parser is null");
    this.printer = requireNonNull(printer, "printer is null");
  }

  /**
   * A type of its own. {@code parser} throws any runtime exception for text it refuses, and may
   * return null for text that means "none" (such as a blank optional value); {@code printer} never
   * sees null.
   */
  public static <T> ConfigType<T> of(String description, Function<String, ? extends T> parser,
      Function<? super T, String> printer) {
    return new ConfigType<>(description, parser, printer);
  }

  /** The constants of {@code type}, written in lower case ({@code lifo}) and read in any case. */
  public static <E extends Enum<E>> ConfigType<E> enumOf(Class<E> type) {
    String names = Stream.of(type.getEnumConstants()).map(ConfigType::lowerName).collect(Collectors.joining(", "));
    return of(names, s -> Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT)), ConfigType::lowerName);
  }

  /** The value {@code text} stands for (null for "none"); throws when the text is not one. */
  public T parse(String text) {
    return parser.apply(requireNonNull(text, "text is null"));
  }

  /** The text of {@code value} that {@link #parse} reads back; empty for null. */
  public String format(T value) {
    return value == null ? "" : printer.apply(value);
  }

  /** What text is accepted, for error messages. */
  public String description() {
    return description;
  }

  private static Boolean parseBoolean(String s) {
    String t = s.trim();
    if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
      return Boolean.valueOf(t);
    }
    throw new IllegalArgumentException("not a boolean");
  }

  private static String lowerName(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
