package dev.haul.benchmarks;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One HTTP client under test. Each implementation is one small class in {@code clients}; adding a
 * client is adding a file and a line in {@link Clients}. The request scenarios run a client in the
 * {@link LoadModel}s its API has: {@link #get} from several blocked threads at once, or
 * {@link #getAsync} with several requests in flight.
 */
public interface BenchClient extends AutoCloseable {

  /** A short name for tables. */
  String name();

  /** Prepares for {@code concurrency} threads calling at once (pool sizes). */
  void start(int concurrency) throws Exception;

  /**
   * Why this client has no API for {@code model}, or empty when it has one. Blocking by default;
   * a client with an asynchronous API overrides this and {@link #getAsync}.
   */
  default Optional<String> unsupported(LoadModel model) {
    return model == LoadModel.BLOCKING ? Optional.empty() : Optional.of(name() + " has no asynchronous API here");
  }

  /** GETs {@code uri}, reads the whole body, returns its length (the blocking model). */
  long get(URI uri) throws Exception;

  /**
   * Starts a GET of {@code uri} whose whole body is read; the future completes with its length (the
   * in-flight model). The caller does not block: it is often the thread that completed the last one.
   */
  default CompletableFuture<Long> getAsync(URI uri) {
    throw new UnsupportedOperationException(unsupported(LoadModel.INFLIGHT).orElse(name() + ": no getAsync"));
  }

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
