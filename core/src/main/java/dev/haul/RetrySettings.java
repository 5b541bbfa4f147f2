package dev.haul;

import dev.haul.config.AbstractConfig;
import dev.haul.config.ConfigKey;
import dev.haul.config.ConfigType;
import dev.haul.config.ConfigValues;
import dev.haul.config.Validator;
import java.time.Duration;
import java.util.List;

/**
 * The retry settings ({@code haul.retry.*}) of {@link HaulConfig#retry()} and of the default
 * {@link dev.haul.spi.RetryPolicy}: how many retries, the exponential backoff, the cap on
 * {@code Retry-After}, and the per-origin retry budget. Immutable; the keys below are the one place
 * their defaults and ranges are written.
 */
public final class RetrySettings extends AbstractConfig {

  /** Retries after the first attempt. */
  public static final ConfigKey<Integer> MAX_RETRIES = ConfigKey.of("haul.retry.max-retries",
      ConfigType.INTEGER, 3, Validator.between(0, 100), "retries after the first attempt");
  /** The first backoff ceiling. */
  public static final ConfigKey<Duration> BASE_DELAY = ConfigKey.of("haul.retry.base-delay",
      ConfigType.DURATION, Duration.ofSeconds(1), Validator.nonNegative(), "first backoff ceiling");
  /** Backoff growth per retry. */
  public static final ConfigKey<Double> MULTIPLIER = ConfigKey.of("haul.retry.multiplier",
      ConfigType.DECIMAL, 2.0, Validator.between(1.0, 10.0), "backoff growth");
  /** The backoff cap; at least the base delay. */
  public static final ConfigKey<Duration> MAX_DELAY = ConfigKey.of("haul.retry.max-delay",
      ConfigType.DURATION, Duration.ofSeconds(30), Validator.nonNegative(),
      "backoff cap, at least `haul.retry.base-delay` (full jitter in [0, ceiling])");
  /** The longest {@code Retry-After} honoured. */
  public static final ConfigKey<Duration> MAX_RETRY_AFTER = ConfigKey.of("haul.retry.max-retry-after",
      ConfigType.DURATION, Duration.ofSeconds(120), Validator.nonNegative(),
      "longest `Retry-After` honoured; above it the call fails typed");
  /** The retry budget's share of recent requests. */
  public static final ConfigKey<Double> BUDGET_RATIO = ConfigKey.of("haul.retry.budget-ratio",
      ConfigType.DECIMAL, 0.2, Validator.between(0.0, 10.0),
      "per origin, retries may be at most this share of the last 10 s of requests…");
  /** The retry budget's floor. */
  public static final ConfigKey<Double> BUDGET_MIN_PER_SECOND = ConfigKey.of("haul.retry.budget-min-per-second",
      ConfigType.DECIMAL, 1.0, Validator.between(0.0, 10_000.0), "…plus this many per second");

  /** Every retry key, in documentation order. */
  public static final List<ConfigKey<?>> KEYS = List.of(MAX_RETRIES, BASE_DELAY, MULTIPLIER, MAX_DELAY,
      MAX_RETRY_AFTER, BUDGET_RATIO, BUDGET_MIN_PER_SECOND);

  private static final RetrySettings DEFAULTS = builder().build();

  private RetrySettings(ConfigValues values) {
    super(values);
  }

  /** Every key at its default: 3 retries, 1 s doubling to 30 s, Retry-After up to 120 s, budget 20 % + 1/s. */
  public static RetrySettings defaults() {
    return DEFAULTS;
  }

  /** A builder at the defaults. */
  public static Builder builder() {
    return new Builder(null);
  }

  /** A builder that starts from these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Retries after the first attempt. */
  public int maxRetries() {
    return get(MAX_RETRIES);
  }

  /** The backoff ceiling of the first retry. */
  public Duration baseDelay() {
    return get(BASE_DELAY);
  }

  /** How much the backoff ceiling grows per retry. */
  public double multiplier() {
    return get(MULTIPLIER);
  }

  /** The highest backoff ceiling. */
  public Duration maxDelay() {
    return get(MAX_DELAY);
  }

  /** The longest {@code Retry-After} honoured; a longer one fails the call. */
  public Duration maxRetryAfter() {
    return get(MAX_RETRY_AFTER);
  }

  /** Retries per origin may be at most this share of the requests of the last 10 seconds... */
  public double budgetRatio() {
    return get(BUDGET_RATIO);
  }

  /** ...plus this many per second. */
  public double budgetMinPerSecond() {
    return get(BUDGET_MIN_PER_SECOND);
  }

  /** Builds {@link RetrySettings}; every setter checks its value at once. */
  public static final class Builder extends AbstractConfig.Builder<Builder> {

    private Builder(RetrySettings from) {
      super(KEYS, from);
    }

    /** Retries after the first attempt, 0 to 100. */
    public Builder maxRetries(int n) {
      return set(MAX_RETRIES, n);
    }

    /** The backoff ceiling of the first retry. */
    public Builder baseDelay(Duration d) {
      return set(BASE_DELAY, d);
    }

    /** Backoff growth per retry, 1.0 to 10.0. */
    public Builder multiplier(double m) {
      return set(MULTIPLIER, m);
    }

    /** The backoff cap. */
    public Builder maxDelay(Duration d) {
      return set(MAX_DELAY, d);
    }

    /** The longest {@code Retry-After} honoured. */
    public Builder maxRetryAfter(Duration d) {
      return set(MAX_RETRY_AFTER, d);
    }

    /** Retries at most {@code ratio} of recent requests plus {@code minPerSecond} per second, per origin. */
    public Builder budget(double ratio, double minPerSecond) {
      return set(BUDGET_RATIO, ratio).set(BUDGET_MIN_PER_SECOND, minPerSecond);
    }

    /** The settings; the base delay must not exceed the maximum delay. */
    public RetrySettings build() {
      Duration base = get(BASE_DELAY);
      Duration max = get(MAX_DELAY);
      if (base.compareTo(max) > 0) {
        throw MAX_DELAY.invalid(max, ">= " + BASE_DELAY.name() + ", " + BASE_DELAY.format(base));
      }
      return new RetrySettings(values());
    }
  }
}
