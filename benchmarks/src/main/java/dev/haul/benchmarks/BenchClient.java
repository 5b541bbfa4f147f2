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

  @Override
  void close() throws Exception;
}
