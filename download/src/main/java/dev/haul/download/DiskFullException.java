package dev.haul.download;

import dev.haul.SendState;
import java.net.URI;
import java.nio.file.Path;

/**
 * The disk (or the user's quota) filled up while a download was writing. The bytes written before
 * the failure are intact and the download's journal still describes them, so the download can
 * resume once space is freed.
 */
public class DiskFullException extends DownloadFileException {
  private static final long serialVersionUID = 1L;

  private final long bytesWritten;

  /**
   * @param path the file being written
   * @param bytesWritten bytes written to it by the failing writer before the failure
   * @param uri the download's URI; may be null
   * @param cause the file system's error
   */
  public DiskFullException(Path path, long bytesWritten, URI uri, Throwable cause) {
    super("disk full while writing " + path + " after " + ByteCounts.describe(bytesWritten)
        + "; free space and resume", path, uri, SendState.RESPONSE_STARTED, cause);
    this.bytesWritten = bytesWritten;
  }

  /** Bytes the failing writer had written before the disk filled up. */
  public long bytesWritten() {
    return bytesWritten;
  }
}
