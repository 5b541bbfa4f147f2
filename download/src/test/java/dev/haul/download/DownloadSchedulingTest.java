package dev.haul.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.testkit.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the downloader shares a file among its connections, end to end: equal shares at the start,
 * work stolen or raced only from a connection that has long to go.
 */
class DownloadSchedulingTest extends DownloadTestSupport {

  /** SIZE (5 MiB + 123) over 4 connections in 256 KiB pieces: the cuts an equal share gives. */
  private static final List<String> EQUAL_SHARES = List.of("bytes=0-", "bytes=1310720-2621439",
      "bytes=2621440-3932159", "bytes=3932160-" + (SIZE - 1));

  @Test
  void connectionsAtTheSameRateGetEqualSharesAndNeverStealOrRace() throws Exception {
    // Every answer at the same pace (~4 MB/s): each share takes about 0.3 s, so when the first
    // connection is done, any other, measured at that pace, needs well under the 1 s that makes a
    // steal or a race worth it; one not measured yet is no candidate at all.
    serve(content).transform((req, resp) -> resp.toBuilder().throttle(64 * 1024, Duration.ofMillis(15)).build());
    downloader(FAST.toBuilder().maxSegments(4).build());
    Path target = dir.resolve("model.bin");

    DownloadResult r = get(request(target).sha256(sha256(content)).build());

    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(r.connections()).isEqualTo(4);
    assertThat(server.requests()).extracting(rr -> rr.header("Range"))
        .containsExactlyInAnyOrderElementsOf(EQUAL_SHARES);
    assertThat(moduleEvents).filteredOn(e -> e instanceof DownloadEvent.SegmentStarted s && s.duplicate())
        .as("no end-game race").isEmpty();
  }

  @Test
  void aConnectionFarSlowerThanTheOthersHasItsRangeStolen() throws Exception {
    // The second share crawls (16 KiB per 100 ms: its 1.25 MiB would take 8 s); the others are fast.
    String slow = EQUAL_SHARES.get(1);
    serve(content).transform((req, resp) -> slow.equals(req.header("Range"))
        ? resp.toBuilder().throttle(16 * 1024, Duration.ofMillis(100)).build() : resp);
    downloader(FAST.toBuilder().maxSegments(4).build());
    Path target = dir.resolve("model.bin");

    DownloadResult r = get(request(target).sha256(sha256(content)).build());

    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    List<String> ranges = server.requests().stream().map(rr -> rr.header("Range")).toList();
    assertThat(ranges).containsAll(EQUAL_SHARES);
    // Idle fast connections took parts of the slow share: ranges that start inside it.
    assertThat(ranges).anySatisfy(range -> {
      long start = Long.parseLong(range.substring("bytes=".length(), range.indexOf('-')));
      assertThat(start).isStrictlyBetween(1310720L, 2621440L);
    });
    assertThat(r.connections()).isEqualTo(4);
    for (RecordedRequest rr : server.requests().subList(1, server.requests().size())) {
      assertThat(rr.header("If-Range")).isNotNull();
    }
  }
  @Test
  void idleConnectionsStealFromTheSlowShareNotFromEachOthersFreshSteals() throws Exception {
    String slow = EQUAL_SHARES.get(1);
    serve(content).transform((req, resp) -> slow.equals(req.header("Range"))
        ? resp.toBuilder().throttle(16 * 1024, Duration.ofMillis(100)).build() : resp);
    downloader(FAST.toBuilder().maxSegments(4).build());
    Path target = dir.resolve("model.bin");

    get(request(target).sha256(sha256(content)).build());

    List<String> ranges = server.requests().stream().map(rr -> rr.header("Range")).toList();
    // Every request after the four shares starts inside the slow share, never inside a range that
    // another idle connection took a moment ago (a fresh steal has no measured rate yet).
    List<long[]> stolen = ranges.subList(4, ranges.size()).stream().map(range -> {
      String[] p = range.substring("bytes=".length()).split("-");
      return new long[] {Long.parseLong(p[0]), Long.parseLong(p[1]) + 1};
    }).toList();
    assertThat(stolen).isNotEmpty();
    for (long[] a : stolen) {
      assertThat(a[0]).isStrictlyBetween(1310720L, 2621440L);
      for (long[] b : stolen) {
        if (a != b) {
          assertThat(a[0] > b[0] && a[0] < b[1]).as("a steal inside another fresh steal").isFalse();
        }
      }
    }
  }

  @Test
  void aFileSmallerThanAPiecePerConnectionIsSharedInSmallerPiecesAndNeverRacedEarly() throws Exception {
    // 1 MiB over 8 connections in 4 MiB pieces: the plan takes 128 KiB pieces instead (one share
    // each), and no segment is raced before its rate is known.
    byte[] small = random(1024 * 1024, 2);
    serve(small).transform((req, resp) -> resp.toBuilder().throttle(64 * 1024, Duration.ofMillis(20)).build());
    downloader(FAST.toBuilder().pieceSize(4L << 20).minSplit(4L << 20).build());
    Path target = dir.resolve("model.bin");

    DownloadResult r = get(request(target).strategy(DownloadStrategy.segmented(8)).build());

    assertThat(Files.readAllBytes(target)).isEqualTo(small);
    assertThat(moduleEvents).filteredOn(e -> e instanceof DownloadEvent.SegmentStarted s && s.duplicate())
        .as("no race before any rate was measured").isEmpty();
    assertThat(server.requests()).hasSize(8);
    assertThat(r.connections()).isEqualTo(8);
  }
}
