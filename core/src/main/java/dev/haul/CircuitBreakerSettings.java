package dev.haul;

import dev.haul.config.AbstractConfig;
import dev.haul.config.ConfigKey;
import dev.haul.config.ConfigType;
import dev.haul.config.ConfigValues;
import dev.haul.config.Validator;
import java.time.Duration;
import java.util.List;

/**
 * The per-origin circuit breaker's settings ({@code haul.circuit.*}) of {@link
 * HaulConfig#circuit()}: whether it is on, when it opens and for how long. Immutable; the keys
 * below are the one place their defaults and ranges are written.
 */
public final class CircuitBreakerSettings extends AbstractConfig {

  /** Whether the breaker is on. */
  public static final ConfigKey<Boolean> ENABLED = ConfigKey.of("haul.circuit.enabled",
      ConfigType.BOOLEAN, false, "per-origin circuit breaker");
  /** The failure rate that opens the circuit. */
  public static final ConfigKey<Double> FAILURE_RATE = ConfigKey.of("haul.circuit.failure-rate",
      ConfigType.DECIMAL, 0.5, Validator.between(0.01, 1.0), "opens when this share of the window's calls failed…");
  /** The calls the window needs before its failure rate counts. */
  public static final ConfigKey<Integer> MINIMUM_CALLS = ConfigKey.of("haul.circuit.minimum-calls",
      ConfigType.INTEGER, 20, Validator.between(1, 100_000), "…once the window has this many calls");
  /** The sliding window of the failure rate. */
  public static final ConfigKey<Duration> WINDOW = ConfigKey.of("haul.circuit.window",
      ConfigType.DURATION, Duration.ofSeconds(10), Validator.positive(), "sliding window of the failure rate");
  /** Failures in a row that open the circuit; 0 turns this rule off. */
  public static final ConfigKey<Integer> CONSECUTIVE_FAILURES = ConfigKey.of("haul.circuit.consecutive-failures",
      ConfigType.INTEGER, 5, Validator.between(0, 100_000), "or after this many failures in a row (0: off)");
  /** How long an open circuit fails fast. */
  public static final ConfigKey<Duration> OPEN_DURATION = ConfigKey.of("haul.circuit.open-duration",
      ConfigType.DURATION, Duration.ofSeconds(30), Validator.positive(),
      "fail fast this long, then let one probe through");

  /** Every circuit key, in documentation order. */
  public static final List<ConfigKey<?>> KEYS = List.of(ENABLED, FAILURE_RATE, MINIMUM_CALLS, WINDOW,
      CONSECUTIVE_FAILURES, OPEN_DURATION);

  private static final CircuitBreakerSettings DEFAULTS = builder().build();

  private CircuitBreakerSettings(ConfigValues values) {
    super(values);
  }

  /** Every key at its default (the breaker off). */
  public static CircuitBreakerSettings defaults() {
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

  /** Whether the breaker is on. */
  public boolean enabled() {
    return get(ENABLED);
  }

  /** The share of failed calls in the window that opens the circuit. */
  public double failureRate() {
    return get(FAILURE_RATE);
  }

  /** The calls the window needs before its failure rate counts. */
  public int minimumCalls() {
    return get(MINIMUM_CALLS);
  }

  /** The sliding window of the failure rate. */
  public Duration window() {
    return get(WINDOW);
  }

  /** Failures in a row that open the circuit; 0: this rule is off. */
  public int consecutiveFailures() {
    return get(CONSECUTIVE_FAILURES);
  }

  /** How long an open circuit fails fast before it lets one probe through. */
  public Duration openDuration() {
    return get(OPEN_DURATION);
  }

  /** Builds {@link CircuitBreakerSettings}; every setter checks its value at once. */
  public static final class Builder extends AbstractConfig.Builder<Builder> {

    private Builder(CircuitBreakerSettings from) {
      super(KEYS, from);
    }

    /** Turns the breaker on or off. */
    public Builder enabled(boolean on) {
      return set(ENABLED, on);
    }

    /** Opens when this share of the window's calls failed, 0.01 to 1.0. */
    public Builder failureRate(double rate) {
      return set(FAILURE_RATE, rate);
    }

    /** The calls the window needs before its failure rate counts, 1 to 100000. */
    public Builder minimumCalls(int n) {
      return set(MINIMUM_CALLS, n);
    }

    /** The sliding window of the failure rate. */
    public Builder window(Duration d) {
      return set(WINDOW, d);
    }

    /** Opens after this many failures in a row; 0 turns this rule off. */
    public Builder consecutiveFailures(int n) {
      return set(CONSECUTIVE_FAILURES, n);
    }

    /** How long an open circuit fails fast. */
    public Builder openDuration(Duration d) {
      return set(OPEN_DURATION, d);
    }

    /** The settings. */
    public CircuitBreakerSettings build() {
      return new CircuitBreakerSettings(values());
    }
  }
}
