package dev.haul.download;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A snapshot of a download.
 *
 * @param state where it is
 * @param total the file's length, once known
 * @param received bytes written to the {@code .part} file
 * @param durable bytes the journal has recorded as forced to disk (what a restart keeps)
 * @param segments the connections at work, each with its range and rate
 * @param bytesPerSecond the download's rate, an exponentially weighted moving average
 * @param eta the time left at that rate, when the total is known and the rate above zero
 */
public record DownloadProgress(State state, OptionalLong total, long received, long durable,
    List<Segment> segments, double bytesPerSecond, Optional<Duration> eta) {

  public DownloadProgress {
    segments = List.copyOf(segments);
  }

  /** Where a download is. */
  public enum State { QUEUED, STARTING, RUNNING, PAUSED, VERIFYING, COMPLETED, FAILED, CANCELLED }

  /**
   * One connection's share.
   *
   * @param start the first byte of its range
   * @param end one past the last byte of its range (it may shrink as idle connections take work)
   * @param written bytes of its range written so far
   * @param bytesPerSecond its own rate (moving average)
   * @param duplicate it races another connection for the same tail (end game)
   */
  public record Segment(long start, long end, long written, double bytesPerSecond, boolean duplicate) {}
}
