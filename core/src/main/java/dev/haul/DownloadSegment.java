package dev.haul;

import static java.util.Objects.requireNonNull;

/**
 * A standard request tag ({@link Request.Builder#tag(Class, Object)}) saying which part of which
 * download a request fetches, so interceptors and event listeners (metrics, logs) can group the
 * requests of one download and tell its segments apart.
 *
 * @param downloadId names the download; every request of one download (each segment, each resume)
 *     carries the same id. Chosen by the downloader; it is shown in logs, so it must hold no secret
 * @param index the segment's number, from 0, or {@link #WHOLE} (-1) for a request of the whole
 *     resource (a download that is not split, or its first request, sent before the length is known)
 * @param offset the first byte of the resource this segment covers, at least 0; 0 for
 *     {@link #WHOLE}. A resume of the segment keeps the segment's offset (it is where the segment
 *     starts, not where the resumed request starts)
 * @param length the bytes the segment covers, or -1 when it runs to the end of a resource of
 *     unknown length ({@link #WHOLE} before the length is known, or an open last segment)
 */
public record DownloadSegment(String downloadId, int index, long offset, long length) {

  /** The {@link #index} of a request for the whole resource. */
  public static final int WHOLE = -1;

  /** Checks the fields. */
  public DownloadSegment {
    requireNonNull(downloadId, "downloadId is null");
    if (downloadId.isEmpty()) {
      throw new IllegalArgumentException("downloadId is empty");
    }
    if (index < WHOLE) {
      throw new IllegalArgumentException("index: " + index + " (expected: >= 0, or -1 for the whole resource)");
    }
    if (offset < 0 || index == WHOLE && offset != 0) {
      throw new IllegalArgumentException("offset: " + offset
          + (index == WHOLE ? " (expected: 0 for the whole resource)" : " (expected: >= 0)"));
    }
    if (length < -1) {
      throw new IllegalArgumentException("length: " + length + " (expected: >= 0, or -1 for unknown)");
    }
    if (length > 0 && offset > Long.MAX_VALUE - length) {
      throw new IllegalArgumentException("offset + length overflows: " + offset + " + " + length);
    }
  }

  /** The whole resource of download {@code downloadId}, of {@code length} bytes (-1: unknown). */
  public static DownloadSegment whole(String downloadId, long length) {
    return new DownloadSegment(downloadId, WHOLE, 0, length);
  }

  /** Whether this is a request for the whole resource rather than one segment of it. */
  public boolean isWhole() {
    return index == WHOLE;
  }
}
