package dev.haul;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The real file operations of {@link BodyHandlers#ofFile}, each recorded with the thread that ran
 * it. It lives in {@code dev.haul} because the handler and its file operations are package-private.
 */
public final class RecordingFileOps implements FileBodyHandler.FileOps {
  /** The threads that ran each operation, by operation name. */
  public final Map<String, List<Thread>> threads = new ConcurrentHashMap<>();

  void record(String op) {
    threads.computeIfAbsent(op, k -> java.util.Collections.synchronizedList(new ArrayList<>()))
        .add(Thread.currentThread());
  }

  @Override
  public Path createTemp(Path dir, String prefix, String suffix) throws IOException {
    record("createTemp");
    return FileBodyHandler.FILES.createTemp(dir, prefix, suffix);
  }

  @Override
  public FileChannel open(Path temp) throws IOException {
    record("open");
    return new RecordingChannel(FileBodyHandler.FILES.open(temp), this);
  }

  @Override
  public void force(FileChannel channel) throws IOException {
    record("force");
    FileBodyHandler.FILES.force(channel);
  }

  @Override
  public void close(FileChannel channel) throws IOException {
    FileBodyHandler.FILES.close(channel);
  }

  @Override
  public void move(Path from, Path to) throws IOException {
    record("move");
    FileBodyHandler.FILES.move(from, to);
  }

  @Override
  public void delete(Path path) throws IOException {
    record("delete");
    FileBodyHandler.FILES.delete(path);
  }

  /**
   * {@code channel}, recording as this does the thread of every write, force and close; a relative
   * write is also recorded as "relative-write", a write from a heap buffer (a copy) as "heap-write"
   * and a change of position as "position".
   */
  public FileChannel recording(FileChannel channel) {
    return new RecordingChannel(channel, this);
  }

  /** {@link BodyHandlers#ofFile} with these operations. */
  public BodyHandler<Path> ofFile(Path target) {
    return new FileBodyHandler(target, this);
  }

  /** A file channel that records the thread of every write, force and close. */
  private static final class RecordingChannel extends FileChannel {
    private final FileChannel d;
    private final RecordingFileOps ops;

    RecordingChannel(FileChannel d, RecordingFileOps ops) {
      this.d = d;
      this.ops = ops;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return d.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return d.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      ops.record("write");
      ops.record("relative-write");
      return d.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      ops.record("write");
      ops.record("relative-write");
      return d.write(srcs, offset, length);
    }

    @Override
    public long position() throws IOException {
      return d.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      ops.record("position");
      d.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return d.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      ops.record("truncate");
      d.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      ops.record("force");
      d.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
      return d.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
      ops.record("write");
      return d.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return d.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      ops.record("write");
      if (!src.isDirect()) {
        ops.record("heap-write");
      }
      return d.write(src, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return d.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return d.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return d.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      ops.record("close");
      d.close();
    }
  }
}
