package dev.haul.download.internal;

import static java.util.Objects.requireNonNull;

import dev.haul.SendState;
import dev.haul.download.DiskFullException;
import dev.haul.download.DownloadFileException;
import dev.haul.download.InsufficientSpaceException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Space checks: before a download starts, and when a write fails, to tell a full disk from other
 * I/O errors.
 */
public final class DiskSpace {

  /**
   * Below this many usable bytes a failed write is taken for a full disk even when the error's
   * text (which the platform may localise) does not say so.
   */
  static final long NEARLY_FULL_BYTES = 1024 * 1024;

  private final FileSystemAccess fs;

  /** Checks through {@code fs}. */
  public DiskSpace(FileSystemAccess fs) {
    this.fs = requireNonNull(fs, "fs is null");
  }

  /**
   * Fails when the store that holds (or will hold) {@code path} has fewer usable bytes than
   * {@code bytesToWrite}. A resuming download passes what is still missing (total length minus
   * the durable bytes), since a preallocated part file may be sparse and not yet hold its blocks.
   * Usable space is a snapshot: other writers may still take it, which {@link #failure} reports.
   *
   * @throws InsufficientSpaceException naming the shortfall
   * @throws DownloadFileException when the usable space cannot be read
   */
  public void require(Path path, long bytesToWrite, URI uri, SendState sendState) {
    requireNonNull(path, "path is null");
    requireNonNull(sendState, "sendState is null");
    if (bytesToWrite < 0) {
      throw new IllegalArgumentException("bytesToWrite: " + bytesToWrite + " (expected: >= 0)");
    }
    long usable;
    try {
      usable = fs.usableSpace(path);
    } catch (IOException e) {
      throw new DownloadFileException("cannot read the usable space for " + path, path, uri,
          sendState, e);
    }
    if (usable < bytesToWrite) {
      throw new InsufficientSpaceException(path, bytesToWrite, usable, uri, sendState);
    }
  }

  /**
   * The typed failure for an error while writing {@code path}: a {@link DiskFullException} when
   * the disk or quota is full (judged from the error and from the usable space left), else a
   * {@link DownloadFileException}. Use it for errors from any write path, including
   * {@code ResponseBody.transferTo}.
   *
   * @param bytesWritten bytes the failing writer had written, for the message
   */
  public DownloadFileException failure(Throwable error, Path path, long bytesWritten, URI uri) {
    requireNonNull(error, "error is null");
    requireNonNull(path, "path is null");
    if (error instanceof DownloadFileException typed) {
      return typed;
    }
    if (isDiskFull(error, path)) {
      return new DiskFullException(path, bytesWritten, uri, error);
    }
    return new DownloadFileException("writing " + path + " failed after " + bytesWritten
        + " bytes", path, uri, SendState.RESPONSE_STARTED, error);
  }

  private boolean isDiskFull(Throwable error, Path path) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (t instanceof IOException && message != null && looksLikeNoSpace(message)) {
        return true;
      }
    }
    if (!(error instanceof IOException)) {
      return false;
    }
    try {
      return fs.usableSpace(path) < NEARLY_FULL_BYTES;
    } catch (IOException e) {
      error.addSuppressed(e);
      return false;
    }
  }

  /** ENOSPC and EDQUOT as Linux, macOS and Windows word them. */
  static boolean looksLikeNoSpace(String message) {
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("no space left on device") || m.contains("not enough space on the disk")
        || m.contains("disk quota exceeded") || m.contains("disc quota exceeded");
  }
}
