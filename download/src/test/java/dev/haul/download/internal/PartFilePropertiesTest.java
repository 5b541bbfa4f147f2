package dev.haul.download.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.download.DiskFullException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

class PartFilePropertiesTest {

  private static Path dir;

  @BeforeContainer
  static void createDir() throws Exception {
    dir = Files.createTempDirectory("part-file");
  }

  @AfterContainer
  static void deleteDir() throws Exception {
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  /**
   * Whatever space is left when a write starts, the write either completes or fails as a full
   * disk naming exactly the bytes that landed; those bytes are the data's prefix at the right
   * offset and nothing else in the file changed.
   */
  @Property(tries = 200)
  void aWriteThatRunsOutOfSpaceReportsExactlyWhatLanded(
      @ForAll @Size(min = 1, max = 20_000) byte[] data,
      @ForAll @IntRange(min = 0, max = 30_000) int position,
      @ForAll @IntRange(min = 0, max = 25_000) int spaceLeft) throws Exception {
    Path part = Files.createTempFile(dir, "p", ".part");
    byte[] before = new byte[60_000];
    Arrays.fill(before, (byte) 0x5A);
    Files.write(part, before);
    FakeFileSystemAccess fs = new FakeFileSystemAccess().spaceLeft(spaceLeft);
    try (PartFile file = PartFile.open(fs, part, URI.create("https://h/f"))) {
      int landed = Math.min(spaceLeft, data.length);
      if (spaceLeft >= data.length) {
        assertThatCode(() -> file.write(ByteBuffer.wrap(data), position)).doesNotThrowAnyException();
      } else {
        assertThatThrownBy(() -> file.write(ByteBuffer.wrap(data), position))
            .isInstanceOfSatisfying(DiskFullException.class, e -> {
              assertThat(e.bytesWritten()).isEqualTo(landed);
              assertThat(e.path()).isEqualTo(part);
            });
      }
      byte[] after = Files.readAllBytes(part);
      byte[] expected = before.clone();
      System.arraycopy(data, 0, expected, position, landed);
      assertThat(after).isEqualTo(expected);
    } finally {
      Files.delete(part);
    }
  }
}
