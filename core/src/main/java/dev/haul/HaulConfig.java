package dev.haul;

import static java.util.Objects.requireNonNull;

import dev.haul.config.AbstractConfig;
import dev.haul.config.ConfigKey;
import dev.haul.config.ConfigSource;
import dev.haul.config.ConfigType;
import dev.haul.config.ConfigValues;
import dev.haul.config.Validator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The core client's configuration: timeouts, call deadline, retry, redirect, authentication and
 * circuit breaker settings, and the User-Agent. Immutable; built with {@link #builder()}, read from
 * {@link ConfigSource}s with {@link #from(ConfigSource)}, and printed with {@link #dump()}.
 *
 * <p>Every key, its default, its range and its documentation line is a {@link ConfigKey} in
 * {@link #KEYS} (the timeouts' keys are on {@link Timeouts.Kind}, the retry and circuit keys on
 * {@link RetrySettings} and {@link CircuitBreakerSettings}); the README's configuration table is
 * checked against them by a test.
 */
public final class HaulConfig extends AbstractConfig {

  /** The User-Agent sent when the request has none. */
  public static final String DEFAULT_USER_AGENT = "haul/0.1.0";

  private static final ConfigType<Set<Origin>> ORIGINS = ConfigType.of("origins such as https://api.example.com",
      HaulConfig::parseOrigins, HaulConfig::formatOrigins);

  /** The deadline of a whole call; zero means none. */
  public static final ConfigKey<Duration> CALL_TIMEOUT = ConfigKey.of("haul.timeout.call", ConfigType.DURATION,
      Duration.ZERO, Validator.nonNegative(), "whole call, across redirects and retries; 0s: none");
  /** Redirects followed at most; 0 turns following off. */
  public static final ConfigKey<Integer> REDIRECT_MAX_HOPS = ConfigKey.of("haul.redirect.max-hops",
      ConfigType.INTEGER, 20, Validator.between(0, 100), "redirects followed; 0 returns 3xx responses as they are");
  /** Whether a redirect from https to http is followed. */
  public static final ConfigKey<Boolean> REDIRECT_ALLOW_HTTPS_TO_HTTP = ConfigKey.of(
      "haul.redirect.allow-https-to-http", ConfigType.BOOLEAN, false, "follow a downgrade from https to http");
  /** Origins that keep credentials across a redirect. */
  public static final ConfigKey<Set<Origin>> REDIRECT_TRUSTED_ORIGINS = ConfigKey.of(
      "haul.redirect.trusted-origins", ORIGINS, Set.of(),
      "origins that keep `Authorization`, `Cookie` and sensitive headers across a redirect");
  /** The Bearer key; a secret. */
  public static final ConfigKey<String> BEARER_TOKEN = ConfigKey.of("haul.auth.bearer-token",
      ConfigType.of("a token", s -> s.isBlank() ? null : s.trim(), s -> s), null,
      Validator.of("no control characters", HaulConfig::isHeaderValue),
      "a Bearer key (secret: redacted in `dump()`, logs and errors)…").secret();
  /** The origins the Bearer key goes to. */
  public static final ConfigKey<Set<Origin>> BEARER_ORIGINS = ConfigKey.of("haul.auth.bearer-origins", ORIGINS,
      Set.of(), "…sent only to these origins, e.g. `https://civitai.com`");
  /** The User-Agent added to requests that have none. */
  public static final ConfigKey<String> USER_AGENT = ConfigKey.of("haul.user-agent", ConfigType.STRING,
      DEFAULT_USER_AGENT, Validator.of("a User-Agent header value; empty: send none", HaulConfig::isHeaderValue),
      "sent when the request has none; empty: no `User-Agent`");

  /** Every core key, in documentation order. */
  public static final List<ConfigKey<?>> KEYS = keys();

  private static final HaulConfig DEFAULTS = builder().build();

  private final Timeouts timeouts;
  private final RetrySettings retry;
  private final CircuitBreakerSettings circuit;

  private final Optional<Duration> callTimeout;

  private HaulConfig(ConfigValues values) {
    super(values);
    EnumMap<Timeouts.Kind, Duration> t = new EnumMap<>(Timeouts.Kind.class);
    for (Timeouts.Kind k : Timeouts.Kind.values()) {
      t.put(k, get(k.configKey()));
    }
    this.timeouts = Timeouts.of(t);
    this.retry = RetrySettings.builder().setAll(this).build();
    this.circuit = CircuitBreakerSettings.builder().setAll(this).build();
    Duration call = get(CALL_TIMEOUT);
    this.callTimeout = call.isZero() ? Optional.empty() : Optional.of(call); // read on every call
  }

  private static List<ConfigKey<?>> keys() {
    List<ConfigKey<?>> keys = new ArrayList<>();
    for (Timeouts.Kind k : Timeouts.Kind.values()) {
      keys.add(k.configKey());
    }
    keys.add(CALL_TIMEOUT);
    keys.addAll(RetrySettings.KEYS);
    keys.addAll(List.of(REDIRECT_MAX_HOPS, REDIRECT_ALLOW_HTTPS_TO_HTTP, REDIRECT_TRUSTED_ORIGINS, BEARER_TOKEN,
        BEARER_ORIGINS));
    keys.addAll(CircuitBreakerSettings.KEYS);
    keys.add(USER_AGENT);
    return List.copyOf(keys);
  }

  /** Every key at its default. */
  public static HaulConfig defaults() {
    return DEFAULTS;
  }

  /** A builder at the defaults. */
  public static Builder builder() {
    return new Builder(null);
  }

  /** Defaults overridden by every {@code haul.*} core key that {@code source} sets. */
  public static HaulConfig from(ConfigSource source) {
    return builder().read(source).build();
  }

  /** A builder that starts from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Every timeout kind. */
  public Timeouts timeouts() {
    return timeouts;
  }

  /** The deadline for a whole call, if one is configured ({@code haul.timeout.call} > 0). */
  public Optional<Duration> callTimeout() {
    return callTimeout;
  }

  /** The retry settings ({@code haul.retry.*}) of the default retry policy. */
  public RetrySettings retry() {
    return retry;
  }

  /** Redirects followed at most; 0 turns following off. */
  public int redirectMaxHops() {
    return get(REDIRECT_MAX_HOPS);
  }

  /** Whether a redirect from https to http is followed. */
  public boolean redirectAllowHttpsToHttp() {
    return get(REDIRECT_ALLOW_HTTPS_TO_HTTP);
  }

  /** Origins that keep credentials and sensitive headers when a redirect leads to them. */
  public Set<Origin> redirectTrustedOrigins() {
    return get(REDIRECT_TRUSTED_ORIGINS);
  }

  /** The Bearer credential of {@code haul.auth.bearer-token} and {@code haul.auth.bearer-origins}. */
  public Optional<BearerAuth> bearerAuth() {
    String token = get(BEARER_TOKEN);
    return token == null ? Optional.empty() : Optional.of(BearerAuth.of(() -> token, get(BEARER_ORIGINS)));
  }

  /** The circuit breaker settings ({@code haul.circuit.*}). */
  public CircuitBreakerSettings circuit() {
    return circuit;
  }

  /** The User-Agent added to requests that have none; empty when none is to be sent. */
  public String userAgent() {
    String ua = get(USER_AGENT);
    return ua.isBlank() ? "" : ua;
  }

  private static Set<Origin> parseOrigins(String list) {
    Set<Origin> out = new LinkedHashSet<>();
    for (String part : list.split(",")) {
      if (!part.isBlank()) {
        out.add(Origin.parse(part.trim()));
      }
    }
    return Set.copyOf(out);
  }

  private static String formatOrigins(Set<Origin> origins) {
    return origins.stream().map(Origin::toString).sorted().collect(Collectors.joining(","));
  }

  private static boolean isHeaderValue(String value) {
    try {
      Headers.checkValue("value", value);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Builds a {@link HaulConfig}; each setter validates its value at once. */
  public static final class Builder extends AbstractConfig.Builder<Builder> {

    private Builder(HaulConfig from) {
      super(KEYS, from);
    }

    /** One kind of timeout; it must be above zero. */
    public Builder timeout(Timeouts.Kind kind, Duration d) {
      return set(kind.configKey(), d);
    }

    /** The TCP connect timeout. */
    public Builder connectTimeout(Duration d) {
      return timeout(Timeouts.Kind.CONNECT, d);
    }

    /** The longest wait for a body byte. */
    public Builder readIdleTimeout(Duration d) {
      return timeout(Timeouts.Kind.READ_IDLE, d);
    }

    /** The longest wait for the response headers once the request is sent. */
    public Builder responseHeadersTimeout(Duration d) {
      return timeout(Timeouts.Kind.RESPONSE_HEADERS, d);
    }

    /** The deadline of a whole call; zero means none. */
    public Builder callTimeout(Duration d) {
      return set(CALL_TIMEOUT, d);
    }

    /** The retry settings of the default retry policy. */
    public Builder retry(RetrySettings retry) {
      return setAll(retry);
    }

    /** Redirects followed at most; 0 returns redirect responses as they are. */
    public Builder redirectMaxHops(int n) {
      return set(REDIRECT_MAX_HOPS, n);
    }

    /** Whether a redirect from https to http is followed. */
    public Builder redirectAllowHttpsToHttp(boolean allow) {
      return set(REDIRECT_ALLOW_HTTPS_TO_HTTP, allow);
    }

    /** Origins that keep credentials when a redirect leads to them. */
    public Builder redirectTrustedOrigins(Set<Origin> origins) {
      return set(REDIRECT_TRUSTED_ORIGINS, Set.copyOf(origins));
    }

    /** A Bearer token sent only to {@code origins}. */
    public Builder bearer(String token, Set<Origin> origins) {
      return set(BEARER_TOKEN, requireNonNull(token, "haul.auth.bearer-token is null"))
          .set(BEARER_ORIGINS, Set.copyOf(origins));
    }

    /** The circuit breaker settings, the breaker on or off among them. */
    public Builder circuit(CircuitBreakerSettings circuit) {
      return setAll(circuit);
    }

    /** The User-Agent for requests that have none; an empty (or blank) value sends none. */
    public Builder userAgent(String ua) {
      return set(USER_AGENT, ua);
    }

    /** The configuration; fails on settings that contradict each other. */
    public HaulConfig build() {
      if (get(BEARER_TOKEN) != null && get(BEARER_ORIGINS).isEmpty()) {
        throw BEARER_ORIGINS.invalid(Set.of(), "the origins the bearer token is for, such as https://api.example.com");
      }
      return new HaulConfig(values());
    }
  }
}
