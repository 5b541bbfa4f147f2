package dev.haul.download.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link FileSystemAccess} on {@code java.nio.file}. */
final class SystemFileSystemAccess implements FileSystemAccess {

  static final SystemFileSystemAccess INSTANCE = new SystemFileSystemAccess();

  private static final Logger log = LoggerFactory.getLogger(SystemFileSystemAccess.class);

  private SystemFileSystemAccess() {}

  @Override
  public long usableSpace(Path path) throws IOException {
    Path existing = path.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw new NoSuchFileException(path.toString(), null, "no existing ancestor");
    }
    return Files.getFileStore(existing).getUsableSpace();
  }

  @Override
  public FileChannel open(Path path, Set<? extends OpenOption> options,
      java.nio.file.attribute.FileAttribute<?>... attributes) throws IOException {
    Set<OpenOption> withNoFollow = new HashSet<>(options);
    withNoFollow.add(LinkOption.NOFOLLOW_LINKS);
    return FileChannel.open(path, withNoFollow, attributes);
  }

  @Override
  public void move(Path source, Path target, boolean replace) throws IOException {
    if (replace) {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    // rename(2) silently replaces; link(2) refuses an existing target atomically, so link the
    // new name first and then drop the old one. Without hard links, check and rename.
    try {
      Files.createLink(target, source);
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (UnsupportedOperationException | FileSystemException e) {
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(target.toString());
      }
      try {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException notAtomic) {
        notAtomic.addSuppressed(e);
        throw notAtomic;
      }
      return;
    }
    Files.delete(source);
  }

  @Override
  public void forceDirectory(Path directory) throws IOException {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // Windows cannot open a directory as a channel; there a rename is already durable enough.
      if (System.getProperty("os.name", "").startsWith("Windows")) {
        log.debug("cannot sync directory {} on this platform", directory, e);
        return;
      }
      throw e;
    }
  }

  @Override
  public boolean deleteIfExists(Path path) throws IOException {
    return Files.deleteIfExists(path);
  }
}
