package dev.haul;

import static java.util.Objects.requireNonNull;

import dev.haul.internal.Durations;
import dev.haul.internal.Settings;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
 *   <tr><td>haul.retry.budget-ratio</td><td>0.2</td><td>0.0..10.0</td></tr>
 *   <tr><td>haul.retry.budget-min-per-second</td><td>1.0</td><td>0.0..10000.0</td></tr>
 *   <tr><td>haul.redirect.max-hops</td><td>20</td><td>0..100 (0: do not follow)</td></tr>
 *   <tr><td>haul.redirect.allow-https-to-http</td><td>false</td><td>boolean</td></tr>
 *   <tr><td>haul.redirect.trusted-origins</td><td>(none)</td><td>origins that keep credentials</td></tr>
 *   <tr><td>haul.auth.bearer-token</td><td>(none)</td><td>secret</td></tr>
 *   <tr><td>haul.auth.bearer-origins</td><td>(none)</td><td>origins the token goes to</td></tr>
 *   <tr><td>haul.circuit.enabled</td><td>false</td><td>boolean</td></tr>
 *   <tr><td>haul.circuit.failure-rate</td><td>0.5</td><td>0.01..1.0</td></tr>
 *   <tr><td>haul.circuit.minimum-calls</td><td>20</td><td>1..100000</td></tr>
 *   <tr><td>haul.circuit.window</td><td>10s</td><td>&gt; 0</td></tr>
 *   <tr><td>haul.circuit.consecutive-failures</td><td>5</td><td>0..100000 (0: off)</td></tr>
 *   <tr><td>haul.circuit.open-duration</td><td>30s</td><td>&gt; 0</td></tr>
 *   <tr><td>haul.user-agent</td><td>haul/0.1.0</td><td>a header value; empty: send none</td></tr>
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
  private final double retryBudgetRatio;
  private final double retryBudgetMinPerSecond;
  private final int redirectMaxHops;
  private final boolean redirectAllowHttpsToHttp;
  private final Set<Origin> redirectTrustedOrigins;
  private final String bearerToken;
  private final Set<Origin> bearerOrigins;
  private final boolean circuitEnabled;
  private final double circuitFailureRate;
  private final int circuitMinimumCalls;
  private final Duration circuitWindow;
  private final int circuitConsecutiveFailures;
  private final Duration circuitOpenDuration;
  private final String userAgent;

  private HaulConfig(Builder b) {
    this.timeouts = Timeouts.of(b.timeouts);
    this.callTimeout = b.callTimeout;
    this.retryMaxRetries = b.retryMaxRetries;
    this.retryBaseDelay = b.retryBaseDelay;
    this.retryMultiplier = b.retryMultiplier;
    this.retryMaxDelay = b.retryMaxDelay;
    this.retryMaxRetryAfter = b.retryMaxRetryAfter;
    this.retryBudgetRatio = b.retryBudgetRatio;
    this.retryBudgetMinPerSecond = b.retryBudgetMinPerSecond;
    this.redirectMaxHops = b.redirectMaxHops;
    this.redirectAllowHttpsToHttp = b.redirectAllowHttpsToHttp;
    this.redirectTrustedOrigins = Set.copyOf(b.redirectTrustedOrigins);
    this.bearerToken = b.bearerToken;
    this.bearerOrigins = Set.copyOf(b.bearerOrigins);
    this.circuitEnabled = b.circuitEnabled;
    this.circuitFailureRate = b.circuitFailureRate;
    this.circuitMinimumCalls = b.circuitMinimumCalls;
    this.circuitWindow = b.circuitWindow;
    this.circuitConsecutiveFailures = b.circuitConsecutiveFailures;
    this.circuitOpenDuration = b.circuitOpenDuration;
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

  public double retryBudgetRatio() {
    return retryBudgetRatio;
  }

  public double retryBudgetMinPerSecond() {
    return retryBudgetMinPerSecond;
  }

  /** Redirects followed at most; 0 turns following off. */
  public int redirectMaxHops() {
    return redirectMaxHops;
  }

  public boolean redirectAllowHttpsToHttp() {
    return redirectAllowHttpsToHttp;
  }

  /** Origins that keep credentials and sensitive headers when a redirect leads to them. */
  public Set<Origin> redirectTrustedOrigins() {
    return redirectTrustedOrigins;
  }

  /** The Bearer credential of {@code haul.auth.bearer-token} and {@code haul.auth.bearer-origins}. */
  public Optional<BearerAuth> bearerAuth() {
    if (bearerToken == null) {
      return Optional.empty();
    }
    return Optional.of(BearerAuth.of(() -> bearerToken, bearerOrigins));
  }

  public boolean circuitEnabled() {
    return circuitEnabled;
  }

  public double circuitFailureRate() {
    return circuitFailureRate;
  }

  public int circuitMinimumCalls() {
    return circuitMinimumCalls;
  }

  public Duration circuitWindow() {
    return circuitWindow;
  }

  public int circuitConsecutiveFailures() {
    return circuitConsecutiveFailures;
  }

  public Duration circuitOpenDuration() {
    return circuitOpenDuration;
  }

  /** The User-Agent added to requests that have none; empty when none is to be sent. */
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
    m.put("haul.retry.budget-ratio", Double.toString(retryBudgetRatio));
    m.put("haul.retry.budget-min-per-second", Double.toString(retryBudgetMinPerSecond));
    m.put("haul.redirect.max-hops", Integer.toString(redirectMaxHops));
    m.put("haul.redirect.allow-https-to-http", Boolean.toString(redirectAllowHttpsToHttp));
    m.put("haul.redirect.trusted-origins", origins(redirectTrustedOrigins));
    m.put("haul.auth.bearer-token", bearerToken == null ? "" : bearerToken);
    m.put("haul.auth.bearer-origins", origins(bearerOrigins));
    m.put("haul.circuit.enabled", Boolean.toString(circuitEnabled));
    m.put("haul.circuit.failure-rate", Double.toString(circuitFailureRate));
    m.put("haul.circuit.minimum-calls", Integer.toString(circuitMinimumCalls));
    m.put("haul.circuit.window", Durations.format(circuitWindow));
    m.put("haul.circuit.consecutive-failures", Integer.toString(circuitConsecutiveFailures));
    m.put("haul.circuit.open-duration", Durations.format(circuitOpenDuration));
    m.put("haul.user-agent", userAgent);
    m.replaceAll((k, v) -> Redaction.isSecretKey(k) && !v.isEmpty() ? Redaction.REDACTED : v);
    return m;
  }

  private static String origins(Set<Origin> origins) {
    return origins.stream().map(Origin::toString).sorted().collect(java.util.stream.Collectors.joining(","));
  }

  private static Set<Origin> parseOrigins(String key, String list) {
    Set<Origin> out = new java.util.LinkedHashSet<>();
    for (String part : list.split(",")) {
      if (!part.isBlank()) {
        try {
          out.add(Origin.parse(part.trim()));
        } catch (IllegalArgumentException e) {
          throw Settings.outOfRange(key, "'" + part.trim() + "'", "origins such as https://api.example.com");
        }
      }
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HaulConfig c && dump().equals(c.dump())
        && java.util.Objects.equals(bearerToken, c.bearerToken);
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
    private double retryBudgetRatio = 0.2;
    private double retryBudgetMinPerSecond = 1.0;
    private int redirectMaxHops = 20;
    private boolean redirectAllowHttpsToHttp;
    private Set<Origin> redirectTrustedOrigins = Set.of();
    private String bearerToken;
    private Set<Origin> bearerOrigins = Set.of();
    private boolean circuitEnabled;
    private double circuitFailureRate = 0.5;
    private int circuitMinimumCalls = 20;
    private Duration circuitWindow = Duration.ofSeconds(10);
    private int circuitConsecutiveFailures = 5;
    private Duration circuitOpenDuration = Duration.ofSeconds(30);
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
      retryBudgetRatio = c.retryBudgetRatio;
      retryBudgetMinPerSecond = c.retryBudgetMinPerSecond;
      redirectMaxHops = c.redirectMaxHops;
      redirectAllowHttpsToHttp = c.redirectAllowHttpsToHttp;
      redirectTrustedOrigins = c.redirectTrustedOrigins;
      bearerToken = c.bearerToken;
      bearerOrigins = c.bearerOrigins;
      circuitEnabled = c.circuitEnabled;
      circuitFailureRate = c.circuitFailureRate;
      circuitMinimumCalls = c.circuitMinimumCalls;
      circuitWindow = c.circuitWindow;
      circuitConsecutiveFailures = c.circuitConsecutiveFailures;
      circuitOpenDuration = c.circuitOpenDuration;
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
      s.decimal("haul.retry.budget-ratio", v -> retryBudget(v, retryBudgetMinPerSecond));
      s.decimal("haul.retry.budget-min-per-second", v -> retryBudget(retryBudgetRatio, v));
      s.integer("haul.redirect.max-hops", this::redirectMaxHops);
      s.bool("haul.redirect.allow-https-to-http", this::redirectAllowHttpsToHttp);
      s.string("haul.redirect.trusted-origins",
          v -> redirectTrustedOrigins(parseOrigins("haul.redirect.trusted-origins", v)));
      s.string("haul.auth.bearer-origins", v -> bearerOrigins = parseOrigins("haul.auth.bearer-origins", v));
      s.string("haul.auth.bearer-token", v -> bearerToken = v.isBlank() ? null : checkToken(v.trim()));
      s.bool("haul.circuit.enabled", v -> circuitEnabled = v);
      s.decimal("haul.circuit.failure-rate", v -> circuit(v, circuitMinimumCalls, circuitWindow,
          circuitConsecutiveFailures, circuitOpenDuration));
      s.integer("haul.circuit.minimum-calls", v -> circuit(circuitFailureRate, v, circuitWindow,
          circuitConsecutiveFailures, circuitOpenDuration));
      s.duration("haul.circuit.window", v -> circuit(circuitFailureRate, circuitMinimumCalls, v,
          circuitConsecutiveFailures, circuitOpenDuration));
      s.integer("haul.circuit.consecutive-failures", v -> circuit(circuitFailureRate, circuitMinimumCalls,
          circuitWindow, v, circuitOpenDuration));
      s.duration("haul.circuit.open-duration", v -> circuit(circuitFailureRate, circuitMinimumCalls,
          circuitWindow, circuitConsecutiveFailures, v));
      s.string("haul.user-agent", this::userAgent);
      return this;
    }

    /** Retries at most {@code ratio} of recent requests plus {@code minPerSecond} per second, per origin. */
    public Builder retryBudget(double ratio, double minPerSecond) {
      this.retryBudgetRatio = Settings.range("haul.retry.budget-ratio", ratio, 0.0, 10.0);
      this.retryBudgetMinPerSecond = Settings.range("haul.retry.budget-min-per-second", minPerSecond, 0.0, 10_000.0);
      return this;
    }

    /** Redirects followed at most; 0 returns redirect responses as they are. */
    public Builder redirectMaxHops(int n) {
      this.redirectMaxHops = Settings.range("haul.redirect.max-hops", n, 0, 100);
      return this;
    }

    public Builder redirectAllowHttpsToHttp(boolean allow) {
      this.redirectAllowHttpsToHttp = allow;
      return this;
    }

    /** Origins that keep credentials when a redirect leads to them. */
    public Builder redirectTrustedOrigins(Set<Origin> origins) {
      this.redirectTrustedOrigins = Set.copyOf(origins);
      return this;
    }

    /** A Bearer token sent only to {@code origins}. */
    public Builder bearer(String token, Set<Origin> origins) {
      this.bearerToken = checkToken(requireNonNull(token, "haul.auth.bearer-token is null"));
      this.bearerOrigins = Set.copyOf(origins);
      return this;
    }

    /** Turns the per-origin circuit breaker on or off. */
    public Builder circuitEnabled(boolean on) {
      this.circuitEnabled = on;
      return this;
    }

    /** The circuit breaker's thresholds. */
    public Builder circuit(double failureRate, int minimumCalls, Duration window, int consecutiveFailures,
        Duration openDuration) {
      this.circuitFailureRate = Settings.range("haul.circuit.failure-rate", failureRate, 0.01, 1.0);
      this.circuitMinimumCalls = Settings.range("haul.circuit.minimum-calls", minimumCalls, 1, 100_000);
      Settings.range("haul.circuit.consecutive-failures", consecutiveFailures, 0, 100_000);
      this.circuitWindow = Settings.positive("haul.circuit.window", window);
      this.circuitConsecutiveFailures = consecutiveFailures;
      this.circuitOpenDuration = Settings.positive("haul.circuit.open-duration", openDuration);
      return this;
    }

    private static String checkToken(String token) {
      try {
        Headers.checkValue("Authorization", token);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("haul.auth.bearer-token: " + Redaction.REDACTED
            + " (expected: no control characters)");
      }
      return token;
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
      this.callTimeout = Settings.nonNegative("haul.timeout.call", d);
      return this;
    }

    public Builder retryMaxRetries(int n) {
      this.retryMaxRetries = Settings.range("haul.retry.max-retries", n, 0, 100);
      return this;
    }

    public Builder retryBaseDelay(Duration d) {
      this.retryBaseDelay = Settings.nonNegative("haul.retry.base-delay", d);
      return this;
    }

    public Builder retryMultiplier(double m) {
      this.retryMultiplier = Settings.range("haul.retry.multiplier", m, 1.0, 10.0);
      return this;
    }

    public Builder retryMaxDelay(Duration d) {
      this.retryMaxDelay = Settings.nonNegative("haul.retry.max-delay", d);
      return this;
    }

    public Builder retryMaxRetryAfter(Duration d) {
      this.retryMaxRetryAfter = Settings.nonNegative("haul.retry.max-retry-after", d);
      return this;
    }

    /** The User-Agent for requests that have none; an empty (or blank) value sends none. */
    public Builder userAgent(String ua) {
      Headers.checkValue("User-Agent", requireNonNull(ua, "haul.user-agent is null"));
      this.userAgent = ua.isBlank() ? "" : ua;
      return this;
    }

    public HaulConfig build() {
      if (bearerToken != null && bearerOrigins.isEmpty()) {
        throw Settings.outOfRange("haul.auth.bearer-origins", "''",
            "the origins the bearer token is for, such as https://api.example.com");
      }
      if (retryBaseDelay.compareTo(retryMaxDelay) > 0) {
        throw Settings.outOfRange("haul.retry.max-delay", Durations.format(retryMaxDelay),
            ">= haul.retry.base-delay, " + Durations.format(retryBaseDelay));
      }
      return new HaulConfig(this);
    }
  }
}
