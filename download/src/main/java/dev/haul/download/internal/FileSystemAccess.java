package dev.haul.download.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * The file-system operations a download performs, behind one small interface so tests can
 * simulate a full disk, a failing fsync or a refused rename without a real small file system.
 * {@link #system()} is the real one.
 */
public interface FileSystemAccess {

  /**
   * Bytes usable by this JVM on the file store that holds {@code path}, or would hold it: when
   * {@code path} does not exist yet, its nearest existing ancestor's store is used.
   */
  long usableSpace(Path path) throws IOException;

  /**
   * Opens {@code path}. Implementations never follow a symbolic link at the last path element,
   * whatever {@code options} say, so a planted link cannot redirect a download's writes.
   */
  FileChannel open(Path path, Set<? extends OpenOption> options, java.nio.file.attribute.FileAttribute<?>... attributes)
      throws IOException;

  /**
   * Renames {@code source} to {@code target} atomically. With {@code replace} false, fails with
   * {@link java.nio.file.FileAlreadyExistsException} when {@code target} exists, also when it
   * appears concurrently where the file system allows checking that atomically.
   */
  void move(Path source, Path target, boolean replace) throws IOException;

  /**
   * Makes a directory's entries (a rename, a new file) durable. A no-op where the platform cannot
   * open a directory for syncing.
   */
  void forceDirectory(Path directory) throws IOException;

  /** Deletes {@code path} if it exists; returns whether it did. */
  boolean deleteIfExists(Path path) throws IOException;

  /** The platform's file system. */
  static FileSystemAccess system() {
    return SystemFileSystemAccess.INSTANCE;
  }
}
