package dev.haul.download.internal;

/**
 * One in-flight segment as a progress display sees it.
 *
 * @param segment the segment's handle
 * @param end its current exclusive end (it shrinks when work is stolen from it)
 * @param reserved the offset it has been granted bytes through (the next byte it has yet to fetch)
 * @param written the offset it has reported written through
 * @param duplicate whether it is an end-game duplicate still racing
 * @param lost whether it lost its race and only awaits its connection's complete or release
 */
public record SegmentView(Segment segment, long end, long reserved, long written, boolean duplicate, boolean lost) {

  /** Returns the bytes it still has to write before its current end. */
  public long remaining() {
    return Math.max(0, end - written);
  }

  /** Returns the bytes it still has to fetch (not yet granted) before its current end. */
  public long unreserved() {
    return Math.max(0, end - reserved);
  }
}
