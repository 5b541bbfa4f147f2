package dev.haul.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.Haul;
import dev.haul.HaulClient;
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
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10 review: the defects an adversarial review proved, pinned so they stay fixed. */
class DownloaderReviewTest extends DownloadTestSupport {


  /**
   * D1: a 206 whose body ends cleanly before the range's end (Content-Length shorter than the
   * Content-Range) completes the transfer without error; the engine then calls
   * SegmentPlan.complete on an unfinished segment and the download dies with an untyped
   * IllegalStateException instead of fetching the rest again.
   */
  @Test
  void aShort206BodyIsFetchedAgainNotAnIllegalState() throws Exception {
    AtomicInteger n = new AtomicInteger();
    serve(content).transform((req, resp) -> {
      String range = req.header("Range");
      if (range != null && !range.equals("bytes=0-") && resp.status() == 206 && n.getAndIncrement() == 0) {
        String[] se = range.substring("bytes=".length()).split("-");
        int start = Integer.parseInt(se[0]);
        int end = Integer.parseInt(se[1]) + 1;
        byte[] half = Arrays.copyOfRange(content, start, start + 1000);
        return resp.toBuilder().removeHeader("Content-Length").body(half).build();
      }
      return resp;
    });
    downloader(FAST.toBuilder().maxSegments(4).build());
    Path target = dir.resolve("model.bin");
    get(request(target).sha256(sha256(content)).build());
    assertThat(n.get()).as("a short 206 was served").isGreaterThan(0);
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
  }

  /**
   * D2: a server that honours ranges but sends no validator: the download goes single stream, but
   * when its body is cut the retry is a ranged request WITHOUT If-Range, and a 206 of a file that
   * changed meanwhile is stitched onto the old prefix: silent corruption, reported as success.
   */
  @Test
  void aCutBodyOfAServerWithoutValidatorsIsNeverStitchedToAnotherVersion() throws Exception {
    byte[] second = random(SIZE, 2);
    AtomicInteger n = new AtomicInteger();
    StaticContent files = serve(content);
    files.transform((req, resp) -> {
      MockResponse plain = resp.toBuilder().removeHeader("ETag").removeHeader("Last-Modified").build();
      if (n.getAndIncrement() == 0) {
        files.replace("/model.bin", second, "application/octet-stream"); // edited while we fetch
        return plain.toBuilder().fault(Fault.CLOSE_DURING_BODY, 1_000_000).build();
      }
      return plain;
    });
    downloader(FAST.toBuilder().maxSegments(4).build());
    Path target = dir.resolve("model.bin");
    try {
      get(request(target).build());
    } catch (Exception acceptable) {
      // failing (or restarting) is fine; writing a mix is not
    }
    if (Files.exists(target)) {
      byte[] got = Files.readAllBytes(target);
      assertThat(Arrays.equals(got, content) || Arrays.equals(got, second))
          .as("the file is one version, not a mix").isTrue();
    }
    for (RecordedRequest rr : server.requests().subList(1, server.requests().size())) {
      assertThat(rr.header("Range")).as("ranged retry").isNotNull();
      if (!rr.header("Range").equals("bytes=0-")) { // a start from zero needs no validator
        assertThat(rr.header("If-Range")).as("If-Range on a ranged retry").isNotNull();
      }
    }
  }

  /** D3: close() clears the queue and then cannot dequeue: a queued download's future never completes. */
  @Test
  void closeCompletesQueuedDownloads() throws Exception {
    serve(content).transform((req, resp) -> resp.toBuilder().throttle(16 * 1024, Duration.ofMillis(100)).build());
    downloader(FAST.toBuilder().maxConcurrent(1).build());
    Download running = downloader.start(request(dir.resolve("a.bin")).build());
    Download queued = downloader.start(request(dir.resolve("b.bin")).build());
    downloader.close();
    assertThatThrownBy(() -> running.result().get(10, TimeUnit.SECONDS))
        .isInstanceOf(CancellationException.class);
    assertThatThrownBy(() -> queued.result().get(5, TimeUnit.SECONDS))
        .as("a queued download must complete when the downloader closes")
        .isInstanceOf(CancellationException.class);
  }

  /** D4: a file of unknown length (no ranges, no Content-Length) ignores cancel() until its body ends. */
  @Test
  void cancelStopsADownloadOfUnknownLength() throws Exception {
    serve(content).transform((req, resp) -> MockResponse.builder().status(200).body(content).chunked(8192)
        .throttle(16 * 1024, Duration.ofMillis(100)).build());
    downloader(FAST);
    Download d = downloader.start(request(dir.resolve("model.bin")).build());
    awaitProgress(d, p -> p.received() > 0);
    d.cancel();
    assertThatThrownBy(() -> d.result().get(5, TimeUnit.SECONDS))
        .as("cancel() must end the download within a tick")
        .isInstanceOf(CancellationException.class);
  }

  /**
   * D5: a download to a directory that fails on its first answer (404) leaves NAME.part behind and
   * leaks its open, locked FileChannel: the same download retried later in this JVM fails with
   * "another download is writing".
   */
  @Test
  void aFailedDirectoryDownloadLeavesNoLockedPartFile() throws Exception {
    AtomicInteger n = new AtomicInteger();
    serve(content).transform((req, resp) -> n.getAndIncrement() == 0
        ? MockResponse.builder().status(404).body("not yet").build() : resp);
    downloader(FAST);
    DownloadRequest r = DownloadRequest.builder(server.url("/model.bin")).toDirectory(dir).build();
    assertThatThrownBy(() -> get(r)).isInstanceOf(dev.haul.UnexpectedStatusException.class);
    try (var files = Files.list(dir)) {
      assertThat(files).as("nothing left behind by a 404").isEmpty();
    }
    DownloadResult ok = get(r);
    assertThat(Files.readAllBytes(ok.file())).isEqualTo(content);
  }

  /**
   * D6: pausing a download from a server without ranges is counted as a restart of a changed
   * remote: with max-restarts 0, pause+resume fails with RemoteChangedException.
   */
  @Test
  void pauseAndResumeOfARangelessDownloadIsNotARemoteChange() throws Exception {
    serve(content).transform((req, resp) -> MockResponse.builder().status(200).body(content)
        .throttle(64 * 1024, Duration.ofMillis(20)).build());
    downloader(FAST.toBuilder().maxRestarts(0).build());
    Download d = downloader.start(request(dir.resolve("model.bin")).build());
    awaitProgress(d, p -> p.received() > 0);
    d.pause();
    awaitProgress(d, p -> p.state() == DownloadProgress.State.PAUSED);
    d.resume();
    DownloadResult r = d.result().get(60, TimeUnit.SECONDS);
    assertThat(Files.readAllBytes(r.file())).isEqualTo(content);
  }

  /**
   * D7: the stall timeout "dropped" a connection by cancelling the future ofFileChannel made,
   * which did not reach the body: the stalled connection stayed open (until the client's 30 s
   * read-idle timeout) after the download completed.
   */
  @Test
  void aStalledConnectionIsReallyClosed() throws Exception {
    AtomicInteger n = new AtomicInteger();
    serve(content).transform((req, resp) -> req.header("If-Range") != null && n.getAndIncrement() == 0
        ? resp.toBuilder().fault(Fault.STALL_DURING_BODY, 1000).build() : resp);
    downloader(FAST.toBuilder().maxSegments(4).stallTimeout(Duration.ofMillis(500)).build());
    Path target = dir.resolve("model.bin");
    get(request(target).sha256(sha256(content)).build());
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    // The client closed the stalled connection (it was not left to the read-idle timeout): nothing
    // is leased once the download is over, and a connection was closed for its unread body.
    var stats = client.poolStats().get(0);
    assertThat(stats.leased()).as("no connection still busy after the download").isZero();
    assertThat(stats.closedByReason()).as("the stalled response's connection is closed")
        .containsKey("body-not-consumed");
  }

  /** D8: DownloadRequest.toString prints the URL's user-info (a password). */
  @Test
  void toStringNeverShowsCredentials() {
    DownloadRequest r = DownloadRequest.builder("https://alice:s3cret@example.com/f.bin?sig=abc")
        .toFile(dir.resolve("f.bin")).build();
    assertThat(r.toString()).doesNotContain("s3cret").doesNotContain("abc");
  }

  /**
   * D9a: a cancelled (or failed) download to a directory leaks its open, locked .part channel
   * (the outer attempt only closes the files it opened itself): the same download can never be
   * started again in this JVM ("another download is writing").
   */
  @Test
  void aCancelledDirectoryDownloadCanBeStartedAgain() throws Exception {
    StaticContent files = serve(content);
    files.transform((req, resp) -> resp.toBuilder().throttle(64 * 1024, Duration.ofMillis(20)).build());
    downloader(FAST.toBuilder().maxSegments(4).journalBytes(64 * 1024).journalInterval(Duration.ofMillis(50)).build());
    DownloadRequest r = DownloadRequest.builder(server.url("/model.bin")).toDirectory(dir).sha256(sha256(content)).build();
    Download d = downloader.start(r);
    awaitProgress(d, p -> p.durable() >= SIZE / 4);
    d.cancel();
    assertThatThrownBy(() -> d.result().join()).isInstanceOf(CancellationException.class);
    files.transform((req, resp) -> resp);
    DownloadResult result = get(r);
    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
  }

  /**
   * D9b: a download to a directory never resumes: the journal is only read when the request names
   * a file; the fresh path then truncates the .part and deletes the journal. Here the journal left
   * by a cancelled file-target download of the same URL (same .part path) is thrown away.
   */
  @Test
  void aDirectoryDownloadResumesFromTheJournal() throws Exception {
    StaticContent files = serve(content);
    files.transform((req, resp) -> resp.toBuilder().throttle(64 * 1024, Duration.ofMillis(20)).build());
    downloader(FAST.toBuilder().maxSegments(4).journalBytes(64 * 1024).journalInterval(Duration.ofMillis(50)).build());
    Download d = downloader.start(request(dir.resolve("model.bin")).sha256(sha256(content)).build());
    awaitProgress(d, p -> p.durable() >= SIZE / 4);
    d.cancel();
    assertThatThrownBy(() -> d.result().join()).isInstanceOf(CancellationException.class);
    assertThat(Files.exists(dir.resolve("model.bin.part.journal"))).isTrue();
    files.transform((req, resp) -> resp);
    DownloadResult result = get(DownloadRequest.builder(server.url("/model.bin")).toDirectory(dir)
        .sha256(sha256(content)).build());
    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    assertThat(result.resumedFrom()).as("resumed from the journal").isGreaterThan(0);
  }

  /**
   * D10: the retry budget is per download and never refilled by progress: a long download over a
   * link that drops now and then fails after max-retries (5) drops in total, however much it
   * progressed in between.
   */
  @Test
  void occasionalDropsOverALongDownloadDoNotExhaustTheRetries() throws Exception {
    // Every response is cut after 800 kB: each retry makes 800 kB of progress; 5 MB need 6 drops.
    serve(content).transform((req, resp) -> resp.toBuilder().fault(Fault.CLOSE_DURING_BODY, 800_000).build());
    downloader(FAST.toBuilder().maxSegments(1).build());
    Path target = dir.resolve("model.bin");
    get(request(target).sha256(sha256(content)).build());
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
  }


}
