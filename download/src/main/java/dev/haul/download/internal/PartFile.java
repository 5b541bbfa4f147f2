package dev.haul.download.internal;

import static java.util.Objects.requireNonNull;

import dev.haul.SendState;
import dev.haul.download.DownloadFileException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;

/**
 * A download's {@code FILE.part}: opened without following links, written with positional writes
 * from any number of threads, optionally preallocated, and finally renamed to its real name.
 * Every I/O failure comes out typed ({@link DownloadFileException}, {@link
 * dev.haul.download.DiskFullException} when the disk is full).
 *
 * <p>Preallocation sets the length by writing one zero byte at {@code length - 1} when the file is
 * shorter. That fixes the size up front (positional writes anywhere, an early error where the file
 * system cannot hold a file that large, such as FAT32 at 4 GiB) but on Linux and macOS file systems
 * with sparse files (ext4, XFS, btrfs, APFS) it reserves no blocks: a disk can still fill up later,
 * which is why {@link DiskSpace#require} runs first and write failures are typed. Java offers no
 * {@code fallocate}; writing zeros over the whole file would double the I/O of a 20 GB download.
 */
public final class PartFile implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PartFile.class);

  /** What {@link #preallocate} did. */
  public enum Preallocation {
    /** The file was shorter and now has the requested length (sparse where supported). */
    EXTENDED,
    /** The file already had at least the requested length; nothing was written. */
    ALREADY_SIZED
  }

  private final FileSystemAccess fs;
  private final DiskSpace space;
  private final Path path;
  private final URI uri;
  private final FileChannel channel;

  private PartFile(FileSystemAccess fs, Path path, URI uri, FileChannel channel) {
    this.fs = fs;
    this.space = new DiskSpace(fs);
    this.path = path;
    this.uri = uri;
    this.channel = channel;
  }

  /**
   * Opens (creating if needed, keeping existing bytes for a resume) {@code path} for reading and
   * writing.
   *
   * @param uri the download's URI, for messages; may be null
   * @throws DownloadFileException if it cannot be opened (for example, it is a symbolic link)
   */
  public static PartFile open(FileSystemAccess fs, Path path, URI uri) {
    requireNonNull(fs, "fs is null");
    requireNonNull(path, "path is null");
    try {
      // Only a part file that was there before is checked for being someone else's: one this
      // download creates is its own, even where the file system maps every file to another owner
      // (NFS with all_squash, a CIFS mount with uid=).
      boolean existed = java.nio.file.Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      FileChannel channel = fs.open(path, EnumSet.of(StandardOpenOption.CREATE,
          StandardOpenOption.READ, StandardOpenOption.WRITE));
      // One writer per part file, across processes: a second download of the same file (another
      // run of the tool, another downloader) must not interleave its bytes with this one's.
      boolean locked;
      try {
        locked = channel.tryLock() != null; // released when the channel closes
      } catch (java.nio.channels.OverlappingFileLockException heldHere) {
        locked = false; // this JVM holds it: another download of the same file
      } catch (IOException | UnsupportedOperationException noLocking) {
        locked = true; // a file system without locks: nothing to check against
      }
      if (!locked) {
        channel.close();
        throw new DownloadFileException("another download is writing " + path, path, uri,
            SendState.NOT_SENT, null);
      }
      try {
        if (existed) {
          refuseShared(path);
        }
        ownerOnly(path);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      return new PartFile(fs, path, uri, channel);
    } catch (IOException e) {
      throw new DownloadFileException("cannot open " + path, path, uri,
          SendState.RESPONSE_STARTED, e);
    }
  }

  /**
   * Refuses a part file that is not this process's own: one with other hard links (writing it would
   * write another file too, and the rename would leave that one holding the download) or, where the
   * file system has POSIX owners, one owned by another user (who could read or swap what is
   * written): what someone else left in a shared directory. (A no-clobber commit killed between
   * its link and its unlink leaves a second link too; the downloader recognises that state before
   * it opens the part file.) The checks look the path up after opening it; in a directory others
   * may write to, the path could be swapped in between: download into your own directories.
   */
  private static void refuseShared(Path path) throws IOException {
    if (!path.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      return; // no link counts or numeric owners to compare (Windows): its ACLs apply
    }
    Object links = java.nio.file.Files.getAttribute(path, "unix:nlink", java.nio.file.LinkOption.NOFOLLOW_LINKS);
    if (links instanceof Integer n && n > 1) {
      throw new IOException(path + " has " + n + " hard links: not a part file of this download");
    }
    Integer me = currentUid();
    Object owner = java.nio.file.Files.getAttribute(path, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
    if (me != null && owner instanceof Integer uid && !uid.equals(me)) {
      throw new IOException(path + " belongs to uid " + uid + ", not to this process's uid " + me);
    }
  }

  /**
   * The uid this process runs as, read from {@code /proc/self} (owned by it), not from the
   * {@code user.name} property, which names a user and can be anything; null where there is no
   * {@code /proc} (macOS): then no owner check.
   */
  private static Integer currentUid() {
    try {
      return (Integer) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Makes the part file readable and writable by its owner only (where the file system has POSIX
   * permissions): a download in progress is nobody else's business, whatever the umask says.
   */
  private static void ownerOnly(Path path) throws IOException {
    try {
      java.nio.file.Files.setPosixFilePermissions(path,
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows and other non-POSIX file systems: their ACLs apply
    }
  }

  /** The file's path. */
  public Path path() {
    return path;
  }

  /**
   * The open channel, for positional writes such as {@code ResponseBody.transferTo(channel, pos)}
   * and for a {@link HashCursor}; map its failures with {@link #failure}.
   */
  public FileChannel channel() {
    return channel;
  }

  /**
   * Extends the file to {@code length} if it is shorter; never shrinks it and never overwrites a
   * byte that exists (a resumed download's last segment may already be there).
   */
  public Preallocation preallocate(long length) {
    if (length < 0) {
      throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
    }
    try {
      if (channel.size() >= length) {
        return Preallocation.ALREADY_SIZED;
      }
      write(ByteBuffer.allocate(1), length - 1);
      return Preallocation.EXTENDED;
    } catch (IOException e) {
      throw failure(e, 0);
    }
  }

  /**
   * Writes all of {@code src} at {@code position}.
   *
   * @throws dev.haul.download.DiskFullException when the disk fills up, naming the bytes of
   *     {@code src} that were written
   * @throws DownloadFileException on any other write failure
   */
  public void write(ByteBuffer src, long position) {
    requireNonNull(src, "src is null");
    if (position < 0) {
      throw new IllegalArgumentException("position: " + position + " (expected: >= 0)");
    }
    long written = 0;
    try {
      while (src.hasRemaining()) {
        written += channel.write(src, position + written);
      }
    } catch (IOException e) {
      throw failure(e, written);
    }
  }

  /** Makes the written bytes durable (data, and the size the data needs). */
  public void force() {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw failure(e, 0);
    }
  }

  /** The typed form of a failure while writing this file, such as one from {@code transferTo}. */
  public DownloadFileException failure(Throwable error, long bytesWritten) {
    return space.failure(error, path, bytesWritten, uri);
  }

  /**
   * Forces the data, closes the file, renames it to {@code target} atomically and makes the rename
   * durable with a sync of the target's directory (where that sync fails, the file is in place
   * all the same: a warning is logged and the commit succeeds).
   *
   * @param replace whether an existing {@code target} may be replaced; if not and it exists, this
   *     fails and the part file stays
   */
  public void commitTo(Path target, boolean replace) {
    requireNonNull(target, "target is null");
    force();
    close();
    try {
      fs.move(path, target, replace);
    } catch (IOException e) {
      throw new DownloadFileException("cannot rename " + path + " to " + target, target, uri,
          SendState.RESPONSE_STARTED, e);
    }
    Path dir = target.toAbsolutePath().getParent();
    try {
      fs.forceDirectory(dir);
    } catch (IOException e) {
      // The file is in place, complete and verified: failing now would report a download that
      // succeeded as failed (and a rerun would find its target taken). Only the rename's
      // durability across a power cut is in doubt, which is worth a warning, not a failure.
      LOG.warn("downloaded {}, but could not sync its directory {} after the rename: {}", target, dir,
          e.toString());
    }
  }

  /** Closes and deletes the file, as after a checksum mismatch. */
  public void delete() {
    close();
    try {
      fs.deleteIfExists(path);
    } catch (IOException e) {
      throw new DownloadFileException("cannot delete " + path, path, uri,
          SendState.RESPONSE_STARTED, e);
    }
  }

  /** Closes the channel; idempotent. Closing never loses written bytes, but only {@link #force} makes them durable. */
  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new DownloadFileException("cannot close " + path, path, uri,
          SendState.RESPONSE_STARTED, e);
    }
  }
}
