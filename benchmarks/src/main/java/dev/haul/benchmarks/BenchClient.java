package dev.haul.benchmarks;

import java.net.URI;
import java.nio.file.Path;

/**
 * One HTTP client under test. Each implementation is one small class in {@code clients}; adding a
 * client is adding a file and a line in {@link Clients}. Calls are blocking and made from several
 * threads at once, so every client is measured the same way.
 */
public interface BenchClient extends AutoCloseable {

  /** A short name for tables. */
  String name();

  /** Prepares for {@code concurrency} threads calling at once (pool sizes). */
  void start(int concurrency) throws Exception;

  /** GETs {@code uri}, reads the whole body, returns its length. */
  long get(URI uri) throws Exception;

  /** GETs {@code uri} into {@code file} in one stream, returns the bytes written. */
  long download(URI uri, Path file) throws Exception;

  /**
   * Downloads {@code uri} into {@code file} over {@code segments} connections at once (1: one
   * stream), returns the bytes written. Peers split the file into equal byte ranges themselves
   * ({@code clients.ManualRanges}); a client that cannot is skipped for {@code segments > 1}.
   */
  default long download(URI uri, Path file, int segments) throws Exception {
    if (segments == 1) {
      return download(uri, file);
    }
    throw new UnsupportedOperationException(name() + " does not download in ranges");
  }

  @Override
  void close() throws Exception;
}
