package dev.haul.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.UnexpectedStatusException;
import dev.haul.testkit.Fault;
import dev.haul.testkit.MockResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a failed download leaves behind: what a later run can resume, and nothing else. */
class DownloadCleanupTest extends DownloadTestSupport {

  private void assertDirectoryEmpty() throws Exception {
    try (var files = Files.list(dir)) {
      assertThat(files).as("left behind").isEmpty();
    }
  }

  @Test
  void aFileDownloadFailingOnItsFirstAnswerLeavesNoPartFile() throws Exception {
    AtomicInteger n = new AtomicInteger();
    serve(content).transform((req, resp) -> n.getAndIncrement() == 0
        ? MockResponse.builder().status(404).body("no such model").build() : resp);
    downloader(FAST);
    Path target = dir.resolve("model.bin");

    assertThatThrownBy(() -> get(request(target).build())).isInstanceOf(UnexpectedStatusException.class);

    assertDirectoryEmpty();
    // And nothing holds the file: the same download now succeeds in this JVM.
    assertThat(Files.readAllBytes(get(request(target).build()).file())).isEqualTo(content);
  }

  @Test
  void aFailedDownloadThatCannotBeResumedLeavesNoPartFile() throws Exception {
    // No ranges, no validator, and every body cut after 1 MB: nothing written can ever be resumed.
    serve(content).transform((req, resp) -> MockResponse.builder().status(200).body(content)
        .fault(Fault.CLOSE_DURING_BODY, 1_000_000).build());
    downloader(FAST.toBuilder().maxRetries(1).build());
    Path target = dir.resolve("model.bin");

    assertThatThrownBy(() -> get(request(target).build())).isInstanceOf(Exception.class);

    assertDirectoryEmpty();
  }

  @Test
  void aFailedRangedDownloadKeepsItsPartFileAndJournalAndTheNextRunResumes() throws Exception {
    // Ranges with a validator: after 2 MB the server fails every request; what was written stays.
    AtomicInteger served = new AtomicInteger();
    serve(content).transform((req, resp) -> served.incrementAndGet() > 1
        ? MockResponse.builder().status(500).body("down").build()
        : resp.toBuilder().fault(Fault.CLOSE_DURING_BODY, 2_000_000).build());
    downloader(FAST.toBuilder().maxSegments(1).maxRetries(1).build());
    Path target = dir.resolve("model.bin");

    assertThatThrownBy(() -> get(request(target).build())).isInstanceOf(Exception.class);

    assertThat(dir.resolve("model.bin.part")).exists();
    assertThat(dir.resolve("model.bin.part.journal")).exists();
    serve2(content);
    DownloadResult r = get(request(target).sha256(sha256(content)).build());
    assertThat(r.resumedFrom()).isGreaterThan(0);
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
  }
  @Test
  void aCancelledDownloadWithoutAJournalLeavesNoPartFile() throws Exception {
    serve(content).transform((req, resp) -> resp.toBuilder().throttle(64 * 1024, Duration.ofMillis(20)).build());
    downloader(FAST.toBuilder().resume(false).build());
    Download d = downloader.start(request(dir.resolve("model.bin")).build());
    awaitProgress(d, p -> p.received() > 0);

    d.cancel();

    assertThatThrownBy(() -> d.result().get(30, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
    assertDirectoryEmpty();
  }

  @Test
  void aCompleteVerifiedDownloadRefusedAtTheRenameKeepsItsPartFile() throws Exception {
    // No journal (resume off), and someone else's file appears at the target meanwhile: the rename
    // is refused, and the complete, verified bytes stay in FILE.part for the caller.
    serve(content).transform((req, resp) -> resp.toBuilder().throttle(256 * 1024, Duration.ofMillis(20)).build());
    downloader(FAST.toBuilder().resume(false).build());
    Path target = dir.resolve("model.bin");
    Download d = downloader.start(request(target).sha256(sha256(content)).build());
    awaitProgress(d, p -> p.received() > 0);
    Files.write(target, new byte[] {1});

    assertThatThrownBy(() -> d.result().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(DownloadFileException.class);

    assertThat(Files.readAllBytes(target)).containsExactly(1);
    assertThat(Files.readAllBytes(dir.resolve("model.bin.part"))).isEqualTo(content);
  }

  @Test
  void aCommitKilledBetweenItsLinkAndItsUnlinkIsFinishedByTheNextRun() throws Exception {
    // A no-clobber commit links FILE to FILE.part, then unlinks FILE.part; killed in between, both
    // names are the finished file, and the journal is still there.
    serve(content).transform((req, resp) -> resp.toBuilder().throttle(64 * 1024, Duration.ofMillis(20)).build());
    downloader(FAST.toBuilder().journalBytes(64 * 1024).build());
    Path target = dir.resolve("model.bin");
    Download d = downloader.start(request(target).build());
    awaitProgress(d, p -> p.durable() > 0);
    d.cancel();
    assertThatThrownBy(() -> d.result().get(30, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
    assertThat(dir.resolve("model.bin.part.journal")).exists();
    Files.write(dir.resolve("model.bin.part"), content);
    Files.createLink(target, dir.resolve("model.bin.part"));

    DownloadResult r = get(request(target).sha256(sha256(content)).build());

    assertThat(r.file()).isEqualTo(target);
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertDirectoryContains("model.bin");
  }

  @Test
  void aCommitKilledBetweenItsLinkAndItsUnlinkWithoutAJournalIsFinishedToo() throws Exception {
    serve(content);
    downloader(FAST.toBuilder().resume(false).build());
    Path target = dir.resolve("model.bin");
    Files.write(target, content);
    Files.createLink(dir.resolve("model.bin.part"), target);

    DownloadResult r = get(request(target).sha256(sha256(content))
        .overwrite(DownloadRequest.Overwrite.REPLACE).build());

    assertThat(Files.readAllBytes(r.file())).isEqualTo(content);
    assertDirectoryContains("model.bin");
    assertThat(server.requestCount()).as("nothing to fetch").isZero();
  }

  private void assertDirectoryContains(String... names) throws Exception {
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder(names);
    }
  }
}
