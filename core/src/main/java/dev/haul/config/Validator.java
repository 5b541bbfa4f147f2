package dev.haul.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * The range of a configuration key: a test and the text that describes it in error messages and in
 * the key tables ({@code "> 0"}, {@code "0..100"}).
 *
 * @param <T> the type of the values tested
 */
public interface Validator<T> {

  /** Whether {@code value} (never null) is in range. */
  boolean test(T value);

  /** The range in words, as it follows {@code expected:} in a message. */
  String description();

  /** A validator of its own. */
  static <T> Validator<T> of(String description, Predicate<? super T> test) {
    requireNonNull(description, "description is null");
    requireNonNull(test, "test is null");
    return new Validator<>() {
      @Override
      public boolean test(T value) {
        return test.test(value);
      }

      @Override
      public String description() {
        return description;
      }
    };
  }

  /** Durations above zero. */
  static Validator<Duration> positive() {
    return of("> 0", d -> !d.isNegative() && !d.isZero());
  }

  /** Durations of zero or more. */
  static Validator<Duration> nonNegative() {
    return of(">= 0", d -> !d.isNegative());
  }

  /** Integers in {@code [min, max]}. */
  static Validator<Integer> between(int min, int max) {
    return of(min + ".." + max, n -> n >= min && n <= max);
  }

  /** Numbers in {@code [min, max]}; NaN is outside every range. */
  static Validator<Double> between(double min, double max) {
    return of(min + ".." + max, v -> v >= min && v <= max);
  }

  /** Byte counts in {@code [min, max]}, described in units ({@code 1KiB..16MiB}). */
  static Validator<Long> sizeBetween(long min, long max) {
    return of(DataSizes.format(min) + ".." + DataSizes.format(max), n -> n >= min && n <= max);
  }

  /** Whole numbers of at least {@code min}. */
  static Validator<Long> atLeast(long min) {
    return of(">= " + min, n -> n >= min);
  }
}
