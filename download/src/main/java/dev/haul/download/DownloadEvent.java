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

  /** It was cancelled ({@code Download.cancel()} or the downloader closing) after {@code bytes}. */
  record Cancelled(String downloadId, long bytes) implements DownloadEvent {}

  /**
   * Where it is, a few times a second while it runs (the snapshot a {@link DownloadListener} gets
   * through {@code onProgress}). Published to the client's event listeners only, so a metrics sink
   * can show a progress bar and a rate; a {@link DownloadListener} hears progress through
   * {@code onProgress} instead.
   *
   * @param total the file's length, or -1 while it is unknown
   * @param received bytes written to the {@code .part} file
   * @param durable bytes the journal has recorded as on disk
   * @param segments connections at work
   * @param bytesPerSecond the download's moving-average rate
   */
  record Progress(String downloadId, long total, long received, long durable, int segments,
      double bytesPerSecond) implements DownloadEvent {

    /** The event for {@code progress} of download {@code downloadId}. */
    public static Progress of(String downloadId, DownloadProgress progress) {
      return new Progress(downloadId, progress.total().orElse(-1), progress.received(),
          progress.durable(), progress.segments().size(), progress.bytesPerSecond());
    }
  }
}
