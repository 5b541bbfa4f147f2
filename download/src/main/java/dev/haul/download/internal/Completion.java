package dev.haul.download.internal;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link SegmentPlan#complete} decided.
 *
 * @param status whether the segment's bytes counted
 * @param cancelled the other side of an end-game race this completion won: it should stop fetching
 *     (its writes from here on only duplicate done bytes) and then complete or release
 */
public record Completion(Status status, Optional<Segment> cancelled) {

  /** Whether a completed segment's bytes counted. */
  public enum Status {
    /** The segment's bytes are done. */
    COMPLETED,
    /** The segment was an end-game duplicate whose race partner finished first; nothing it wrote counted. */
    LOST
  }

  /**
   * Validates.
   *
   * @throws NullPointerException if a component is null
   */
  public Completion {
    Objects.requireNonNull(status, "status is null");
    Objects.requireNonNull(cancelled, "cancelled is null");
  }
}
