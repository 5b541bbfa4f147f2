package dev.haul.download.internal;

import java.util.List;

/**
 * A consistent view of a {@link SegmentPlan} for progress reporting.
 *
 * @param length total length in bytes
 * @param writtenBytes bytes written, in any order
 * @param writtenPrefix the in-order written prefix ({@link SegmentPlan#lowestIncompleteOffset()})
 * @param segments the segments in flight, in the order they were handed out
 */
public record Snapshot(long length, long writtenBytes, long writtenPrefix, List<SegmentView> segments) {

  /** Copies the list. */
  public Snapshot {
    segments = List.copyOf(segments);
  }
}
