package dev.haul;

import static java.util.Objects.requireNonNull;

import dev.haul.internal.Durations;
import dev.haul.internal.Settings;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The core client's configuration: timeouts, call deadline, retry settings and the User-Agent.
 * Immutable; built with {@link #builder()}, read from {@link ConfigSource}s with
 * {@link #from(ConfigSource)}, and printed with {@link #dump()}.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>range</th></tr>
 *   <tr><td>haul.timeout.connect</td><td>10s</td><td>&gt; 0</td></tr>
 *   <tr><td>haul.timeout.tls-handshake</td><td>10s</td><td>&gt; 0</td></tr>
 *   <tr><td>haul.timeout.pool-acquire</td><td>30s</td><td>&gt; 0</td></tr>
 *   <tr><td>haul.timeout.write</td><td>30s</td><td>&gt; 0</td></tr>
 *   <tr><td>haul.timeout.response-headers</td><td>30s</td><td>&gt; 0</td></tr>
 *   <tr><td>haul.timeout.read-idle</td><td>30s</td><td>&gt; 0</td></tr>
 *   <tr><td>haul.timeout.call</td><td>0s (none)</td><td>&gt;= 0</td></tr>
 *   <tr><td>haul.retry.max-retries</td><td>3</td><td>0..100</td></tr>
 *   <tr><td>haul.retry.base-delay</td><td>1s</td><td>&gt;= 0</td></tr>
 *   <tr><td>haul.retry.multiplier</td><td>2.0</td><td>1.0..10.0</td></tr>
 *   <tr><td>haul.retry.max-delay</td><td>30s</td><td>&gt;= base-delay</td></tr>
 *   <tr><td>haul.retry.max-retry-after</td><td>120s</td><td>&gt;= 0</td></tr>
 *   <tr><td>haul.user-agent</td><td>haul/0.1.0</td><td>a header value</td></tr>
 * </table>
 */
public final class HaulConfig {

  /** The User-Agent sent when the request has none. */
  public static final String DEFAULT_USER_AGENT = "haul/0.1.0";

  private static final HaulConfig DEFAULTS = builder().build();

  private final Timeouts timeouts;
  private final Duration callTimeout;
  private final int retryMaxRetries;
  private final Duration retryBaseDelay;
  private final double retryMultiplier;
  private final Duration retryMaxDelay;
  private final Duration retryMaxRetryAfter;
  private final String userAgent;

  private HaulConfig(Builder b) {
    this.timeouts = Timeouts.of(b.timeouts);
    this.callTimeout = b.callTimeout;
    this.retryMaxRetries = b.retryMaxRetries;
    this.retryBaseDelay = b.retryBaseDelay;
    this.retryMultiplier = b.retryMultiplier;
    this.retryMaxDelay = b.retryMaxDelay;
    this.retryMaxRetryAfter = b.retryMaxRetryAfter;
    this.userAgent = b.userAgent;
  }

  /** Every key at its default. */
  public static HaulConfig defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Defaults overridden by every {@code haul.*} core key that {@code source} sets. */
  public static HaulConfig from(ConfigSource source) {
    return builder().read(source).build();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Every timeout kind. */
  public Timeouts timeouts() {
    return timeouts;
  }

  /** The deadline for a whole call, if one is configured ({@code haul.timeout.call} > 0). */
  public Optional<Duration> callTimeout() {
    return callTimeout.isZero() ? Optional.empty() : Optional.of(callTimeout);
  }

  public int retryMaxRetries() {
    return retryMaxRetries;
  }

  public Duration retryBaseDelay() {
    return retryBaseDelay;
  }

  public double retryMultiplier() {
    return retryMultiplier;
  }

  public Duration retryMaxDelay() {
    return retryMaxDelay;
  }

  public Duration retryMaxRetryAfter() {
    return retryMaxRetryAfter;
  }

  public String userAgent() {
    return userAgent;
  }

  /**
   * The effective configuration as key to printed value, in key order; values of secret-looking
   * keys are redacted. Reading the result back with {@link ConfigSource#fromMap} gives an equal
   * configuration.
   */
  public Map<String, String> dump() {
    Map<String, String> m = new LinkedHashMap<>();
    for (Timeouts.Kind k : Timeouts.Kind.values()) {
      m.put(k.key(), Durations.format(timeouts.get(k)));
    }
    m.put("haul.timeout.call", Durations.format(callTimeout));
    m.put("haul.retry.max-retries", Integer.toString(retryMaxRetries));
    m.put("haul.retry.base-delay", Durations.format(retryBaseDelay));
    m.put("haul.retry.multiplier", Double.toString(retryMultiplier));
    m.put("haul.retry.max-delay", Durations.format(retryMaxDelay));
    m.put("haul.retry.max-retry-after", Durations.format(retryMaxRetryAfter));
    m.put("haul.user-agent", userAgent);
    m.replaceAll((k, v) -> Redaction.isSensitiveName(k) ? Redaction.REDACTED : v);
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HaulConfig c && dump().equals(c.dump());
  }

  @Override
  public int hashCode() {
    return dump().hashCode();
  }

  @Override
  public String toString() {
    return "HaulConfig" + dump();
  }

  /** Builds a {@link HaulConfig}; each setter validates its value at once. */
  public static final class Builder {
    private final EnumMap<Timeouts.Kind, Duration> timeouts = new EnumMap<>(Timeouts.Kind.class);
    private Duration callTimeout = Duration.ZERO;
    private int retryMaxRetries = 3;
    private Duration retryBaseDelay = Duration.ofSeconds(1);
    private double retryMultiplier = 2.0;
    private Duration retryMaxDelay = Duration.ofSeconds(30);
    private Duration retryMaxRetryAfter = Duration.ofSeconds(120);
    private String userAgent = DEFAULT_USER_AGENT;

    private Builder() {
      timeouts.put(Timeouts.Kind.CONNECT, Duration.ofSeconds(10));
      timeouts.put(Timeouts.Kind.TLS_HANDSHAKE, Duration.ofSeconds(10));
      timeouts.put(Timeouts.Kind.POOL_ACQUIRE, Duration.ofSeconds(30));
      timeouts.put(Timeouts.Kind.WRITE, Duration.ofSeconds(30));
      timeouts.put(Timeouts.Kind.RESPONSE_HEADERS, Duration.ofSeconds(30));
      timeouts.put(Timeouts.Kind.READ_IDLE, Duration.ofSeconds(30));
    }

    private Builder(HaulConfig c) {
      for (Timeouts.Kind k : Timeouts.Kind.values()) {
        timeouts.put(k, c.timeouts.get(k));
      }
      callTimeout = c.callTimeout;
      retryMaxRetries = c.retryMaxRetries;
      retryBaseDelay = c.retryBaseDelay;
      retryMultiplier = c.retryMultiplier;
      retryMaxDelay = c.retryMaxDelay;
      retryMaxRetryAfter = c.retryMaxRetryAfter;
      userAgent = c.userAgent;
    }

    /** Sets every core key that {@code source} has. */
    public Builder read(ConfigSource source) {
      Settings s = new Settings(requireNonNull(source, "source is null"));
      for (Timeouts.Kind k : Timeouts.Kind.values()) {
        s.duration(k.key(), d -> timeout(k, d));
      }
      s.duration("haul.timeout.call", this::callTimeout);
      s.integer("haul.retry.max-retries", this::retryMaxRetries);
      s.duration("haul.retry.base-delay", this::retryBaseDelay);
      s.decimal("haul.retry.multiplier", this::retryMultiplier);
      s.duration("haul.retry.max-delay", this::retryMaxDelay);
      s.duration("haul.retry.max-retry-after", this::retryMaxRetryAfter);
      s.string("haul.user-agent", this::userAgent);
      return this;
    }

    public Builder timeout(Timeouts.Kind kind, Duration d) {
      timeouts.put(kind, Timeouts.positive(kind, d));
      return this;
    }

    public Builder connectTimeout(Duration d) {
      return timeout(Timeouts.Kind.CONNECT, d);
    }

    public Builder readIdleTimeout(Duration d) {
      return timeout(Timeouts.Kind.READ_IDLE, d);
    }

    public Builder responseHeadersTimeout(Duration d) {
      return timeout(Timeouts.Kind.RESPONSE_HEADERS, d);
    }

    /** The deadline of a whole call; zero means none. */
    public Builder callTimeout(Duration d) {
      this.callTimeout = nonNegative("haul.timeout.call", d);
      return this;
    }

    public Builder retryMaxRetries(int n) {
      if (n < 0 || n > 100) {
        throw Settings.outOfRange("haul.retry.max-retries", n, "0..100");
      }
      this.retryMaxRetries = n;
      return this;
    }

    public Builder retryBaseDelay(Duration d) {
      this.retryBaseDelay = nonNegative("haul.retry.base-delay", d);
      return this;
    }

    public Builder retryMultiplier(double m) {
      if (!(m >= 1.0 && m <= 10.0)) {
        throw Settings.outOfRange("haul.retry.multiplier", m, "1.0..10.0");
      }
      this.retryMultiplier = m;
      return this;
    }

    public Builder retryMaxDelay(Duration d) {
      this.retryMaxDelay = nonNegative("haul.retry.max-delay", d);
      return this;
    }

    public Builder retryMaxRetryAfter(Duration d) {
      this.retryMaxRetryAfter = nonNegative("haul.retry.max-retry-after", d);
      return this;
    }

    public Builder userAgent(String ua) {
      Headers.checkValue("User-Agent", requireNonNull(ua, "haul.user-agent is null"));
      if (ua.isBlank()) {
        throw Settings.outOfRange("haul.user-agent", "''", "a non-empty header value");
      }
      this.userAgent = ua;
      return this;
    }

    public HaulConfig build() {
      if (retryBaseDelay.compareTo(retryMaxDelay) > 0) {
        throw Settings.outOfRange("haul.retry.max-delay", Durations.format(retryMaxDelay),
            ">= haul.retry.base-delay, " + Durations.format(retryBaseDelay));
      }
      return new HaulConfig(this);
    }

    private static Duration nonNegative(String key, Duration d) {
      requireNonNull(d, () -> key + " is null");
      if (d.isNegative()) {
        throw Settings.outOfRange(key, Durations.format(d), ">= 0");
      }
      return d;
    }
  }
}
