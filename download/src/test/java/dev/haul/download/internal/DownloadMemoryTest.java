package dev.haul.download.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.download.DownloadConfig;
import dev.haul.download.DownloadListener;
import dev.haul.download.DownloadRequest;
import dev.haul.download.DownloadResult;
import dev.haul.download.DownloadStrategy;
import dev.haul.testkit.OriginServer;
import dev.haul.testkit.StaticContent;
import dev.haul.transport.netty.NettyTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memory budget end to end: pressure that passes gives the download its connections back. */
class DownloadMemoryTest {

  private static final int SIZE = 4 * 1024 * 1024;

  @TempDir
  Path dir;

  private final byte[] content = new byte[SIZE];
  private OriginServer server;
  private HaulClient client;

  @BeforeEach
  void start() {
    new Random(11).nextBytes(content);
    // ~1.3 MB/s per connection: the download outlives the first few clock ticks.
    server = OriginServer.builder().dispatcher(StaticContent.create()
        .add("/f.bin", content, "application/octet-stream")
        .transform((req, resp) -> resp.toBuilder().throttle(64 * 1024, Duration.ofMillis(50)).build())).start();
    client = Haul.newBuilder().transport(NettyTransport.create()).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void connectionsRefusedUnderPressureAtTheStartJoinOnceItPasses() throws Exception {
    // Pressure for the first few looks (the start, where the other 3 connections are refused),
    // then none: those connections must start then, not leave the download on one for good.
    AtomicInteger looks = new AtomicInteger();
    MemoryBudget memory = new MemoryBudget(64 * MemoryBudget.PER_CONNECTION,
        () -> looks.incrementAndGet() <= 3 ? 1.0 : 0.0);
    DownloadConfig config = DownloadConfig.builder().pieceSize(256 * 1024).minSplit(256 * 1024)
        .segmentThreshold(0).maxSegments(4).build();
    DownloadResult r;
    try (DefaultDownloader d = new DefaultDownloader(client, config, DownloadStrategy.adaptive(),
        new DownloadListener() {}, FileSystemAccess.system(), memory)) {
      r = d.start(DownloadRequest.builder(server.url("/f.bin")).toFile(dir.resolve("f.bin")).build())
          .result().get(60, TimeUnit.SECONDS);
    }
    assertThat(Files.readAllBytes(r.file())).isEqualTo(content);
    assertThat(looks.get()).as("the pressure was looked at").isGreaterThan(3);
    assertThat(r.connections()).as("the refused connections joined").isGreaterThan(1);
    assertThat(memory.used()).as("every permit returned").isZero();
  }
}
