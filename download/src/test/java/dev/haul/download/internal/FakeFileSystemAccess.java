package dev.haul.download.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The real file system with a simulated disk: a byte budget shared by every channel it opened.
 * Like the kernel, a write that does not fit is cut short and the next one fails with ENOSPC.
 * Records the durability calls so tests can check their order.
 */
final class FakeFileSystemAccess implements FileSystemAccess {

  private final FileSystemAccess real = FileSystemAccess.system();
  final List<String> calls = new CopyOnWriteArrayList<>();
  private long spaceLeft = Long.MAX_VALUE;
  private long usable = Long.MAX_VALUE;
  private String noSpaceMessage = "No space left on device";
  private IOException forceFailure;
  private IOException usableFailure;
  private IOException forceDirectoryFailure;
  private String failWritesSuffix;
  private IOException writeFailure;

  /** Bytes that may still be written before writes fail. */
  synchronized FakeFileSystemAccess spaceLeft(long bytes) {
    this.spaceLeft = bytes;
    return this;
  }

  /** What {@link #usableSpace} reports. */
  synchronized FakeFileSystemAccess usable(long bytes) {
    this.usable = bytes;
    return this;
  }

  /** The text of the ENOSPC error, as a localised platform might word it. */
  synchronized FakeFileSystemAccess noSpaceMessage(String message) {
    this.noSpaceMessage = message;
    return this;
  }

  synchronized FakeFileSystemAccess failUsableSpace(IOException e) {
    this.usableFailure = e;
    return this;
  }

  synchronized FakeFileSystemAccess failForce(IOException e) {
    this.forceFailure = e;
    return this;
  }

  synchronized FakeFileSystemAccess failForceDirectory(IOException e) {
    this.forceDirectoryFailure = e;
    return this;
  }

  /** Every write to a file whose name ends with {@code suffix} fails with {@code e} (null: none). */
  synchronized FakeFileSystemAccess failWritesTo(String suffix, IOException e) {
    this.failWritesSuffix = suffix;
    this.writeFailure = e;
    return this;
  }

  private synchronized void checkWrite(Path path) throws IOException {
    if (writeFailure != null && path.getFileName().toString().endsWith(failWritesSuffix)) {
      throw writeFailure;
    }
  }

  @Override
  public synchronized long usableSpace(Path path) throws IOException {
    calls.add("usableSpace " + path.getFileName());
    if (usableFailure != null) {
      throw usableFailure;
    }
    return usable;
  }

  @Override
  public FileChannel open(Path path, Set<? extends OpenOption> options,
      java.nio.file.attribute.FileAttribute<?>... attributes) throws IOException {
    calls.add("open " + path.getFileName());
    return new ForwardingFileChannel(real.open(path, options, attributes)) {
      @Override
      public int write(ByteBuffer src, long position) throws IOException {
        checkWrite(path);
        int allowed = reserve(src.remaining());
        ByteBuffer slice = src.duplicate();
        slice.limit(slice.position() + allowed);
        int n = super.write(slice, position);
        src.position(src.position() + n);
        return n;
      }

      @Override
      public int write(ByteBuffer src) throws IOException {
        checkWrite(path);
        int allowed = reserve(src.remaining());
        ByteBuffer slice = src.duplicate();
        slice.limit(slice.position() + allowed);
        int n = super.write(slice);
        src.position(src.position() + n);
        return n;
      }

      @Override
      public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new UnsupportedOperationException("not used by the download module");
      }

      @Override
      public void force(boolean metaData) throws IOException {
        calls.add("force " + path.getFileName());
        synchronized (FakeFileSystemAccess.this) {
          if (forceFailure != null) {
            throw forceFailure;
          }
        }
        super.force(metaData);
      }

      @Override
      protected void implCloseChannel() throws IOException {
        calls.add("close " + path.getFileName());
        super.implCloseChannel();
      }
    };
  }

  private synchronized int reserve(int wanted) throws IOException {
    if (wanted > 0 && spaceLeft == 0) {
      throw new IOException(noSpaceMessage);
    }
    int allowed = (int) Math.min(wanted, spaceLeft);
    spaceLeft -= allowed;
    return allowed;
  }

  @Override
  public void move(Path source, Path target, boolean replace) throws IOException {
    calls.add("move " + source.getFileName() + " " + target.getFileName() + " " + replace);
    real.move(source, target, replace);
  }

  @Override
  public void forceDirectory(Path directory) throws IOException {
    calls.add("forceDirectory " + directory.getFileName());
    synchronized (this) {
      if (forceDirectoryFailure != null) {
        throw forceDirectoryFailure;
      }
    }
    real.forceDirectory(directory);
  }

  @Override
  public boolean deleteIfExists(Path path) throws IOException {
    calls.add("delete " + path.getFileName());
    return real.deleteIfExists(path);
  }
}
