package dev.haul.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.IntegrityException;
import dev.haul.spi.EventListener;
import dev.haul.spi.HaulEvent;
import dev.haul.testkit.Fault;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import dev.haul.testkit.RecordedRequest;
import dev.haul.testkit.StaticContent;
import dev.haul.transport.netty.NettyTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The downloader end to end against testkit's origin on 127.0.0.1. */
class DownloaderTest extends DownloadTestSupport {


  @Test
  void segmentedDownloadIsByteIdenticalAndVerified() throws Exception {
    // Paced, so that all 8 connections are at work at once (connections() counts the most at once).
    serve(content).transform((req, resp) -> resp.toBuilder().throttle(64 * 1024, Duration.ofMillis(10)).build());
    downloader(FAST.toBuilder().maxSegments(8).build());
    Path target = dir.resolve("model.bin");

    DownloadResult r = get(request(target).sha256(sha256(content)).build());

    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(r.size()).isEqualTo(SIZE);
    assertThat(r.sha256()).isEqualTo(sha256(content));
    assertThat(r.connections()).isEqualTo(8);
    assertThat(server.peakOpenConnections()).isGreaterThan(1);
    assertThat(Files.exists(dir.resolve("model.bin.part"))).isFalse();
    assertThat(Files.exists(dir.resolve("model.bin.part.journal"))).isFalse();
    // Every request after the first is a range with If-Range on the file's validator.
    for (RecordedRequest rr : server.requests().subList(1, server.requests().size())) {
      assertThat(rr.header("Range")).startsWith("bytes=");
      assertThat(rr.header("If-Range")).isNotNull();
    }
    assertThat(moduleEvents).anyMatch(e -> e instanceof DownloadEvent.Completed);
  }

  @Test
  void singleStreamDownloadIsByteIdentical() throws Exception {
    serve(content);
    downloader(FAST);
    Path target = dir.resolve("model.bin");
    DownloadResult r = get(request(target).strategy(DownloadStrategy.singleStream()).build());
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(r.connections()).isEqualTo(1);
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void aServerThatIgnoresRangesStillWorksOverOneConnection() throws Exception {
    serve(content).transform(withoutRanges());
    downloader(FAST);
    Path target = dir.resolve("model.bin");
    DownloadResult r = get(request(target).build());
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(r.connections()).isEqualTo(1);
  }

  @Test
  void aServerThatIgnoresRangesAndCutsTheBodyRestartsFromZero() throws Exception {
    AtomicInteger n = new AtomicInteger();
    serve(content).transform((req, resp) -> {
      MockResponse full = withoutRanges().apply(req, resp);
      return n.getAndIncrement() == 0 ? full.toBuilder().fault(Fault.CLOSE_DURING_BODY, 1_000_000).build() : full;
    });
    downloader(FAST);
    Path target = dir.resolve("model.bin");
    DownloadResult r = get(request(target).sha256(sha256(content)).build());
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(r.restarts()).isEqualTo(1);
  }

  @Test
  void truncatedSegmentsAreFetchedAgain() throws Exception {
    AtomicInteger n = new AtomicInteger();
    serve(content).transform((req, resp) -> req.header("Range") != null && n.incrementAndGet() % 3 == 2
        ? resp.toBuilder().fault(Fault.CLOSE_DURING_BODY, 1000).build() : resp);
    downloader(FAST.toBuilder().maxRetries(50).build());
    Path target = dir.resolve("model.bin");
    get(request(target).sha256(sha256(content)).build());
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(moduleEvents).anyMatch(e -> e instanceof DownloadEvent.SegmentFailed);
  }

  @Test
  void aFileChangedMidDownloadRestartsFromZeroAndNeverMixesVersions() throws Exception {
    byte[] second = random(SIZE, 2);
    AtomicInteger n = new AtomicInteger();
    StaticContent files = serve(content);
    files.transform((req, resp) -> {
      if (n.incrementAndGet() == 3) {
        files.replace("/model.bin", second, "application/octet-stream"); // the next answers are v2
      }
      return resp;
    });
    downloader(FAST.toBuilder().maxSegments(4).build());
    Path target = dir.resolve("model.bin");
    DownloadResult r = get(request(target).build());
    byte[] got = Files.readAllBytes(target);
    assertThat(got).satisfiesAnyOf(b -> assertThat(b).isEqualTo(content), b -> assertThat(b).isEqualTo(second));
    assertThat(r.sha256()).isEqualTo(sha256(got));
  }

  @Test
  void aWrongContentRangeIsNeverWritten() throws Exception {
    AtomicInteger n = new AtomicInteger();
    serve(content).transform((req, resp) -> {
      String range = req.header("Range");
      if (range != null && !range.equals("bytes=0-") && n.getAndIncrement() == 0) {
        // Claims another range than the one asked for, with that range's bytes: never written.
        return MockResponse.builder().status(206).header("Content-Range", "bytes 0-9/" + SIZE)
            .body(new byte[10]).build();
      }
      return resp;
    });
    downloader(FAST.toBuilder().maxSegments(4).build());
    Path target = dir.resolve("model.bin");
    DownloadResult r = get(request(target).sha256(sha256(content)).build());
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(r.restarts()).isEqualTo(1);
  }

  @Test
  void anExpiredStorageUrlIsResolvedAgain() throws Exception {
    AtomicInteger n = new AtomicInteger();
    serve(content).transform((req, resp) -> req.header("If-Range") != null && n.getAndIncrement() == 1
        ? MockResponse.builder().status(403).body("expired").build() : resp);
    downloader(FAST.toBuilder().maxSegments(4).build());
    Path target = dir.resolve("model.bin");
    get(request(target).sha256(sha256(content)).build());
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
  }

  @Test
  void aChecksumMismatchLeavesNothingBehind() throws Exception {
    serve(content);
    downloader(FAST);
    Path target = dir.resolve("model.bin");
    assertThatThrownBy(() -> get(request(target).sha256(sha256(new byte[1])).build()))
        .isInstanceOf(IntegrityException.class).hasMessageContaining("SHA-256 mismatch");
    assertThat(Files.list(dir)).isEmpty();
  }

  @Test
  void anExistingTargetIsNeverClobberedByDefault() throws Exception {
    serve(content);
    downloader(FAST);
    Path target = dir.resolve("model.bin");
    Files.write(target, new byte[] {42});
    assertThatThrownBy(() -> get(request(target).build())).isInstanceOf(DownloadFileException.class);
    assertThat(Files.readAllBytes(target)).containsExactly(42);
    get(request(target).overwrite(DownloadRequest.Overwrite.REPLACE).build());
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
  }

  @Test
  void aDirectoryTargetTakesTheNameFromContentDisposition() throws Exception {
    serve(content).transform((req, resp) -> resp.toBuilder()
        .header("Content-Disposition", "attachment; filename*=UTF-8''%E2%82%AC%20model.safetensors").build());
    downloader(FAST);
    DownloadResult r = get(DownloadRequest.builder(server.url("/model.bin")).toDirectory(dir).build());
    assertThat(r.file()).isEqualTo(dir.resolve("€ model.safetensors"));
    assertThat(Files.readAllBytes(r.file())).isEqualTo(content);
  }

  @Test
  void aCancelledDownloadResumesFromItsJournal() throws Exception {
    serve(content).transform((req, resp) -> resp.toBuilder().throttle(64 * 1024, Duration.ofMillis(20)).build());
    downloader(FAST.toBuilder().maxSegments(4).journalBytes(64 * 1024).journalInterval(Duration.ofMillis(50)).build());
    Path target = dir.resolve("model.bin");
    Download d = downloader.start(request(target).sha256(sha256(content)).build());
    awaitProgress(d, p -> p.durable() >= SIZE / 4);
    d.cancel();
    assertThatThrownBy(() -> d.result().join()).isInstanceOf(java.util.concurrent.CancellationException.class);
    // The client's listeners heard that it was cancelled (a metrics sink stops showing it as running).
    assertThat(moduleEvents).filteredOn(e -> e instanceof DownloadEvent.Cancelled).singleElement()
        .satisfies(e -> assertThat(((DownloadEvent.Cancelled) e).bytes()).isPositive());
    assertThat(Files.exists(dir.resolve("model.bin.part.journal"))).isTrue();
    assertThat(Files.exists(target)).isFalse();

    serve2(content);
    DownloadResult r = get(DownloadRequest.builder(server.url("/model.bin")).toFile(target)
        .sha256(sha256(content)).build());
    assertThat(r.resumedFrom()).isGreaterThan(0);
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
  }

  @Test
  void aDirectoryDownloadResumesFromItsJournalToo() throws Exception {
    serve(content).transform((req, resp) -> resp.toBuilder().throttle(64 * 1024, Duration.ofMillis(20)).build());
    downloader(FAST.toBuilder().maxSegments(4).journalBytes(64 * 1024).journalInterval(Duration.ofMillis(50)).build());
    Download d = downloader.start(DownloadRequest.builder(server.url("/model.bin")).toDirectory(dir).build());
    awaitProgress(d, p -> p.durable() >= SIZE / 4);
    d.cancel();
    assertThatThrownBy(() -> d.result().join()).isInstanceOf(java.util.concurrent.CancellationException.class);
    serve2(content);
    DownloadResult r = get(DownloadRequest.builder(server.url("/model.bin")).toDirectory(dir)
        .sha256(sha256(content)).build());
    assertThat(r.file()).isEqualTo(dir.resolve("model.bin"));
    assertThat(r.resumedFrom()).isGreaterThan(0);
    assertThat(Files.readAllBytes(r.file())).isEqualTo(content);
  }

  @Test
  void resetSegmentsAreFetchedAgain() throws Exception {
    AtomicInteger n = new AtomicInteger();
    serve(content).transform((req, resp) -> req.header("If-Range") != null && n.incrementAndGet() % 4 == 1
        ? resp.toBuilder().fault(Fault.RESET_DURING_BODY, 4096).build() : resp);
    downloader(FAST.toBuilder().maxSegments(4).maxRetries(50).build());
    Path target = dir.resolve("model.bin");
    get(request(target).sha256(sha256(content)).build());
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
  }

  @Test
  void aPausedDownloadGoesOnFromWhereItWasAfterResume() throws Exception {
    serve(content).transform((req, resp) -> resp.toBuilder().throttle(128 * 1024, Duration.ofMillis(20)).build());
    downloader(FAST.toBuilder().maxSegments(4).build());
    Path target = dir.resolve("model.bin");
    Download d = downloader.start(request(target).sha256(sha256(content)).build());
    awaitProgress(d, p -> p.received() >= SIZE / 5);
    d.pause();
    awaitProgress(d, p -> p.state() == DownloadProgress.State.PAUSED);
    assertThat(d.progress().state()).isEqualTo(DownloadProgress.State.PAUSED);
    long atPause = d.progress().received();
    int requestsAtPause = server.requestCount();
    Thread.sleep(200);
    assertThat(server.requestCount()).as("nothing is fetched while paused").isEqualTo(requestsAtPause);
    d.resume();
    DownloadResult r = d.result().get(60, TimeUnit.SECONDS);
    assertThat(atPause).isGreaterThan(0);
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(r.sha256()).isEqualTo(sha256(content));
  }

  @Test
  void downloadsBeyondMaxConcurrentWaitTheirTurn() throws Exception {
    serve(content).transform((req, resp) -> resp.toBuilder().throttle(256 * 1024, Duration.ofMillis(10)).build());
    downloader(FAST.toBuilder().maxConcurrent(1).build());
    Download a = downloader.start(request(dir.resolve("a.bin")).build());
    Download b = downloader.start(request(dir.resolve("b.bin")).build());
    assertThat(b.progress().state()).isEqualTo(DownloadProgress.State.QUEUED);
    a.result().get(60, TimeUnit.SECONDS);
    b.result().get(60, TimeUnit.SECONDS);
    assertThat(Files.readAllBytes(dir.resolve("b.bin"))).isEqualTo(content);
  }

  @Test
  void aQueuedDownloadCancelledNeverStartsAndClosingCancelsTheRest() throws Exception {
    serve(content).transform((req, resp) -> resp.toBuilder().throttle(64 * 1024, Duration.ofMillis(20)).build());
    downloader(FAST.toBuilder().maxConcurrent(1).build());
    Download a = downloader.start(request(dir.resolve("a.bin")).build());
    Download b = downloader.start(request(dir.resolve("b.bin")).build());
    b.cancel();
    assertThatThrownBy(() -> b.result().get(10, TimeUnit.SECONDS))
        .isInstanceOf(java.util.concurrent.CancellationException.class);
    downloader.close();
    assertThatThrownBy(() -> a.result().get(30, TimeUnit.SECONDS))
        .isInstanceOf(java.util.concurrent.CancellationException.class);
    assertThat(Files.exists(dir.resolve("a.bin"))).isFalse();
    assertThat(Files.exists(dir.resolve("b.bin.part"))).isFalse();
  }


  @Test
  void a206BodyLongerThanItsRangeIsNeverWrittenPastItAndStartsOver() throws Exception {
    AtomicInteger n = new AtomicInteger();
    serve(content).transform((req, resp) -> {
      String range = req.header("Range");
      if (range != null && !range.equals("bytes=0-") && n.getAndIncrement() == 0) {
        long first = Long.parseLong(range.substring(6, range.indexOf('-')));
        long last = Long.parseLong(range.substring(range.indexOf('-') + 1));
        // The range's bytes and then 4 KiB more than it named (zeros past the end of the file).
        byte[] longer = java.util.Arrays.copyOf(
            java.util.Arrays.copyOfRange(content, (int) first, (int) last + 1), (int) (last + 1 - first) + 4096);
        return MockResponse.builder().status(206)
            .header("Content-Range", "bytes " + first + "-" + last + "/" + SIZE).body(longer).build();
      }
      return resp;
    });
    downloader(FAST.toBuilder().maxSegments(4).build());
    Path target = dir.resolve("model.bin");
    DownloadResult r = get(request(target).sha256(sha256(content)).build());
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(r.restarts()).isEqualTo(1);
  }

  @Test
  void thePartFileIsTheOwnersOnly() throws Exception {
    serve(content).transform((req, resp) -> resp.toBuilder().throttle(64 * 1024, Duration.ofMillis(20)).build());
    downloader(FAST);
    Path target = dir.resolve("model.bin");
    Download d = downloader.start(request(target).build());
    Path part = dir.resolve("model.bin.part");
    awaitProgress(d, p -> p.received() > 0);
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(part)))
        .isEqualTo("rw-------");
    d.cancel();
    assertThatThrownBy(() -> d.result().get(30, TimeUnit.SECONDS))
        .isInstanceOf(java.util.concurrent.CancellationException.class);
  }

  @Test
  void anEmptyFileDownloads() throws Exception {
    serve(new byte[0]);
    downloader(FAST);
    Path target = dir.resolve("empty.bin");
    DownloadResult r = get(request(target).build());
    assertThat(r.size()).isZero();
    assertThat(Files.size(target)).isZero();
  }

  @Test
  void aMissingFileFailsTyped() throws Exception {
    serve(content);
    downloader(FAST);
    assertThatThrownBy(() -> get(DownloadRequest.builder(server.url("/nope")).toFile(dir.resolve("x")).build()))
        .isInstanceOf(dev.haul.UnexpectedStatusException.class);
  }

  @Test
  void aStalledConnectionIsDroppedAndItsRangeFetchedAgain() throws Exception {
    AtomicInteger n = new AtomicInteger();
    serve(content).transform((req, resp) -> req.header("If-Range") != null && n.getAndIncrement() == 0
        ? resp.toBuilder().fault(Fault.STALL_DURING_BODY, 1000).build() : resp);
    downloader(FAST.toBuilder().maxSegments(4).stallTimeout(Duration.ofMillis(500)).build());
    Path target = dir.resolve("model.bin");
    get(request(target).sha256(sha256(content)).build());
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
  }

  @Test
  void theBearerKeyNeverReachesTheStorageHostOfARedirect() throws Exception {
    serve(content);
    try (OriginServer api = OriginServer.builder().dispatcher(req -> MockResponse.builder().status(302)
        .header("Location", server.url("/model.bin").toString()).build()).start()) {
      client = Haul.newBuilder().transport(NettyTransport.create())
          .bearerAuth(dev.haul.BearerAuth.of("sk-secret", dev.haul.Origin.of(api.url("/"))))
          .build();
      downloader = Downloader.builder(client).config(FAST.toBuilder().maxSegments(4).build()).build();
      Path target = dir.resolve("model.bin");
      get(DownloadRequest.builder(api.url("/v1/models/1/download")).toFile(target).sha256(sha256(content)).build());
      assertThat(Files.readAllBytes(target)).isEqualTo(content);
      assertThat(api.requests()).allMatch(r -> "Bearer sk-secret".equals(r.header("Authorization")));
      assertThat(server.requests()).isNotEmpty().allMatch(r -> r.header("Authorization") == null);
      // Segments go through the API (the presigned URL is not cached past its redirect); the
      // client's own retries of a storage request may repeat it without the API.
      assertThat(api.requestCount()).isGreaterThan(1);
    }
  }

  @Test
  void twoDownloadsOfTheSameFileNeverWriteItTogether() throws Exception {
    serve(content).transform((req, resp) -> resp.toBuilder().throttle(64 * 1024, Duration.ofMillis(20)).build());
    downloader(FAST.toBuilder().maxConcurrent(2).build());
    Path target = dir.resolve("model.bin");
    Download first = downloader.start(request(target).build());
    awaitProgress(first, p -> p.received() > 0);
    assertThatThrownBy(() -> get(request(target).build())).isInstanceOf(DownloadFileException.class)
        .hasMessageContaining("another download");
    first.cancel();
    // Ended (its files closed and its journal saved) before the test's directory is removed.
    assertThatThrownBy(() -> first.result().get(30, TimeUnit.SECONDS))
        .isInstanceOf(java.util.concurrent.CancellationException.class);
  }

  /** A server that ignores Range: the whole file with 200, and no validator. */
  private BiFunction<RecordedRequest, MockResponse, MockResponse> withoutRanges() {
    return (req, resp) -> MockResponse.builder().status(200).body(content).build();
  }



}
