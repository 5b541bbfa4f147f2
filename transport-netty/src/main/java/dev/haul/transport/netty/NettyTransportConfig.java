package dev.haul.transport.netty;

import static java.util.Objects.requireNonNull;

import dev.haul.config.AbstractConfig;
import dev.haul.config.ConfigKey;
import dev.haul.config.ConfigSource;
import dev.haul.config.ConfigType;
import dev.haul.config.Validator;
import dev.haul.spi.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of the Netty transport and its connection pool. Immutable; every key, its default,
 * its range and its documentation line is a {@link ConfigKey} in {@link #KEYS} (the README's table
 * is checked against them by a test). Timeouts live in {@code HaulConfig} ({@code haul.timeout.*}).
 */
public final class NettyTransportConfig extends AbstractConfig {

  /** Which Netty I/O implementation to use. */
  public enum Io {
    /** Native epoll when it is available, NIO otherwise. */
    AUTO,
    /** Native epoll; fails at start-up when it is not available. */
    EPOLL,
    /** Java NIO. */
    NIO
  }

  /** Which idle connection the pool hands out first. */
  public enum Order {
    /** The most recently used: keeps few connections warm, lets the rest expire. */
    LIFO,
    /** The least recently used: spreads load over all connections. */
    FIFO
  }

  /** Connections per origin. */
  public static final ConfigKey<Integer> MAX_PER_HOST = ConfigKey.of("haul.pool.max-per-host", ConfigType.INTEGER,
      64, Validator.between(1, 10_000), "connections per origin (scheme, host, port)");
  /** Connections across origins. */
  public static final ConfigKey<Integer> MAX_TOTAL = ConfigKey.of("haul.pool.max-total", ConfigType.INTEGER, 256,
      Validator.between(1, 100_000),
      "connections across origins (idle ones of other origins are closed to make room)");
  /** Acquires that may wait per origin. */
  public static final ConfigKey<Integer> MAX_PENDING_PER_HOST = ConfigKey.of("haul.pool.max-pending-per-host",
      ConfigType.INTEGER, 1024, Validator.between(0, 1_000_000),
      "acquires that may wait per origin; beyond: `PoolExhaustedException`");
  /** Whether an acquire waits when the pool is full. */
  public static final ConfigKey<Boolean> BLOCK = ConfigKey.of("haul.pool.block", ConfigType.BOOLEAN, true,
      "wait up to `haul.timeout.pool-acquire` when full; false fails fast");
  /** Which idle connection goes first. */
  public static final ConfigKey<Order> ORDER = ConfigKey.of("haul.pool.order", ConfigType.enumOf(Order.class),
      Order.LIFO, "`lifo` (keep few connections warm) or `fifo` (spread load)");
  /** How long a connection may sit idle. */
  public static final ConfigKey<Duration> IDLE_TIMEOUT = ConfigKey.of("haul.pool.idle-timeout",
      ConfigType.DURATION, Duration.ofSeconds(30), Validator.positive(),
      "idle connections closed after this (or 1 s below a server's `Keep-Alive: timeout`)");
  /** The longest life of a connection; zero: unlimited. */
  public static final ConfigKey<Duration> MAX_LIFETIME = ConfigKey.of("haul.pool.max-lifetime",
      ConfigType.DURATION, Duration.ofMinutes(10), Validator.nonNegative(),
      "connections retired after this ±10 %; 0s = unlimited");
  /** How often idle and expired connections are closed. */
  public static final ConfigKey<Duration> EVICTION_INTERVAL = ConfigKey.of("haul.pool.eviction-interval",
      ConfigType.DURATION, Duration.ofSeconds(5), Validator.positive(),
      "how often the background task closes idle/expired connections");
  /** The I/O implementation. */
  public static final ConfigKey<Io> IO = ConfigKey.of("haul.transport.io", ConfigType.enumOf(Io.class), Io.AUTO,
      "`auto` (epoll when available), `epoll`, `nio`");
  /** Event loop threads; 0: one per processor. */
  public static final ConfigKey<Integer> IO_THREADS = ConfigKey.of("haul.transport.io-threads", ConfigType.INTEGER,
      0, Validator.between(0, 256), "event loop threads; 0 = one per processor");
  /** The longest status line. */
  public static final ConfigKey<Long> MAX_STATUS_LINE_LENGTH = ConfigKey.of(
      "haul.transport.max-status-line-length", ConfigType.DATA_SIZE, 4096L, Validator.sizeBetween(64, 1 << 20),
      "longer status lines are protocol errors");
  /** The largest header block. */
  public static final ConfigKey<Long> MAX_HEADER_SIZE = ConfigKey.of("haul.transport.max-header-size",
      ConfigType.DATA_SIZE, 64L << 10, Validator.sizeBetween(1024, 16 << 20),
      "larger header blocks are protocol errors");
  /** The most header fields. */
  public static final ConfigKey<Integer> MAX_HEADER_COUNT = ConfigKey.of("haul.transport.max-header-count",
      ConfigType.INTEGER, 256, Validator.between(1, 100_000), "more header fields are protocol errors");
  /** The cap on a body Haul decodes itself. */
  public static final ConfigKey<Long> MAX_DECODED_BYTES = ConfigKey.of("haul.transport.max-decoded-bytes",
      ConfigType.DATA_SIZE, 1L << 30, Validator.atLeast(1),
      "cap on a body Haul decodes itself (gzip/deflate it asked for); plain, ranged and caller-negotiated "
          + "bodies have no cap");
  /** The cap on decoded / received bytes. */
  public static final ConfigKey<Integer> MAX_COMPRESSION_RATIO = ConfigKey.of(
      "haul.transport.max-compression-ratio", ConfigType.INTEGER, 100, Validator.between(1, 100_000),
      "decoded/received cap (after the first MiB)");
  /** Whether Haul asks for gzip/deflate and decodes it. */
  public static final ConfigKey<Boolean> DECOMPRESS = ConfigKey.of("haul.transport.decompress", ConfigType.BOOLEAN,
      true, "ask for gzip/deflate and decode it transparently; false: no `Accept-Encoding` of Haul's, bodies "
          + "pass untouched");
  /** Whether leaked bodies are reported. */
  public static final ConfigKey<Boolean> LEAK_DETECTION = ConfigKey.of("haul.transport.leak-detection",
      ConfigType.BOOLEAN, true, "report bodies neither consumed nor closed");
  /** A PEM file of extra trusted certificates. */
  public static final ConfigKey<Path> TRUST_PEM = ConfigKey.of("haul.tls.trust-pem",
      ConfigType.of("a PEM file", s -> s.isBlank() ? null : Path.of(s.trim()), Path::toString), null,
      "extra trusted certificates, PEM");

  /** Every transport key, in documentation order. */
  public static final List<ConfigKey<?>> KEYS = List.of(MAX_PER_HOST, MAX_TOTAL, MAX_PENDING_PER_HOST, BLOCK, ORDER,
      IDLE_TIMEOUT, MAX_LIFETIME, EVICTION_INTERVAL, IO, IO_THREADS, MAX_STATUS_LINE_LENGTH, MAX_HEADER_SIZE,
      MAX_HEADER_COUNT, MAX_DECODED_BYTES, MAX_COMPRESSION_RATIO, DECOMPRESS, LEAK_DETECTION, TRUST_PEM);

  private static final NettyTransportConfig DEFAULTS = builder().build();

  private final List<X509Certificate> trustedCertificates;
  private final HostResolver resolver;
  private final Ticker ticker;

  private NettyTransportConfig(dev.haul.config.ConfigValues values, Builder b) {
    super(values);
    this.trustedCertificates = List.copyOf(b.trustedCertificates);
    this.resolver = b.resolver;
    this.ticker = b.ticker;
  }

  /**
   * Whether Haul asks for gzip/deflate itself ({@code Accept-Encoding}) and decodes the answer
   * transparently. Off, requests carry no Accept-Encoding of Haul's and bodies pass untouched,
   * as a proxy or a cache needs them.
   */
  public boolean decompress() {
    return get(DECOMPRESS);
  }

  /** The time source of the pool's idle, lifetime and keep-alive limits. */
  public Ticker ticker() {
    return ticker;
  }

  /** How host names become addresses. */
  public HostResolver resolver() {
    return resolver;
  }

  /** Every key at its default. */
  public static NettyTransportConfig defaults() {
    return DEFAULTS;
  }

  /** A builder at the defaults. */
  public static Builder builder() {
    return new Builder(null);
  }

  /** Defaults overridden by every transport key that {@code source} sets. */
  public static NettyTransportConfig from(ConfigSource source) {
    return builder().read(source).build();
  }

  /** A builder that starts from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Connections per origin. */
  public int maxPerHost() {
    return get(MAX_PER_HOST);
  }

  /** Connections across origins. */
  public int maxTotal() {
    return get(MAX_TOTAL);
  }

  /** Acquires that may wait per origin. */
  public int maxPendingPerHost() {
    return get(MAX_PENDING_PER_HOST);
  }

  /** Whether an acquire waits (up to the pool-acquire timeout) when the pool is full. */
  public boolean block() {
    return get(BLOCK);
  }

  /** Which idle connection the pool hands out first. */
  public Order order() {
    return get(ORDER);
  }

  /** How long a connection may sit idle in the pool. */
  public Duration idleTimeout() {
    return get(IDLE_TIMEOUT);
  }

  /** Maximum connection lifetime (each connection gets it ±10 %); zero means unlimited. */
  public Duration maxLifetime() {
    return get(MAX_LIFETIME);
  }

  /** How often idle and expired connections are closed. */
  public Duration evictionInterval() {
    return get(EVICTION_INTERVAL);
  }

  /** The I/O implementation. */
  public Io io() {
    return get(IO);
  }

  /** I/O threads; 0 means one per available processor. */
  public int ioThreads() {
    return get(IO_THREADS);
  }

  /** The longest status line, in bytes. */
  public int maxStatusLineLength() {
    return Math.toIntExact(get(MAX_STATUS_LINE_LENGTH));
  }

  /** The largest header block, in bytes. */
  public int maxHeaderSize() {
    return Math.toIntExact(get(MAX_HEADER_SIZE));
  }

  /** The most header fields in a response. */
  public int maxHeaderCount() {
    return get(MAX_HEADER_COUNT);
  }

  /** The cap on a body Haul decodes itself, in bytes. */
  public long maxDecodedBytes() {
    return get(MAX_DECODED_BYTES);
  }

  /** The cap on decoded / received bytes. */
  public int maxCompressionRatio() {
    return get(MAX_COMPRESSION_RATIO);
  }

  /** Whether bodies neither consumed nor closed are reported. */
  public boolean leakDetection() {
    return get(LEAK_DETECTION);
  }

  /** Extra trusted certificates (from the builder and {@code haul.tls.trust-pem}). */
  public List<X509Certificate> trustedCertificates() {
    List<X509Certificate> all = new ArrayList<>(trustedCertificates);
    Path pem = get(TRUST_PEM);
    if (pem != null) {
      all.addAll(readPem(pem));
    }
    return all;
  }

  /** Equal values and the same extra trusted certificates. */
  @Override
  public boolean equals(Object o) {
    return super.equals(o) && trustedCertificates.equals(((NettyTransportConfig) o).trustedCertificates);
  }

  @Override
  public int hashCode() {
    return super.hashCode();
  }

  private static List<X509Certificate> readPem(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      List<X509Certificate> out = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("haul.tls.trust-pem: cannot read " + pem, e);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("haul.tls.trust-pem: " + pem + " (expected: PEM certificates)", e);
    }
  }

  /** Builds a {@link NettyTransportConfig}; setters validate at once. */
  public static final class Builder extends AbstractConfig.Builder<Builder> {
    private final List<X509Certificate> trustedCertificates = new ArrayList<>();
    private HostResolver resolver = HostResolver.SYSTEM;
    private Ticker ticker = Ticker.systemTicker();

    private Builder(NettyTransportConfig c) {
      super(KEYS, c);
      if (c != null) {
        trustedCertificates.addAll(c.trustedCertificates);
        resolver = c.resolver;
        ticker = c.ticker;
      }
    }

    /** Connections per origin, 1 to 10000. */
    public Builder maxPerHost(int n) {
      return set(MAX_PER_HOST, n);
    }

    /** Connections across origins, 1 to 100000. */
    public Builder maxTotal(int n) {
      return set(MAX_TOTAL, n);
    }

    /** Acquires that may wait per origin, 0 to 1000000. */
    public Builder maxPendingPerHost(int n) {
      return set(MAX_PENDING_PER_HOST, n);
    }

    /** Whether an acquire waits when the pool is full. */
    public Builder block(boolean block) {
      return set(BLOCK, block);
    }

    /** Which idle connection goes first. */
    public Builder order(Order order) {
      return set(ORDER, order);
    }

    /** How long a connection may sit idle; above zero. */
    public Builder idleTimeout(Duration d) {
      return set(IDLE_TIMEOUT, d);
    }

    /** The longest life of a connection; zero means unlimited. */
    public Builder maxLifetime(Duration d) {
      return set(MAX_LIFETIME, d);
    }

    /** How often idle and expired connections are closed; above zero. */
    public Builder evictionInterval(Duration d) {
      return set(EVICTION_INTERVAL, d);
    }

    /** The I/O implementation. */
    public Builder io(Io io) {
      return set(IO, io);
    }

    /** Event loop threads, 0 (one per processor) to 256. */
    public Builder ioThreads(int n) {
      return set(IO_THREADS, n);
    }

    /** The longest status line, 64 bytes to 1 MiB. */
    public Builder maxStatusLineLength(int n) {
      return set(MAX_STATUS_LINE_LENGTH, (long) n);
    }

    /** The largest header block, 1 KiB to 16 MiB. */
    public Builder maxHeaderSize(int n) {
      return set(MAX_HEADER_SIZE, (long) n);
    }

    /** The most header fields, 1 to 100000. */
    public Builder maxHeaderCount(int n) {
      return set(MAX_HEADER_COUNT, n);
    }

    /** The cap on a body Haul decodes itself; at least 1. */
    public Builder maxDecodedBytes(long n) {
      return set(MAX_DECODED_BYTES, n);
    }

    /** The cap on decoded / received bytes, 1 to 100000. */
    public Builder maxCompressionRatio(int n) {
      return set(MAX_COMPRESSION_RATIO, n);
    }

    /** Whether to ask for and transparently decode gzip/deflate; see {@link NettyTransportConfig#decompress()}. */
    public Builder decompress(boolean on) {
      return set(DECOMPRESS, on);
    }

    /** The pool's time source; tests pass a fake one to control idle and lifetime limits. */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker is null");
      return this;
    }

    /** Whether to report response bodies that are neither consumed nor closed. */
    public Builder leakDetection(boolean on) {
      return set(LEAK_DETECTION, on);
    }

    /** Trusts these certificates in addition to the JDK's default trust store. */
    public Builder trust(X509Certificate... certificates) {
      for (X509Certificate c : certificates) {
        trustedCertificates.add(requireNonNull(c, "certificate is null"));
      }
      return this;
    }

    /** Trusts the certificates in this PEM file in addition to the JDK's defaults; null: none. */
    public Builder trustPem(Path pem) {
      return set(TRUST_PEM, pem);
    }

    /** How host names become addresses; the system resolver by default. */
    public Builder resolver(HostResolver resolver) {
      this.resolver = requireNonNull(resolver, "resolver is null");
      return this;
    }

    /** The configuration; at most {@code haul.pool.max-total} connections per origin. */
    public NettyTransportConfig build() {
      int perHost = get(MAX_PER_HOST);
      int total = get(MAX_TOTAL);
      if (perHost > total) {
        throw MAX_PER_HOST.invalid(perHost, "<= " + MAX_TOTAL.name() + ", " + total);
      }
      return new NettyTransportConfig(values(), this);
    }
  }
}
