package dev.haul.download;

/**
 * How many connections a download uses, decided from the first response. Whatever a strategy
 * says, a file whose server does not honour ranges with a validator ({@link RemoteFile#canSegment})
 * is downloaded over one connection: a ranged request without {@code If-Range} could stitch two
 * versions of a file together.
 *
 * <p>Swap it for every download with {@code Downloader.Builder.strategy} or the Guice
 * {@code DownloadModule.strategyBinder}; for one download with {@code DownloadRequest.Builder.strategy}.
 */
@FunctionalInterface
public interface DownloadStrategy {

  /** Connections to use for {@code remote} (at least 1; capped by {@code haul.download.max-segments}). */
  int connections(RemoteFile remote, DownloadConfig config);

  /** One connection; a cut body resumes with {@code Range} and {@code If-Range}. */
  static DownloadStrategy singleStream() {
    return BuiltInStrategies.SINGLE;
  }

  /** {@code n} connections over one file when the server allows it. */
  static DownloadStrategy segmented(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n: " + n + " (expected: >= 1)");
    }
    return (remote, config) -> remote.canSegment() ? n : 1;
  }

  /**
   * The default: segmented only when the server answers ranges with a validator and the file is
   * at least {@code haul.download.segment-threshold}; then one connection per
   * {@code haul.download.min-split} of the file, up to {@code haul.download.max-segments}.
   */
  static DownloadStrategy adaptive() {
    return BuiltInStrategies.ADAPTIVE;
  }
}
