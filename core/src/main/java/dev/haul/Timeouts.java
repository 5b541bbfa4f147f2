package dev.haul;

import dev.haul.config.ConfigKey;
import dev.haul.config.ConfigType;
import dev.haul.config.Validator;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * One duration per {@link Kind} of timeout. The client resolves a full set for every attempt from
 * {@link HaulConfig}, the request's overrides and the time left before the call deadline.
 */
public final class Timeouts {

  /** The timeouts a transport enforces, each raising its own exception type. */
  public enum Kind {
    /** TCP connect. */
    CONNECT("haul.timeout.connect", Duration.ofSeconds(10), "TCP connect"),
    /** TLS handshake after connect. */
    TLS_HANDSHAKE("haul.timeout.tls-handshake", Duration.ofSeconds(10), "TLS handshake"),
    /** Waiting for a pooled connection. */
    POOL_ACQUIRE("haul.timeout.pool-acquire", Duration.ofSeconds(30), "waiting for a pooled connection"),
    /** Writing the request while the socket accepts no bytes. */
    WRITE("haul.timeout.write", Duration.ofSeconds(30), "socket accepts no request bytes"),
    /** From the end of the request to the end of the response headers. */
    RESPONSE_HEADERS("haul.timeout.response-headers", Duration.ofSeconds(30), "request sent, no response headers yet"),
    /** No byte of the response body for this long. */
    READ_IDLE("haul.timeout.read-idle", Duration.ofSeconds(30), "no body byte for this long");

    private final ConfigKey<Duration> configKey;

    Kind(String key, Duration defaultValue, String doc) {
      this.configKey = ConfigKey.of(key, ConfigType.DURATION, defaultValue, Validator.positive(), doc);
    }

    /** The configuration key of this timeout. */
    public String key() {
      return configKey.name();
    }

    /** The descriptor of this timeout's key: default, range and documentation. */
    public ConfigKey<Duration> configKey() {
      return configKey;
    }
  }

  private final Map<Kind, Duration> values;

  private Timeouts(Map<Kind, Duration> values) {
    this.values = values;
  }

  /** A full set; every kind must be present and positive. */
  public static Timeouts of(Map<Kind, Duration> values) {
    EnumMap<Kind, Duration> copy = new EnumMap<>(Kind.class);
    for (Kind k : Kind.values()) {
      Duration d = values.get(k);
      if (d == null) {
        throw new IllegalArgumentException(k.key() + " is missing");
      }
      copy.put(k, positive(k, d));
    }
    return new Timeouts(copy);
  }

  /** The duration of that kind. */
  public Duration get(Kind kind) {
    return values.get(kind);
  }

  /** A copy with one kind replaced. */
  public Timeouts with(Kind kind, Duration duration) {
    EnumMap<Kind, Duration> copy = new EnumMap<>(values);
    copy.put(kind, positive(kind, duration));
    return new Timeouts(copy);
  }

  /** A copy with each kind replaced by the override, when the request has one. */
  public Timeouts withOverrides(Map<Kind, Duration> overrides) {
    EnumMap<Kind, Duration> copy = new EnumMap<>(values);
    overrides.forEach((k, d) -> copy.put(k, positive(k, d)));
    return new Timeouts(copy);
  }

  /** A copy where no timeout exceeds {@code cap} (the time left before the call deadline). */
  public Timeouts cappedAt(Duration cap) {
    EnumMap<Kind, Duration> copy = new EnumMap<>(values);
    Duration floor = cap.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : cap;
    copy.replaceAll((k, d) -> d.compareTo(floor) > 0 ? floor : d);
    return new Timeouts(copy);
  }

  static Duration positive(Kind kind, Duration d) {
    return kind.configKey().check(java.util.Objects.requireNonNull(d, () -> kind.key() + " is null"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Timeouts t && values.equals(t.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "Timeouts" + values;
  }
}
