package dev.haul.download;

import dev.haul.SendState;
import java.net.URI;
import java.nio.file.Path;

/**
 * The file system holding the target has less usable space than the download still needs, found
 * before writing. Nothing was written; free {@link #shortfall()} bytes and try again.
 */
public class InsufficientSpaceException extends DownloadFileException {
  private static final long serialVersionUID = 1L;

  private final long required;
  private final long usable;

  /**
   * @param path the file that would have been written
   * @param required bytes the download still needs to write
   * @param usable bytes the file system reported usable
   * @param uri the download's URI; may be null
   * @param sendState how far the exchange got (nothing, when the size was known in advance)
   */
  public InsufficientSpaceException(Path path, long required, long usable, URI uri,
      SendState sendState) {
    super("not enough disk space for " + path + ": needs " + ByteCounts.describe(required)
        + ", usable " + ByteCounts.describe(usable) + ", short by "
        + ByteCounts.describe(required - usable), path, uri, sendState, null);
    this.required = required;
    this.usable = usable;
  }

  /** Bytes the download still needed to write. */
  public long required() {
    return required;
  }

  /** Bytes the file system reported usable. */
  public long usable() {
    return usable;
  }

  /** How many more bytes must be freed: {@code required() - usable()}. */
  public long shortfall() {
    return required - usable;
  }
}
