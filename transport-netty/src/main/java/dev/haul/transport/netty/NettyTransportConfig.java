package dev.haul.transport.netty;

import static java.util.Objects.requireNonNull;

import dev.haul.config.ConfigSource;
import dev.haul.internal.DataSizes;
import dev.haul.internal.Durations;
import dev.haul.internal.Settings;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Configuration of the Netty transport and its connection pool. Immutable; see the README table
 * for every key, default and range. Timeouts live in {@code HaulConfig} ({@code haul.timeout.*}).
 */
public final class NettyTransportConfig {

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

  private static final NettyTransportConfig DEFAULTS = builder().build();

  private final int maxPerHost;
  private final int maxTotal;
  private final int maxPendingPerHost;
  private final boolean block;
  private final Order order;
  private final Duration idleTimeout;
  private final Duration maxLifetime;
  private final Duration evictionInterval;
  private final Io io;
  private final int ioThreads;
  private final int maxStatusLineLength;
  private final int maxHeaderSize;
  private final int maxHeaderCount;
  private final long maxDecodedBytes;
  private final int maxCompressionRatio;
  private final boolean leakDetection;
  private final List<X509Certificate> trustedCertificates;
  private final Path trustPem;
  private final HostResolver resolver;
  private final boolean decompress;
  private final Ticker ticker;

  private NettyTransportConfig(Builder b) {
    this.maxPerHost = b.maxPerHost;
    this.maxTotal = b.maxTotal;
    this.maxPendingPerHost = b.maxPendingPerHost;
    this.block = b.block;
    this.order = b.order;
    this.idleTimeout = b.idleTimeout;
    this.maxLifetime = b.maxLifetime;
    this.evictionInterval = b.evictionInterval;
    this.io = b.io;
    this.ioThreads = b.ioThreads;
    this.maxStatusLineLength = b.maxStatusLineLength;
    this.maxHeaderSize = b.maxHeaderSize;
    this.maxHeaderCount = b.maxHeaderCount;
    this.maxDecodedBytes = b.maxDecodedBytes;
    this.maxCompressionRatio = b.maxCompressionRatio;
    this.leakDetection = b.leakDetection;
    this.trustedCertificates = List.copyOf(b.trustedCertificates);
    this.trustPem = b.trustPem;
    this.resolver = b.resolver;
    this.decompress = b.decompress;
    this.ticker = b.ticker;
  }

  /**
   * Whether Haul asks for gzip/deflate itself ({@code Accept-Encoding}) and decodes the answer
   * transparently. Off, requests carry no Accept-Encoding of Haul's and bodies pass untouched,
   * as a proxy or a cache needs them.
   */
  public boolean decompress() {
    return decompress;
  }

  /** The time source of the pool's idle, lifetime and keep-alive limits. */
  public Ticker ticker() {
    return ticker;
  }

  /** How host names become addresses. */
  public HostResolver resolver() {
    return resolver;
  }

  public static NettyTransportConfig defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Defaults overridden by every transport key that {@code source} sets. */
  public static NettyTransportConfig from(ConfigSource source) {
    return builder().read(source).build();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public int maxPerHost() {
    return maxPerHost;
  }

  public int maxTotal() {
    return maxTotal;
  }

  public int maxPendingPerHost() {
    return maxPendingPerHost;
  }

  /** Whether an acquire waits (up to the pool-acquire timeout) when the pool is full. */
  public boolean block() {
    return block;
  }

  public Order order() {
    return order;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** Maximum connection lifetime (each connection gets it ±10 %); zero means unlimited. */
  public Duration maxLifetime() {
    return maxLifetime;
  }

  public Duration evictionInterval() {
    return evictionInterval;
  }

  public Io io() {
    return io;
  }

  /** I/O threads; 0 means one per available processor. */
  public int ioThreads() {
    return ioThreads;
  }

  public int maxStatusLineLength() {
    return maxStatusLineLength;
  }

  public int maxHeaderSize() {
    return maxHeaderSize;
  }

  public int maxHeaderCount() {
    return maxHeaderCount;
  }

  public long maxDecodedBytes() {
    return maxDecodedBytes;
  }

  public int maxCompressionRatio() {
    return maxCompressionRatio;
  }

  public boolean leakDetection() {
    return leakDetection;
  }

  /** Extra trusted certificates (from the builder and {@code haul.tls.trust-pem}). */
  public List<X509Certificate> trustedCertificates() {
    List<X509Certificate> all = new ArrayList<>(trustedCertificates);
    if (trustPem != null) {
      all.addAll(readPem(trustPem));
    }
    return all;
  }

  /** The effective configuration, key to printed value. */
  public Map<String, String> dump() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("haul.pool.max-per-host", Integer.toString(maxPerHost));
    m.put("haul.pool.max-total", Integer.toString(maxTotal));
    m.put("haul.pool.max-pending-per-host", Integer.toString(maxPendingPerHost));
    m.put("haul.pool.block", Boolean.toString(block));
    m.put("haul.pool.order", order.name().toLowerCase(Locale.ROOT));
    m.put("haul.pool.idle-timeout", Durations.format(idleTimeout));
    m.put("haul.pool.max-lifetime", Durations.format(maxLifetime));
    m.put("haul.pool.eviction-interval", Durations.format(evictionInterval));
    m.put("haul.transport.io", io.name().toLowerCase(Locale.ROOT));
    m.put("haul.transport.io-threads", Integer.toString(ioThreads));
    m.put("haul.transport.max-status-line-length", DataSizes.format(maxStatusLineLength));
    m.put("haul.transport.max-header-size", DataSizes.format(maxHeaderSize));
    m.put("haul.transport.max-header-count", Integer.toString(maxHeaderCount));
    m.put("haul.transport.max-decoded-bytes", DataSizes.format(maxDecodedBytes));
    m.put("haul.transport.max-compression-ratio", Integer.toString(maxCompressionRatio));
    m.put("haul.transport.decompress", Boolean.toString(decompress));
    m.put("haul.transport.leak-detection", Boolean.toString(leakDetection));
    m.put("haul.tls.trust-pem", trustPem == null ? "" : trustPem.toString());
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NettyTransportConfig c && dump().equals(c.dump())
        && trustedCertificates.equals(c.trustedCertificates);
  }

  @Override
  public int hashCode() {
    return dump().hashCode();
  }

  @Override
  public String toString() {
    return "NettyTransportConfig" + dump();
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
  public static final class Builder {
    private int maxPerHost = 64;
    private int maxTotal = 256;
    private int maxPendingPerHost = 1024;
    private boolean block = true;
    private Order order = Order.LIFO;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private Duration maxLifetime = Duration.ofMinutes(10);
    private Duration evictionInterval = Duration.ofSeconds(5);
    private Io io = Io.AUTO;
    private int ioThreads;
    private int maxStatusLineLength = 4096;
    private int maxHeaderSize = 64 * 1024;
    private int maxHeaderCount = 256;
    private long maxDecodedBytes = 1L << 30;
    private int maxCompressionRatio = 100;
    private boolean leakDetection = true;
    private final List<X509Certificate> trustedCertificates = new ArrayList<>();
    private Path trustPem;
    private HostResolver resolver = HostResolver.SYSTEM;
    private boolean decompress = true;
    private Ticker ticker = Ticker.systemTicker();

    private Builder() {}

    private Builder(NettyTransportConfig c) {
      maxPerHost = c.maxPerHost;
      maxTotal = c.maxTotal;
      maxPendingPerHost = c.maxPendingPerHost;
      block = c.block;
      order = c.order;
      idleTimeout = c.idleTimeout;
      maxLifetime = c.maxLifetime;
      evictionInterval = c.evictionInterval;
      io = c.io;
      ioThreads = c.ioThreads;
      maxStatusLineLength = c.maxStatusLineLength;
      maxHeaderSize = c.maxHeaderSize;
      maxHeaderCount = c.maxHeaderCount;
      maxDecodedBytes = c.maxDecodedBytes;
      maxCompressionRatio = c.maxCompressionRatio;
      leakDetection = c.leakDetection;
      trustedCertificates.addAll(c.trustedCertificates);
      trustPem = c.trustPem;
      resolver = c.resolver;
      decompress = c.decompress;
      ticker = c.ticker;
    }

    /** Sets every transport key that {@code source} has. */
    public Builder read(ConfigSource source) {
      Settings s = new Settings(requireNonNull(source, "source is null"));
      s.integer("haul.pool.max-per-host", this::maxPerHost);
      s.integer("haul.pool.max-total", this::maxTotal);
      s.integer("haul.pool.max-pending-per-host", this::maxPendingPerHost);
      s.bool("haul.pool.block", this::block);
      s.string("haul.pool.order", v -> order(parseEnum(Order.class, "haul.pool.order", v)));
      s.duration("haul.pool.idle-timeout", this::idleTimeout);
      s.duration("haul.pool.max-lifetime", this::maxLifetime);
      s.duration("haul.pool.eviction-interval", this::evictionInterval);
      s.string("haul.transport.io", v -> io(parseEnum(Io.class, "haul.transport.io", v)));
      s.integer("haul.transport.io-threads", this::ioThreads);
      s.dataSize("haul.transport.max-status-line-length", v -> maxStatusLineLength(toInt("haul.transport.max-status-line-length", v)));
      s.dataSize("haul.transport.max-header-size", v -> maxHeaderSize(toInt("haul.transport.max-header-size", v)));
      s.integer("haul.transport.max-header-count", this::maxHeaderCount);
      s.dataSize("haul.transport.max-decoded-bytes", this::maxDecodedBytes);
      s.integer("haul.transport.max-compression-ratio", this::maxCompressionRatio);
      s.bool("haul.transport.decompress", this::decompress);
      s.bool("haul.transport.leak-detection", this::leakDetection);
      s.string("haul.tls.trust-pem", v -> trustPem(v.isBlank() ? null : Path.of(v.trim())));
      return this;
    }

    public Builder maxPerHost(int n) {
      this.maxPerHost = Settings.range("haul.pool.max-per-host", n, 1, 10_000);
      return this;
    }

    public Builder maxTotal(int n) {
      this.maxTotal = Settings.range("haul.pool.max-total", n, 1, 100_000);
      return this;
    }

    public Builder maxPendingPerHost(int n) {
      this.maxPendingPerHost = Settings.range("haul.pool.max-pending-per-host", n, 0, 1_000_000);
      return this;
    }

    public Builder block(boolean block) {
      this.block = block;
      return this;
    }

    public Builder order(Order order) {
      this.order = requireNonNull(order, "haul.pool.order is null");
      return this;
    }

    public Builder idleTimeout(Duration d) {
      this.idleTimeout = Settings.positive("haul.pool.idle-timeout", d);
      return this;
    }

    /** Zero means unlimited. */
    public Builder maxLifetime(Duration d) {
      this.maxLifetime = Settings.nonNegative("haul.pool.max-lifetime", d);
      return this;
    }

    public Builder evictionInterval(Duration d) {
      this.evictionInterval = Settings.positive("haul.pool.eviction-interval", d);
      return this;
    }

    public Builder io(Io io) {
      this.io = requireNonNull(io, "haul.transport.io is null");
      return this;
    }

    public Builder ioThreads(int n) {
      this.ioThreads = Settings.range("haul.transport.io-threads", n, 0, 256);
      return this;
    }

    public Builder maxStatusLineLength(int n) {
      this.maxStatusLineLength = Settings.range("haul.transport.max-status-line-length", n, 64, 1 << 20);
      return this;
    }

    public Builder maxHeaderSize(int n) {
      this.maxHeaderSize = Settings.range("haul.transport.max-header-size", n, 1024, 16 << 20);
      return this;
    }

    public Builder maxHeaderCount(int n) {
      this.maxHeaderCount = Settings.range("haul.transport.max-header-count", n, 1, 100_000);
      return this;
    }

    public Builder maxDecodedBytes(long n) {
      if (n < 1) {
        throw Settings.outOfRange("haul.transport.max-decoded-bytes", n, ">= 1");
      }
      this.maxDecodedBytes = n;
      return this;
    }

    public Builder maxCompressionRatio(int n) {
      this.maxCompressionRatio = Settings.range("haul.transport.max-compression-ratio", n, 1, 100_000);
      return this;
    }

    /** Whether to ask for and transparently decode gzip/deflate; see {@link NettyTransportConfig#decompress()}. */
    public Builder decompress(boolean on) {
      this.decompress = on;
      return this;
    }

    /** The pool's time source; tests pass a fake one to control idle and lifetime limits. */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker is null");
      return this;
    }

    /** Whether to report response bodies that are neither consumed nor closed. */
    public Builder leakDetection(boolean on) {
      this.leakDetection = on;
      return this;
    }

    /** Trusts these certificates in addition to the JDK's default trust store. */
    public Builder trust(X509Certificate... certificates) {
      for (X509Certificate c : certificates) {
        trustedCertificates.add(requireNonNull(c, "certificate is null"));
      }
      return this;
    }

    /** Trusts the certificates in this PEM file in addition to the JDK's defaults. */
    public Builder trustPem(Path pem) {
      this.trustPem = pem;
      return this;
    }

    /** How host names become addresses; the system resolver by default. */
    public Builder resolver(HostResolver resolver) {
      this.resolver = requireNonNull(resolver, "resolver is null");
      return this;
    }

    public NettyTransportConfig build() {
      if (maxPerHost > maxTotal) {
        throw Settings.outOfRange("haul.pool.max-per-host", maxPerHost, "<= haul.pool.max-total, " + maxTotal);
      }
      return new NettyTransportConfig(this);
    }

    private static int toInt(String key, long n) {
      if (n > Integer.MAX_VALUE || n < 0) {
        throw Settings.outOfRange(key, n, "a size below 2GiB");
      }
      return (int) n;
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String key, String v) {
      try {
        return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        List<String> names = new ArrayList<>();
        for (E c : type.getEnumConstants()) {
          names.add(c.name().toLowerCase(Locale.ROOT));
        }
        throw Settings.outOfRange(key, "'" + v + "'", String.join(", ", names));
      }
    }
  }
}
