package dev.haul.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A view of a {@link FileChannel} that offers positional writes only, for what is handed to
 * {@link dev.haul.ResponseBody#transferTo}: a subclass decides what a write does (count it, bound
 * it, reserve it in a plan) and passes it on to {@link #target}. {@link #size} and {@link #force}
 * pass through; everything that would read, move, map, lock or truncate the channel is refused,
 * and closing the view leaves the target open (its owner closes it).
 */
public abstract class PositionalWriteChannel extends FileChannel {

  /** The channel the writes go to. */
  protected final FileChannel target;

  protected PositionalWriteChannel(FileChannel target) {
    this.target = java.util.Objects.requireNonNull(target, "target is null");
  }

  /**
   * The most body bytes the transport should hold in memory for this transfer while a write is in
   * progress (its read-ahead), consulted before every socket read, so a subclass may lower it at any
   * time, for example under memory pressure. The transport reads at least one socket read at a time
   * whatever this says, and never more ahead than its own limit. Must be cheap and thread-safe.
   *
   * @return a byte count; {@link Long#MAX_VALUE} leaves it to the transport. By default, the
   *     target's read-ahead when the target is itself a view (so views stacked over a channel that
   *     asks for less pass its wish on), else {@link Long#MAX_VALUE}
   */
  public long readAhead() {
    return target instanceof PositionalWriteChannel view ? view.readAhead() : Long.MAX_VALUE;
  }

  /** Writes {@code src} at {@code position} (of the target), as the subclass decides. */
  @Override
  public abstract int write(ByteBuffer src, long position) throws IOException;

  @Override
  public long size() throws IOException {
    return target.size();
  }

  @Override
  public void force(boolean metaData) throws IOException {
    target.force(metaData);
  }

  @Override
  public int read(ByteBuffer dst) {
    throw refused();
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) {
    throw refused();
  }

  @Override
  public int write(ByteBuffer src) {
    throw refused();
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) {
    throw refused();
  }

  @Override
  public long position() {
    throw refused();
  }

  @Override
  public FileChannel position(long newPosition) {
    throw refused();
  }

  @Override
  public FileChannel truncate(long size) {
    throw refused();
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) {
    throw refused();
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) {
    throw refused();
  }

  @Override
  public int read(ByteBuffer dst, long position) {
    throw refused();
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) {
    throw refused();
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) {
    throw refused();
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) {
    throw refused();
  }

  /** Closing the view leaves the target open: its owner closes it. */
  @Override
  protected void implCloseChannel() {}

  private static UnsupportedOperationException refused() {
    return new UnsupportedOperationException("only positional writes, size and force are offered");
  }
}
