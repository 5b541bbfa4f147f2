package dev.haul.download;

import dev.haul.HaulException;
import dev.haul.SendState;
import java.net.URI;
import java.nio.file.Path;

/**
 * A download's local file could not be used: the target is unsafe (a symbolic link, outside the
 * target directory), the disk is too small or became full, or the part file could not be read or
 * written. The message names the local path; the URI, when known, is redacted as usual.
 */
public class DownloadFileException extends HaulException {
  private static final long serialVersionUID = 1L;

  private final transient Path path;

  /**
   * @param detail what went wrong, never containing secrets
   * @param path the local file concerned
   * @param uri the download's URI; may be null
   * @param sendState how far the exchange got
   * @param cause the underlying failure; may be null
   */
  public DownloadFileException(String detail, Path path, URI uri, SendState sendState,
      Throwable cause) {
    super(detail, uri, sendState, cause);
    this.path = path;
  }

  /** The local file concerned. */
  public Path path() {
    return path;
  }
}
