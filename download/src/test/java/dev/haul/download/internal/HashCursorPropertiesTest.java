package dev.haul.download.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

class HashCursorPropertiesTest {

  private static Path dir;

  @BeforeContainer
  static void createDir() throws Exception {
    dir = Files.createTempDirectory("hash-cursor");
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
   * Whatever the advances (in any order, repeated, backwards, jumping) and however the worker's
   * runs interleave with them, the digest is SHA-256 over the whole file.
   */
  @Property(tries = 300)
  void digestEqualsMessageDigestOverTheWholeFile(
      @ForAll @Size(max = 70_000) byte[] content,
      @ForAll @IntRange(min = 1, max = 20_000) int bufferSize,
      @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 1_000_000) Integer> advances,
      @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 3) Integer> runsBetween) throws Exception {
    Path file = Files.write(Files.createTempFile(dir, "p", ".part"), content);
    ManualExecutor executor = new ManualExecutor();
    try (FileChannel ch = FileChannel.open(file)) {
      HashCursor cursor = new HashCursor(ch, file, content.length, executor, bufferSize);
      for (int i = 0; i < advances.size(); i++) {
        long offset = content.length == 0 ? 0 : advances.get(i) % (content.length + 1L);
        cursor.advanceTo(offset);
        int runs = i < runsBetween.size() ? runsBetween.get(i) : 0;
        for (int r = 0; r < runs; r++) {
          executor.runOne();
        }
        assertThat(cursor.hashed()).isLessThanOrEqualTo(cursor.target());
      }
      cursor.advanceTo(content.length);
      executor.runAll();
      assertThat(cursor.hashed()).isEqualTo(content.length);
      assertThat(cursor.finish().getNow(null)).isEqualTo(HashCursorTest.sha256(content));
    } finally {
      Files.delete(file);
    }
  }
}
