package dev.haul.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.config.ConfigSource;
import dev.haul.testing.ReadmeKeyTables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NettyTransportConfigTest {

  @Test
  void defaults() {
    NettyTransportConfig c = NettyTransportConfig.defaults();
    assertThat(c.maxPerHost()).isEqualTo(64);
    assertThat(c.maxTotal()).isEqualTo(256);
    assertThat(c.maxPendingPerHost()).isEqualTo(1024);
    assertThat(c.block()).isTrue();
    assertThat(c.order()).isEqualTo(NettyTransportConfig.Order.LIFO);
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.maxLifetime()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.evictionInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.io()).isEqualTo(NettyTransportConfig.Io.AUTO);
    assertThat(c.ioThreads()).isZero();
    assertThat(c.maxStatusLineLength()).isEqualTo(4096);
    assertThat(c.maxHeaderSize()).isEqualTo(65536);
    assertThat(c.maxHeaderCount()).isEqualTo(256);
    assertThat(c.maxDecodedBytes()).isEqualTo(1L << 30);
    assertThat(c.maxCompressionRatio()).isEqualTo(100);
    assertThat(c.leakDetection()).isTrue();
    assertThat(c.trustedCertificates()).isEmpty();
    assertThat(NettyTransportConfig.from(ConfigSource.fromMap(Map.of()))).isEqualTo(c);
  }

  @Test
  void explicitPropertyMappings() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("haul.pool.max-per-host", "8");
    p.put("haul.pool.max-total", "16");
    p.put("haul.pool.max-pending-per-host", "32");
    p.put("haul.pool.block", "false");
    p.put("haul.pool.order", "fifo");
    p.put("haul.pool.idle-timeout", "5s");
    p.put("haul.pool.max-lifetime", "1m");
    p.put("haul.pool.eviction-interval", "1s");
    p.put("haul.transport.io", "nio");
    p.put("haul.transport.io-threads", "2");
    p.put("haul.transport.max-status-line-length", "8KiB");
    p.put("haul.transport.max-header-size", "32KiB");
    p.put("haul.transport.max-header-count", "100");
    p.put("haul.transport.max-decoded-bytes", "10MiB");
    p.put("haul.transport.max-compression-ratio", "50");
    p.put("haul.transport.decompress", "false");
    p.put("haul.transport.leak-detection", "false");
    p.put("haul.tls.trust-pem", "");
    NettyTransportConfig expected = NettyTransportConfig.builder()
        .maxPerHost(8).maxTotal(16).maxPendingPerHost(32).block(false).order(NettyTransportConfig.Order.FIFO)
        .idleTimeout(Duration.ofSeconds(5)).maxLifetime(Duration.ofMinutes(1)).evictionInterval(Duration.ofSeconds(1))
        .io(NettyTransportConfig.Io.NIO).ioThreads(2).maxStatusLineLength(8192).maxHeaderSize(32768)
        .maxHeaderCount(100).maxDecodedBytes(10L << 20).maxCompressionRatio(50).decompress(false).leakDetection(false).build();
    NettyTransportConfig read = NettyTransportConfig.from(ConfigSource.fromMap(p));
    assertThat(read).isEqualTo(expected);
    assertThat(read.dump()).isEqualTo(p);
  }

  @Test
  void environmentNames() {
    NettyTransportConfig c = NettyTransportConfig.from(
        ConfigSource.fromEnvironment(Map.of("HAUL_POOL_MAX_PER_HOST", "3", "HAUL_POOL_BLOCK", "false")));
    assertThat(c.maxPerHost()).isEqualTo(3);
    assertThat(c.block()).isFalse();
  }

  @Test
  void badValuesNameTheKeyAndRange() {
    assertThatThrownBy(() -> NettyTransportConfig.from(ConfigSource.fromMap(Map.of("haul.pool.max-per-host", "0"))))
        .hasMessage("haul.pool.max-per-host: 0 (expected: 1..10000)");
    assertThatThrownBy(() -> NettyTransportConfig.from(ConfigSource.fromMap(Map.of("haul.pool.order", "random"))))
        .hasMessage("haul.pool.order: 'random' (expected: lifo, fifo)");
    assertThatThrownBy(() -> NettyTransportConfig.from(ConfigSource.fromMap(Map.of("haul.pool.idle-timeout", "0s"))))
        .hasMessage("haul.pool.idle-timeout: 0s (expected: > 0)");
    assertThatThrownBy(() -> NettyTransportConfig.from(ConfigSource.fromMap(Map.of(
        "haul.pool.max-per-host", "50", "haul.pool.max-total", "10"))))
        .hasMessage("haul.pool.max-per-host: 50 (expected: <= haul.pool.max-total, 10)");
    assertThatThrownBy(() -> NettyTransportConfig.from(ConfigSource.fromMap(Map.of("haul.transport.max-header-size", "big"))))
        .hasMessage("haul.transport.max-header-size: 'big' (expected: a size such as 4096, 64KiB or 1GiB)");
  }

  @Test
  void readmeTableMatchesTheKeys() {
    ReadmeKeyTables.assertMatches(Path.of("..", "README.md"), "The Netty transport", NettyTransportConfig.KEYS);
  }
}
