package dev.haul.benchmarks.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.benchmarks.BenchClient;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import dev.haul.testkit.StaticContent;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every peer's hand-made ranged download, in this JVM, against testkit's origin. */
class ManualRangesTest {

  private static final int SIZE = 1024 * 1024 + 7; // not a multiple of the segment count

  @TempDir
  Path dir;

  private OriginServer server;

  @AfterEach
  void close() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyPeerWritesEveryByteOnceOverSeveralRanges() throws Exception {
    byte[] content = new byte[SIZE];
    new Random(7).nextBytes(content);
    server = OriginServer.builder()
        .dispatcher(StaticContent.create().add("/f.bin", content, "application/octet-stream")).start();
    URI uri = server.url("/f.bin");
    for (BenchClient c : List.of(new OkHttpBench(), new ApacheBench(), new ReactorNettyBench(), new HaulBench(false),
        new RawNettyBench())) {
      try (c) {
        c.start(5);
        Path file = dir.resolve(c.name() + ".bin");
        assertThat(c.download(uri, file, 5)).as(c.name()).isEqualTo(SIZE);
        assertThat(Files.readAllBytes(file)).as(c.name()).isEqualTo(content);
      }
    }
  }

  @Test
  void aServerThatIgnoresRangesFailsTheDownload() throws Exception {
    // Every request gets the whole file with 200: a peer must not write it at a range's offset.
    server = OriginServer.builder().dispatcher(request -> MockResponse.builder().status(200)
        .body(new byte[100]).build()).start();
    for (BenchClient c : List.of(new OkHttpBench(), new RawNettyBench())) {
      try (c) {
        c.start(2);
        assertThatThrownBy(() -> c.download(server.url("/f.bin"), dir.resolve("f.bin"), 2)).as(c.name())
            .isInstanceOf(IOException.class).hasMessageContaining("status 200");
      }
    }
  }

  @Test
  void checkAcceptsOnlyTheExactRange() throws Exception {
    ManualRanges.check(206, "bytes 10-19/100", 10, 19);
    assertThatThrownBy(() -> ManualRanges.check(206, "bytes 10-18/100", 10, 19)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> ManualRanges.check(206, "bytes 10-190/1000", 10, 19)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> ManualRanges.check(206, null, 10, 19)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> ManualRanges.check(200, "bytes 10-19/100", 10, 19)).isInstanceOf(IOException.class);
    assertThat(ManualRanges.range(0, 9)).isEqualTo("bytes=0-9");
    assertThatThrownBy(() -> ManualRanges.checkCount(9, 10)).hasMessageContaining("9 of 10");
    assertThatThrownBy(() -> ManualRanges.contentLength(null)).isInstanceOf(IOException.class);
    assertThat(ManualRanges.contentLength(" 42")).isEqualTo(42);
  }

  @Test
  void externalToolsReportTheirChildrensCpuAndWhetherTheyAreInstalled() {
    assertThat(ExternalBench.childrenCpuSeconds()).isGreaterThanOrEqualTo(0);
    assertThat(ExternalBench.curl().name()).isEqualTo("curl");
    assertThat(ExternalBench.aria2c().name()).isEqualTo("aria2c");
    assertThat(ExternalBench.aria2c().peakRssKb()).isEqualTo(-1);
  }
}
