package dev.haul.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * The base of a module's configuration: one {@link ConfigValues} over the module's keys, with
 * {@link #dump()}, {@code equals}, {@code hashCode} and {@code toString} (secrets redacted) done
 * once. A subclass declares its {@link ConfigKey}s, typed getters and a {@link Builder} with typed
 * setters, and checks its rules that span several keys in its builder's {@code build()}.
 */
public abstract class AbstractConfig {

  private final ConfigValues values;

  /** A configuration holding {@code values}. */
  protected AbstractConfig(ConfigValues values) {
    this.values = requireNonNull(values, "values is null");
  }

  /** The value of one of this configuration's keys. */
  protected final <T> T get(ConfigKey<T> key) {
    return values.get(key);
  }

  /** Every key's value. */
  public final ConfigValues values() {
    return values;
  }

  /**
   * The effective configuration as key to printed value, in key order; values of secret keys are
   * redacted. Apart from secrets, reading the result back with {@link ConfigSource#fromMap} gives
   * an equal configuration.
   */
  public Map<String, String> dump() {
    return values.dump();
  }

  /** Equal when of the same class with equal values. */
  @Override
  public boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && values.equals(((AbstractConfig) o).values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** The class name and the {@link #dump()}: secrets are redacted. */
  @Override
  public String toString() {
    return getClass().getSimpleName() + dump();
  }

  /**
   * The base of a configuration's builder: reading a {@link ConfigSource} and setting any key, each
   * value checked at once.
   *
   * @param <B> the concrete builder, returned by every setter
   */
  public abstract static class Builder<B extends Builder<B>> {
    private final ConfigValues.Builder values;

    /** A builder that starts from {@code from}, or from the defaults of {@code keys} when it is null. */
    protected Builder(List<? extends ConfigKey<?>> keys, AbstractConfig from) {
      this.values = from != null ? from.values.toBuilder() : ConfigValues.builder(keys);
    }

    /** This builder, as its concrete type (the type argument of every subclass is the subclass). */
    @SuppressWarnings("unchecked")
    private B self() {
      return (B) this;
    }

    /** Sets every key that {@code source} has. */
    public B read(ConfigSource source) {
      values.read(source);
      return self();
    }

    /** Sets {@code key}, one of this configuration's keys, to {@code value} within its range. */
    public <T> B set(ConfigKey<T> key, T value) {
      values.set(key, value);
      return self();
    }

    /** Copies the values of the keys that {@code other} shares with this configuration. */
    public B setAll(AbstractConfig other) {
      values.setAll(other.values);
      return self();
    }

    /** The value {@code key} has now. */
    protected <T> T get(ConfigKey<T> key) {
      return values.get(key);
    }

    /** The values as they are now. */
    protected ConfigValues values() {
      return values.build();
    }
  }
}
