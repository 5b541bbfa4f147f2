package dev.haul.download.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.download.DiskFullException;
import dev.haul.download.DownloadConfig;
import dev.haul.download.DownloadListener;
import dev.haul.download.DownloadRequest;
import dev.haul.download.DownloadResult;
import dev.haul.download.DownloadStrategy;
import dev.haul.download.InsufficientSpaceException;
import dev.haul.testkit.OriginServer;
import dev.haul.testkit.StaticContent;
import dev.haul.transport.netty.NettyTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10 item 7: disk faults through an injected file-system layer, end to end. */
class DownloadDiskTest {

  private static final int SIZE = 3 * 1024 * 1024 + 7;
  private static final DownloadConfig CONFIG = DownloadConfig.builder().pieceSize(256 * 1024)
      .minSplit(256 * 1024).segmentThreshold(0).maxSegments(4).retryDelay(Duration.ofMillis(10))
      .journalBytes(64 * 1024).build();

  @TempDir
  Path dir;

  private final byte[] content = new byte[SIZE];
  private OriginServer server;
  private HaulClient client;

  @BeforeEach
  void start() {
    new Random(7).nextBytes(content);
    server = OriginServer.builder()
        .dispatcher(StaticContent.create().add("/f.bin", content, "application/octet-stream")).start();
    client = Haul.newBuilder().transport(NettyTransport.create()).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private DownloadResult download(FakeFileSystemAccess fs, Path target) throws Exception {
    try (DefaultDownloader d = new DefaultDownloader(client, CONFIG, DownloadStrategy.adaptive(),
        new DownloadListener() {}, fs)) {
      return d.start(DownloadRequest.builder(server.url("/f.bin")).toFile(target)
          .sha256(sha256(content)).build()).result().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  @Test
  void tooLittleSpaceFailsBeforeAByteIsWrittenNamingTheShortfall() {
    FakeFileSystemAccess fs = new FakeFileSystemAccess().usable(SIZE - 1);
    Path target = dir.resolve("f.bin");
    assertThatThrownBy(() -> download(fs, target))
        .isInstanceOfSatisfying(InsufficientSpaceException.class, e -> assertThat(e.shortfall()).isEqualTo(1));
    assertThat(Files.exists(target)).isFalse();
  }

  @Test
  void aDiskFillingUpMidDownloadFailsTypedAndTheDownloadResumesOnceThereIsSpace() throws Exception {
    // Paced (~1.6 MB/s in all: the disk fills after about a second) so the journal is saved on the
    // way, as it is every 64 MiB of a real download; a save after the disk filled fails too, since
    // the journal's own writes count against the space like the data's.
    server.setDispatcher(StaticContent.create().add("/f.bin", content, "application/octet-stream")
        .transform((req, resp) -> resp.toBuilder().throttle(8 * 1024, Duration.ofMillis(20)).build()));
    FakeFileSystemAccess fs = new FakeFileSystemAccess().spaceLeft(SIZE / 2);
    Path target = dir.resolve("f.bin");
    assertThatThrownBy(() -> download(fs, target)).isInstanceOf(DiskFullException.class);
    assertThat(Files.exists(target)).isFalse();
    Path journal = dir.resolve("f.bin.part.journal");
    // Whatever the journal kept is trusted only if it is consistent; then the rerun resumes.
    fs.spaceLeft(Long.MAX_VALUE);
    DownloadResult r = download(fs, target);
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(r.sha256()).isEqualTo(sha256(content));
    assertThat(r.resumedFrom()).as("resumed from what the journal kept").isGreaterThan(0);
    assertThat(Files.exists(journal)).isFalse();
  }

  @Test
  void aDirectorySyncFailingAfterTheRenameStillReportsTheFinishedFile() throws Exception {
    // Some file systems refuse to sync a directory (EINVAL): the file is in place and verified.
    FakeFileSystemAccess fs = new FakeFileSystemAccess().failForceDirectory(new IOException("Invalid argument"));
    Path target = dir.resolve("f.bin");

    DownloadResult r = download(fs, target);

    assertThat(r.file()).isEqualTo(target);
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(dir.resolve("f.bin.part")).doesNotExist();
    assertThat(dir.resolve("f.bin.part.journal")).doesNotExist();
    assertThat(fs.calls).contains("forceDirectory " + dir.getFileName());
  }

  @Test
  void aJournalThatCannotBeWrittenFailsTheDownloadTypedAndLeavesNoTargetNorTemporaryFile() throws Exception {
    // The journal goes through the same file-system layer as the data: a full disk there is typed.
    FakeFileSystemAccess fs = new FakeFileSystemAccess()
        .failWritesTo(".journal.tmp", new IOException("No space left on device"));
    Path target = dir.resolve("f.bin");

    assertThatThrownBy(() -> download(fs, target)).isInstanceOf(DiskFullException.class);

    assertThat(target).doesNotExist();
    assertThat(dir.resolve("f.bin.part.journal.tmp")).doesNotExist();
    assertThat(fs.calls).anyMatch(c -> c.equals("open f.bin.part.journal.tmp"));
    // With space again the download completes (from zero: no journal was ever kept).
    fs.failWritesTo(".journal.tmp", null);
    DownloadResult r = download(fs, target);
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(r.sha256()).isEqualTo(sha256(content));
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
