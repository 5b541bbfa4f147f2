package dev.haul.download;

/**
 * Hears what a download does. Every method has an empty default. Callbacks run on the download's
 * threads and must be quick and must not throw (one that throws is logged and ignored). The same
 * events also go to the client's listeners as {@link DownloadEvent}s, so a metrics sink sees
 * downloads without a listener here.
 */
public interface DownloadListener {

  /** Something happened; {@code event} says what. */
  default void onEvent(Download download, DownloadEvent event) {}

  /** The download made progress (at most a few times a second). */
  default void onProgress(Download download, DownloadProgress progress) {}
}
