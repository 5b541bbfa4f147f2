package dev.haul.download.internal;

/**
 * A handle on one piece of work handed out by a {@link SegmentPlan}: the connection that holds it
 * fetches {@code Range: bytes=start-(end - 1)}. The plan may later shorten the segment (work
 * stealing, or a won end-game race): {@link SegmentPlan#reserve} is the authority on how far the
 * holder may still write.
 *
 * @param id unique within its plan
 * @param start the first byte to fetch
 * @param end the exclusive end when this handle was made (handed out, or reported in a snapshot or
 *     completion); compare handles by {@link #id()}, as the end of one segment changes
 * @param duplicate whether this is an end-game duplicate racing another segment for the same bytes
 */
public record Segment(long id, long start, long end, boolean duplicate) {

  /**
   * Validates the bounds.
   *
   * @throws IllegalArgumentException if {@code start < 0} or {@code end < start}
   */
  public Segment {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("segment: [" + start + ", " + end + ") (expected: 0 <= start <= end)");
    }
  }

  /** Returns the number of bytes the segment was handed out with. */
  public long length() {
    return end - start;
  }
}
