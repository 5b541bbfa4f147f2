package dev.haul;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.function.LongConsumer;

/**
 * What {@link BodyHandlers#ofFileChannel} hands to {@link ResponseBody#transferTo}: the caller's
 * channel, open to positional writes inside {@code [start, start + maxBytes)} only. It counts the
 * bytes whose writes returned, refuses a write that would cross the end (nothing of it is
 * written), and once {@link #seal() sealed} refuses every write, so the count is final. Buffers
 * pass through as they are (a transport's direct buffers reach the file without a copy).
 *
 * <p>Writes and the seal hold this object's lock: a seal waits for a write in progress, and a
 * write that starts after it writes nothing. The caller's channel itself is never closed here.
 */
final class CountingChannel extends FileChannel {

  /** A write that would cross {@code start + maxBytes}; nothing of it was written. */
  static final class PastTheEnd extends IOException {
    private static final long serialVersionUID = 1L;

    final long attempted;

    PastTheEnd(long attempted, long max) {
      super("the body passed the " + max + " bytes asked for");
      this.attempted = attempted;
    }
  }

  private final FileChannel target;
  private final long start;
  private final long maxBytes;
  private final LongConsumer progress;
  private long written;
  private boolean sealed;

  /** {@code progress} gets the running count after each write, under the lock (so in order). */
  CountingChannel(FileChannel target, long start, long maxBytes, LongConsumer progress) {
    this.target = target;
    this.start = start;
    this.maxBytes = maxBytes;
    this.progress = progress;
  }

  @Override
  public synchronized int write(ByteBuffer src, long position) throws IOException {
    if (sealed) {
      throw new ClosedChannelException();
    }
    long offset = position - start;
    if (offset < 0 || offset > maxBytes - src.remaining()) {
      throw new PastTheEnd(offset + src.remaining(), maxBytes);
    }
    int n = target.write(src, position);
    written += n;
    progress.accept(written);
    return n;
  }

  /** Refuses all later writes, after any write in progress; returns the final count. */
  synchronized long seal() {
    sealed = true;
    return written;
  }

  @Override
  protected void implCloseChannel() {
    seal(); // the caller owns the channel: closing this view only stops the writes through it
  }

  // Only positional writes are offered: nothing here may move or read the caller's channel.

  @Override
  public int read(ByteBuffer dst) {
    throw unsupported();
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) {
    throw unsupported();
  }

  @Override
  public int write(ByteBuffer src) {
    throw unsupported();
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) {
    throw unsupported();
  }

  @Override
  public long position() {
    throw unsupported();
  }

  @Override
  public FileChannel position(long newPosition) {
    throw unsupported();
  }

  @Override
  public long size() throws IOException {
    return target.size();
  }

  @Override
  public FileChannel truncate(long size) {
    throw unsupported();
  }

  @Override
  public void force(boolean metaData) throws IOException {
    target.force(metaData);
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) {
    throw unsupported();
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) {
    throw unsupported();
  }

  @Override
  public int read(ByteBuffer dst, long position) {
    throw unsupported();
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) {
    throw unsupported();
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) {
    throw unsupported();
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) {
    throw unsupported();
  }

  private static UnsupportedOperationException unsupported() {
    return new UnsupportedOperationException("only positional writes go through a body transfer");
  }
}
