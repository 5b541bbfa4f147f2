package dev.haul;

import dev.haul.spi.PositionalWriteChannel;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.function.LongConsumer;

/**
 * What {@link BodyHandlers#ofFileChannel} hands to {@link ResponseBody#transferTo}: the caller's
 * channel, open to positional writes inside {@code [start, start + maxBytes)} only. It counts the
 * bytes whose writes returned; a write that would cross the end writes the part inside it (a short
 * write) and the next one fails with {@link BodyTooLargeException} (nothing past the end is
 * written); once
 * {@link #seal() sealed} it refuses every write, so the count is final. Buffers pass through as
 * they are (a transport's direct buffers reach the file without a copy).
 *
 * <p>Writes and the seal hold this object's lock: a seal waits for a write in progress, and a
 * write that starts after it writes nothing. The caller's channel itself is never closed here.
 */
final class CountingChannel extends PositionalWriteChannel {

  private final long start;
  private final long maxBytes;
  private final LongConsumer progress;
  private final URI uri;
  private long written;
  private boolean sealed;

  /** {@code progress} gets the running count after each write, under the lock (so in order). */
  CountingChannel(FileChannel target, long start, long maxBytes, LongConsumer progress, URI uri) {
    super(target);
    this.start = start;
    this.maxBytes = maxBytes;
    this.progress = progress;
    this.uri = uri;
  }

  @Override
  public synchronized int write(ByteBuffer src, long position) throws IOException {
    if (sealed) {
      throw new ClosedChannelException();
    }
    long offset = position - start;
    if (offset < 0 || offset > maxBytes) {
      throw new BodyTooLargeException(uri, Math.max(offset, 0) + src.remaining(), maxBytes, false);
    }
    long room = maxBytes - offset;
    if (src.remaining() <= room) {
      return write(src, position, src.remaining());
    }
    if (room == 0) {
      throw new BodyTooLargeException(uri, offset + src.remaining(), maxBytes, false);
    }
    // Over the end: the part inside the range is still the caller's. A short write, as a channel
    // may make: the writer comes back with the rest, which is refused above.
    int limit = src.limit();
    src.limit(src.position() + (int) room);
    try {
      return write(src, position, (int) room);
    } finally {
      src.limit(limit);
    }
  }

  private int write(ByteBuffer src, long position, int n) throws IOException {
    int done = 0;
    while (done < n) {
      done += target.write(src, position + done);
    }
    written += done;
    progress.accept(written);
    return done;
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
}
