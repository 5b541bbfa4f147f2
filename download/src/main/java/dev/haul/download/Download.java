package dev.haul.download;

import java.util.concurrent.CompletableFuture;

/** A running (or queued, or finished) download. Thread-safe. */
public interface Download {

  /** Its id, unique per downloader; events carry it. */
  String id();

  /** What it was asked to do. */
  DownloadRequest request();

  /**
   * Completes with the result once the file is complete, verified and in place; fails with a
   * {@link dev.haul.HaulException} subtype (an {@code IntegrityException} for a checksum mismatch,
   * a {@link DownloadFileException} for a file problem, a {@link RemoteChangedException} when the
   * remote kept changing) or a {@link java.util.concurrent.CancellationException} after
   * {@link #cancel()}. Cancelling this future cancels the download.
   */
  CompletableFuture<DownloadResult> result();

  /** Where it is now. */
  DownloadProgress progress();

  /**
   * Stops its connections and saves the journal; the {@code .part} file stays for
   * {@link #resume()} (or a later run). Does nothing unless it is running.
   */
  void pause();

  /** Goes on after {@link #pause()}, from what the plan has written. */
  void resume();

  /**
   * Stops it for good. The {@code .part} file and its journal stay, so the same download started
   * again later resumes; {@link #result()} fails with a {@code CancellationException}.
   */
  void cancel();
}
