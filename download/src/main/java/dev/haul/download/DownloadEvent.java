package dev.haul.download;

import dev.haul.spi.HaulEvent;

/**
 * What a download reports to its {@link DownloadListener} and, as a {@link HaulEvent}, to the
 * client's event listeners. No event carries a URL query, a header or a credential.
 */
public sealed interface DownloadEvent extends HaulEvent {

  /** The download's id (unique per downloader). */
  String downloadId();

  @Override
  default String module() {
    return "download";
  }

  /** It started (or resumed from {@code resumedFrom} bytes kept by the journal). */
  record Started(String downloadId, long total, long resumedFrom, int connections) implements DownloadEvent {}

  /** A connection started on a range. */
  record SegmentStarted(String downloadId, long start, long end, boolean duplicate) implements DownloadEvent {}

  /** A connection finished its range. */
  record SegmentFinished(String downloadId, long start, long end, long bytes) implements DownloadEvent {}

  /** A connection failed; its unwritten remainder goes back to the plan. */
  record SegmentFailed(String downloadId, long start, long end, long bytes, String reason)
      implements DownloadEvent {}

  /** It starts over from zero: the remote changed or refused a range. */
  record Restarted(String downloadId, String reason, int restarts) implements DownloadEvent {}

  /** It finished: verified and renamed into place. */
  record Completed(String downloadId, long bytes, long elapsedMillis) implements DownloadEvent {}

  /** It failed. */
  record Failed(String downloadId, long bytes, String failure) implements DownloadEvent {}
}
