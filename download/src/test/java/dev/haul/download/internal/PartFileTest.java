package dev.haul.download.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.ResponseBody;
import dev.haul.download.DiskFullException;
import dev.haul.download.DownloadFileException;
import dev.haul.download.internal.PartFile.Preallocation;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartFileTest {

  private static final URI URI_ = URI.create("https://h/model.bin");
  private static final int KIB = 1024;

  @TempDir
  Path dir;

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] slice(byte[] b, int from, int to) {
    return Arrays.copyOfRange(b, from, to);
  }

  /**
   * The disk fills up in the middle of a segment's write: the error is typed and names the part
   * file and how much of that write landed; the bytes before it, the other segments, the journal
   * and the final name are untouched; once space is freed the write completes the file.
   */
  @Test
  void aFullDiskMidWriteIsTypedAndCorruptsNothing() throws IOException {
    int length = 2048 * KIB;
    byte[] remote = random(length, 1);
    Path part = dir.resolve("model.bin.part");
    Path journal = dir.resolve("model.bin.part.journal");
    Path target = dir.resolve("model.bin");
    byte[] journalBytes = random(300, 2);
    Files.write(journal, journalBytes);
    FakeFileSystemAccess fs = new FakeFileSystemAccess();

    try (PartFile file = PartFile.open(fs, part, URI_)) {
      assertThat(file.preallocate(length)).isEqualTo(Preallocation.EXTENDED);
      file.write(ByteBuffer.wrap(remote, 0, 100 * KIB), 0); // an earlier segment
      fs.spaceLeft(300 * KIB);
      ByteBuffer segment = ByteBuffer.wrap(remote, 512 * KIB, 1024 * KIB);
      assertThatThrownBy(() -> file.write(segment, 512 * KIB))
          .isInstanceOfSatisfying(DiskFullException.class, e -> {
            assertThat(e.path()).isEqualTo(part);
            assertThat(e.bytesWritten()).isEqualTo(300 * KIB);
            assertThat(e).hasMessageContaining(part.toString())
                .hasMessageContaining("307200 bytes (300.0 KiB)")
                .hasRootCauseMessage("No space left on device");
          });
      assertThat(segment.position()).as("the buffer says what was written")
          .isEqualTo(512 * KIB + 300 * KIB);

      byte[] onDisk = Files.readAllBytes(part);
      assertThat(onDisk).hasSize(length);
      assertThat(slice(onDisk, 0, 100 * KIB)).isEqualTo(slice(remote, 0, 100 * KIB));
      assertThat(slice(onDisk, 100 * KIB, 512 * KIB)).containsOnly(0);
      assertThat(slice(onDisk, 512 * KIB, 812 * KIB)).isEqualTo(slice(remote, 512 * KIB, 812 * KIB));
      assertThat(slice(onDisk, 812 * KIB, length)).containsOnly(0);
      assertThat(Files.readAllBytes(journal)).isEqualTo(journalBytes);
      assertThat(target).doesNotExist();

      // Space is freed: the segment resumes where the journal says it stopped.
      fs.spaceLeft(Long.MAX_VALUE);
      file.write(segment, 812 * KIB);
      file.write(ByteBuffer.wrap(remote, 100 * KIB, 412 * KIB), 100 * KIB);
      file.write(ByteBuffer.wrap(remote, 1536 * KIB, 512 * KIB), 1536 * KIB);
      file.commitTo(target, false);
    }
    assertThat(Files.readAllBytes(target)).isEqualTo(remote);
    assertThat(part).doesNotExist();
  }

  @Test
  void aTransferToFailingOnAFullDiskMapsToDiskFull() throws Exception {
    byte[] body = random(200 * KIB, 3);
    FakeFileSystemAccess fs = new FakeFileSystemAccess().spaceLeft(50 * KIB);
    Path part = dir.resolve("x.part");
    try (PartFile file = PartFile.open(fs, part, URI_)) {
      var transfer = ResponseBody.ofBytes(body).transferTo(file.channel(), 0);
      assertThatThrownBy(transfer::get).isInstanceOf(ExecutionException.class);
      Throwable error = transfer.handle((n, t) -> t).get();
      assertThat(file.failure(error, 50 * KIB)).isInstanceOf(DiskFullException.class)
          .hasMessageContaining("51200 bytes (50.0 KiB)");
      assertThat(Files.readAllBytes(part)).isEqualTo(slice(body, 0, 50 * KIB));
    }
  }

  @Test
  void preallocationOfANewFileIsFullOfZeros() throws IOException {
    Path part = dir.resolve("p.part");
    try (PartFile file = PartFile.open(FileSystemAccess.system(), part, URI_)) {
      assertThat(file.preallocate(100_000)).isEqualTo(Preallocation.EXTENDED);
      assertThat(file.channel().size()).isEqualTo(100_000);
    }
    assertThat(Files.readAllBytes(part)).hasSize(100_000).containsOnly(0);
  }

  @Test
  void preallocationNeverOverwritesNorShrinks() throws IOException {
    Path part = dir.resolve("p.part");
    byte[] existing = random(1000, 4);
    Files.write(part, existing);
    try (PartFile file = PartFile.open(FileSystemAccess.system(), part, URI_)) {
      assertThat(file.preallocate(1000)).isEqualTo(Preallocation.ALREADY_SIZED);
      assertThat(file.preallocate(10)).isEqualTo(Preallocation.ALREADY_SIZED);
      assertThat(file.preallocate(0)).isEqualTo(Preallocation.ALREADY_SIZED);
      assertThat(file.preallocate(1001)).isEqualTo(Preallocation.EXTENDED);
      assertThatThrownBy(() -> file.preallocate(-1)).isInstanceOf(IllegalArgumentException.class);
    }
    byte[] after = Files.readAllBytes(part);
    assertThat(after).hasSize(1001);
    assertThat(slice(after, 0, 1000)).isEqualTo(existing);
  }

  @Test
  void preallocationOnAFullDiskIsDiskFull() {
    FakeFileSystemAccess fs = new FakeFileSystemAccess().spaceLeft(0);
    try (PartFile file = PartFile.open(fs, dir.resolve("p.part"), URI_)) {
      assertThatThrownBy(() -> file.preallocate(1 << 20)).isInstanceOf(DiskFullException.class);
    }
  }

  @Test
  void openRefusesASymbolicLink() throws IOException {
    Path outside = Files.write(Files.createTempFile("outside", ".bin"), new byte[] {42});
    try {
      Path part = Files.createSymbolicLink(dir.resolve("planted.part"), outside);
      assertThatThrownBy(() -> PartFile.open(FileSystemAccess.system(), part, URI_))
          .isInstanceOf(DownloadFileException.class)
          .hasMessageContaining("cannot open " + part);
      assertThat(Files.readAllBytes(outside)).containsExactly(42);
    } finally {
      Files.delete(outside);
    }
  }

  @Test
  void commitForcesClosesMovesThenSyncsTheDirectory() throws IOException {
    FakeFileSystemAccess fs = new FakeFileSystemAccess();
    Path part = dir.resolve("m.part");
    PartFile file = PartFile.open(fs, part, URI_);
    file.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
    file.commitTo(dir.resolve("m"), false);
    assertThat(fs.calls).containsExactly("open m.part", "force m.part", "close m.part",
        "move m.part m false", "forceDirectory " + dir.getFileName());
    assertThat(Files.readAllBytes(dir.resolve("m"))).containsExactly(1, 2, 3);
    assertThat(part).doesNotExist();
  }

  @Test
  void commitWithoutReplaceKeepsAnExistingTarget() throws IOException {
    Path part = dir.resolve("m.part");
    Path target = Files.write(dir.resolve("m"), new byte[] {9});
    PartFile file = PartFile.open(FileSystemAccess.system(), part, URI_);
    file.write(ByteBuffer.wrap(new byte[] {1}), 0);
    assertThatThrownBy(() -> file.commitTo(target, false))
        .isInstanceOf(DownloadFileException.class)
        .hasCauseInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("cannot rename " + part + " to " + target);
    assertThat(Files.readAllBytes(target)).containsExactly(9);
    assertThat(Files.readAllBytes(part)).containsExactly(1);
  }

  @Test
  void commitWithReplaceReplaces() throws IOException {
    Path part = dir.resolve("m.part");
    Path target = Files.write(dir.resolve("m"), new byte[] {9});
    PartFile file = PartFile.open(FileSystemAccess.system(), part, URI_);
    file.write(ByteBuffer.wrap(new byte[] {1}), 0);
    file.commitTo(target, true);
    assertThat(Files.readAllBytes(target)).containsExactly(1);
    assertThat(part).doesNotExist();
  }

  @Test
  void aFailingForceIsTypedAndNotDiskFull() {
    FakeFileSystemAccess fs = new FakeFileSystemAccess().failForce(new IOException("Input/output error"));
    Path part = dir.resolve("f.part");
    try (PartFile file = PartFile.open(fs, part, URI_)) {
      assertThatThrownBy(file::force).isExactlyInstanceOf(DownloadFileException.class)
          .hasRootCauseMessage("Input/output error");
      assertThatThrownBy(() -> file.commitTo(dir.resolve("f"), false))
          .isExactlyInstanceOf(DownloadFileException.class);
    }
    assertThat(part).exists();
    assertThat(dir.resolve("f")).doesNotExist();
  }

  @Test
  void deleteRemovesThePartFile() throws IOException {
    Path part = dir.resolve("d.part");
    PartFile file = PartFile.open(FileSystemAccess.system(), part, URI_);
    file.write(ByteBuffer.wrap(new byte[10]), 0);
    file.delete();
    assertThat(part).doesNotExist();
    assertThat(file.channel().isOpen()).isFalse();
    file.close(); // idempotent
  }

  @Test
  void writeRejectsANegativePosition() {
    try (PartFile file = PartFile.open(FileSystemAccess.system(), dir.resolve("n.part"), URI_)) {
      assertThatThrownBy(() -> file.write(ByteBuffer.allocate(1), -1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(file.path()).isEqualTo(dir.resolve("n.part"));
    }
  }
  @Test
  void aPartFileWithAnotherHardLinkIsRefusedAndTheOtherFileUntouched() throws IOException {
    Path other = Files.write(dir.resolve("someone-elses"), new byte[] {7, 7, 7});
    Path part = Files.createLink(dir.resolve("m.part"), other);
    assertThatThrownBy(() -> PartFile.open(FileSystemAccess.system(), part, URI_))
        .isInstanceOf(DownloadFileException.class)
        .hasRootCauseMessage(part + " has 2 hard links: not a part file of this download");
    assertThat(Files.readAllBytes(other)).containsExactly(7, 7, 7);
    // Not locked or held open: once the link is gone, the name can be used.
    Files.delete(part);
    PartFile.open(FileSystemAccess.system(), part, URI_).close();
  }
  @Test
  void aPartFileOwnedByAnotherUserIsRefused() throws IOException {
    // Giving a file away takes root, which is what CI and this project's machines run as.
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")));
    Path part = Files.write(dir.resolve("m.part"), new byte[] {1});
    java.nio.file.attribute.UserPrincipal nobody =
        part.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    Files.setOwner(part, nobody);
    assertThatThrownBy(() -> PartFile.open(FileSystemAccess.system(), part, URI_))
        .isInstanceOf(DownloadFileException.class)
        .hasRootCauseMessage(part + " belongs to uid " + Files.getAttribute(part, "unix:uid")
            + ", not to this process's uid 0");
    // Whatever user.name says: the uid decides.
    String name = System.getProperty("user.name");
    System.setProperty("user.name", "nobody");
    try {
      Files.setOwner(part, part.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root"));
      PartFile.open(FileSystemAccess.system(), part, URI_).close();
    } finally {
      System.setProperty("user.name", name);
    }
    assertThat(Files.readAllBytes(part)).containsExactly(1);
  }
}
