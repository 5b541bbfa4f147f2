package dev.haul.download.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemFileSystemAccessTest {

  private final FileSystemAccess fs = FileSystemAccess.system();

  @TempDir
  Path dir;

  @Test
  void usableSpaceOfAPathNotCreatedYetIsItsAncestorsStore() throws IOException {
    long expected = Files.getFileStore(dir).getUsableSpace();
    long actual = fs.usableSpace(dir.resolve("a/b/c/model.bin.part"));
    assertThat(actual).isPositive();
    // Other processes write meanwhile; the same store gives the same order of magnitude.
    assertThat(Math.abs(actual - expected)).isLessThan(Math.max(expected / 2, 1L << 30));
  }

  @Test
  void openNeverFollowsALink() throws IOException {
    Path real = Files.write(dir.resolve("real"), new byte[] {1});
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    assertThatThrownBy(() -> fs.open(link, EnumSet.of(StandardOpenOption.WRITE)))
        .isInstanceOf(IOException.class);
    try (var ch = fs.open(real, EnumSet.of(StandardOpenOption.READ))) {
      assertThat(ch.size()).isEqualTo(1);
    }
  }

  @Test
  void moveWithoutReplaceRefusesAnExistingTarget() throws IOException {
    Path source = Files.write(dir.resolve("s"), new byte[] {1});
    Path target = Files.write(dir.resolve("t"), new byte[] {2});
    assertThatThrownBy(() -> fs.move(source, target, false)).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readAllBytes(source)).containsExactly(1);
    assertThat(Files.readAllBytes(target)).containsExactly(2);
    Files.delete(target);
    fs.move(source, target, false);
    assertThat(source).doesNotExist();
    assertThat(Files.readAllBytes(target)).containsExactly(1);
  }

  @Test
  void moveWithReplaceReplaces() throws IOException {
    Path source = Files.write(dir.resolve("s"), new byte[] {1});
    Path target = Files.write(dir.resolve("t"), new byte[] {2});
    fs.move(source, target, true);
    assertThat(source).doesNotExist();
    assertThat(Files.readAllBytes(target)).containsExactly(1);
  }

  @Test
  void forceDirectoryAndDelete() throws IOException {
    fs.forceDirectory(dir);
    assertThatThrownBy(() -> fs.forceDirectory(dir.resolve("missing")))
        .isInstanceOf(NoSuchFileException.class);
    Path f = Files.createFile(dir.resolve("f"));
    assertThat(fs.deleteIfExists(f)).isTrue();
    assertThat(fs.deleteIfExists(f)).isFalse();
  }
}
