package dev.haul.download.internal;

import dev.haul.spi.PositionalWriteChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The file as one connection's transfer sees it: each positional write first reserves its bytes
 * in the {@link SegmentPlan} (which may have given the segment's tail to an idle connection since
 * the request was sent), writes only what was reserved, and reports the write to the plan. A write
 * with nothing left to reserve fails with {@link SegmentDone}: the transfer stops there, and the
 * connection moves on. Only positional writes are offered.
 */
final class SegmentChannel extends PositionalWriteChannel {

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

  private final SegmentPlan plan;
  private final Segment segment;
  private final Written written;
  private final MemoryBudget memory;

  SegmentChannel(FileChannel file, SegmentPlan plan, Segment segment, Written written, MemoryBudget memory) {
    super(file);
    this.plan = plan;
    this.segment = segment;
    this.written = written;
    this.memory = memory;
  }

  /** What the memory budget allows this connection to hold ahead of the disk right now. */
  @Override
  public long readAhead() {
    return memory.readAhead();
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
        n += target.write(part, position + n);
      }
    } finally {
      src.limit(oldLimit);
    }
    plan.progress(segment, position + n);
    written.written(position + n, n);
    return n;
  }
}
