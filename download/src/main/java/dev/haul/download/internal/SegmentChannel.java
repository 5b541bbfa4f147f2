package dev.haul.download.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The file as one connection's transfer sees it: each positional write first reserves its bytes
 * in the {@link SegmentPlan} (which may have given the segment's tail to an idle connection since
 * the request was sent), writes only what was reserved, and reports the write to the plan. A write
 * with nothing left to reserve fails with {@link SegmentDone}: the transfer stops there, and the
 * connection moves on. Only positional writes are offered.
 */
final class SegmentChannel extends FileChannel {

  /** The segment has nothing left to write (it is done, or its tail went to another connection). */
  static final class SegmentDone extends IOException {
    private static final long serialVersionUID = 1L;

    SegmentDone() {
      super("segment has nothing left to write");
    }
  }

  /** Told about every write that landed: its end offset and size. */
  interface Written {
    void written(long endOffset, int bytes);
  }

  private final FileChannel file;
  private final SegmentPlan plan;
  private final Segment segment;
  private final Written written;

  SegmentChannel(FileChannel file, SegmentPlan plan, Segment segment, Written written) {
    this.file = file;
    this.plan = plan;
    this.segment = segment;
    this.written = written;
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    int want = src.remaining();
    if (want == 0) {
      return 0;
    }
    long allowed = plan.reserve(segment, want);
    if (allowed <= 0) {
      throw new SegmentDone();
    }
    ByteBuffer part = src;
    int oldLimit = src.limit();
    if (allowed < want) {
      src.limit(src.position() + (int) allowed);
    }
    int n = 0;
    try {
      while (part.hasRemaining()) {
        n += file.write(part, position + n);
      }
    } finally {
      src.limit(oldLimit);
    }
    plan.progress(segment, position + n);
    written.written(position + n, n);
    return n;
  }

  @Override
  public long size() throws IOException {
    return file.size();
  }

  @Override
  public void force(boolean metaData) throws IOException {
    file.force(metaData);
  }

  @Override
  public int read(ByteBuffer dst) {
    throw new UnsupportedOperationException();
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) {
    throw new UnsupportedOperationException();
  }

  @Override
  public int write(ByteBuffer src) {
    throw new UnsupportedOperationException("only positional writes");
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) {
    throw new UnsupportedOperationException("only positional writes");
  }

  @Override
  public long position() {
    throw new UnsupportedOperationException();
  }

  @Override
  public FileChannel position(long newPosition) {
    throw new UnsupportedOperationException();
  }

  @Override
  public FileChannel truncate(long size) {
    throw new UnsupportedOperationException();
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) {
    throw new UnsupportedOperationException();
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) {
    throw new UnsupportedOperationException();
  }

  @Override
  public int read(ByteBuffer dst, long position) {
    throw new UnsupportedOperationException();
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) {
    throw new UnsupportedOperationException();
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) {
    throw new UnsupportedOperationException();
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) {
    throw new UnsupportedOperationException();
  }

  @Override
  protected void implCloseChannel() {
    // The file belongs to the download; closing this view leaves it open.
  }
}
