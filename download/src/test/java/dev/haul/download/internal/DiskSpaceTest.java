package dev.haul.download.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.SendState;
import dev.haul.download.DiskFullException;
import dev.haul.download.DownloadFileException;
import dev.haul.download.InsufficientSpaceException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class DiskSpaceTest {

  private static final Path PART = Path.of("/data/models/model.bin.part");
  private static final URI URI_WITH_TOKEN = URI.create("https://h/model.bin?token=s3cr3t");
  private static final long GIB = 1L << 30;

  @Test
  void exactFitPassesAndOneByteShortFails() {
    DiskSpace space = new DiskSpace(new FakeFileSystemAccess().usable(1000));
    assertThatCode(() -> space.require(PART, 1000, null, SendState.NOT_SENT)).doesNotThrowAnyException();
    assertThatCode(() -> space.require(PART, 0, null, SendState.NOT_SENT)).doesNotThrowAnyException();
    assertThatThrownBy(() -> space.require(PART, 1001, null, SendState.NOT_SENT))
        .isInstanceOfSatisfying(InsufficientSpaceException.class, e -> {
          assertThat(e.required()).isEqualTo(1001);
          assertThat(e.usable()).isEqualTo(1000);
          assertThat(e.shortfall()).isEqualTo(1);
          assertThat(e.path()).isEqualTo(PART);
          assertThat(e.sendState()).isEqualTo(SendState.NOT_SENT);
          assertThat(e).hasMessageContaining("short by 1 byte");
        });
  }

  @Test
  void shortfallIsNamedInBytesAndHumanUnitsWithoutSecrets() {
    DiskSpace space = new DiskSpace(new FakeFileSystemAccess().usable(GIB));
    assertThatThrownBy(() -> space.require(PART, 10 * GIB, URI_WITH_TOKEN, SendState.RESPONSE_STARTED))
        .isInstanceOf(InsufficientSpaceException.class)
        .hasMessageContaining("not enough disk space for " + PART)
        .hasMessageContaining("needs 10737418240 bytes (10.0 GiB)")
        .hasMessageContaining("usable 1073741824 bytes (1.0 GiB)")
        .hasMessageContaining("short by 9663676416 bytes (9.0 GiB)")
        .hasMessageNotContaining("s3cr3t")
        .satisfies(e -> assertThat(((InsufficientSpaceException) e).uri()).isEqualTo(URI_WITH_TOKEN));
  }

  @Test
  void unreadableUsableSpaceIsTyped() {
    FileSystemAccess failing = new FakeFileSystemAccess().failUsableSpace(new IOException("statvfs failed"));
    assertThatThrownBy(() -> new DiskSpace(failing).require(PART, 1, null, SendState.NOT_SENT))
        .isExactlyInstanceOf(DownloadFileException.class)
        .hasMessageContaining("cannot read the usable space for " + PART)
        .hasRootCauseMessage("statvfs failed");
  }

  @Test
  void negativeRequirementIsAProgrammingError() {
    DiskSpace space = new DiskSpace(new FakeFileSystemAccess());
    assertThatThrownBy(() -> space.require(PART, -1, null, SendState.NOT_SENT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bytesToWrite: -1 (expected: >= 0)");
  }

  @Test
  void noSpaceErrorsBecomeDiskFull() {
    DiskSpace space = new DiskSpace(new FakeFileSystemAccess());
    for (String message : new String[] {"No space left on device",
        "There is not enough space on the disk", "Disk quota exceeded"}) {
      DownloadFileException e = space.failure(new IOException(message), PART, 4096, URI_WITH_TOKEN);
      assertThat(e).as(message).isInstanceOfSatisfying(DiskFullException.class, full -> {
        assertThat(full.bytesWritten()).isEqualTo(4096);
        assertThat(full.path()).isEqualTo(PART);
        assertThat(full.sendState()).isEqualTo(SendState.RESPONSE_STARTED);
        assertThat(full).hasMessageContaining(PART.toString())
            .hasMessageContaining("4096 bytes (4.0 KiB)").hasMessageNotContaining("s3cr3t");
      });
    }
  }

  @Test
  void aWrappedNoSpaceErrorIsFound() {
    DiskSpace space = new DiskSpace(new FakeFileSystemAccess());
    Throwable wrapped = new CompletionException(new IOException("write failed",
        new IOException("No space left on device")));
    assertThat(space.failure(wrapped, PART, 1, null)).isInstanceOf(DiskFullException.class);
  }

  @Test
  void aLocalisedMessageOnANearlyFullDiskIsDiskFull() {
    FakeFileSystemAccess fs = new FakeFileSystemAccess().usable(DiskSpace.NEARLY_FULL_BYTES - 1);
    IOException localised = new IOException("Plus d'espace disponible sur le p\u00E9riph\u00E9rique");
    assertThat(new DiskSpace(fs).failure(localised, PART, 0, null)).isInstanceOf(DiskFullException.class);
    fs.usable(DiskSpace.NEARLY_FULL_BYTES);
    assertThat(new DiskSpace(fs).failure(localised, PART, 0, null)).isNotInstanceOf(DiskFullException.class);
  }

  @Test
  void otherErrorsStayGenericAndTypedOnesPassThrough() {
    DiskSpace space = new DiskSpace(new FakeFileSystemAccess());
    IOException io = new IOException("Input/output error");
    DownloadFileException e = space.failure(io, PART, 10, null);
    assertThat(e).isExactlyInstanceOf(DownloadFileException.class)
        .hasMessageContaining("writing " + PART + " failed after 10 bytes").hasCause(io);
    assertThat(space.failure(e, PART, 99, null)).isSameAs(e);
    // A non-I/O failure is never taken for a full disk, even on a full disk.
    DiskSpace full = new DiskSpace(new FakeFileSystemAccess().usable(0));
    assertThat(full.failure(new IllegalStateException("bug"), PART, 0, null))
        .isExactlyInstanceOf(DownloadFileException.class);
  }

  @Test
  void noSpaceWordingIsRecognised() {
    assertThat(DiskSpace.looksLikeNoSpace("NO SPACE LEFT ON DEVICE")).isTrue();
    assertThat(DiskSpace.looksLikeNoSpace("Disc quota exceeded")).isTrue();
    assertThat(DiskSpace.looksLikeNoSpace("File too large")).isFalse();
    assertThat(DiskSpace.looksLikeNoSpace("Connection reset")).isFalse();
  }
}
