package dev.haul.benchmarks.clients;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What a user of a plain HTTP client writes to download in parallel: a {@code HEAD} for the
 * length, then {@code N} equal byte ranges fetched at once on {@code N} threads, each written into
 * the one file with positional writes. No validator, no retry, no resume, no checksum: the least
 * work a segmented download can do, so the peers' figures are a lower bound on the cost.
 */
final class ManualRanges {

  /** One client's requests. */
  interface Fetcher {
    /** The length of {@code uri}, from a {@code HEAD} request's {@code Content-Length}. */
    long length(URI uri) throws Exception;

    /**
     * GETs bytes {@code first..last} of {@code uri}, checks that the answer is a {@code 206} with
     * exactly that {@code Content-Range}, writes the body into {@code file} at {@code first};
     * returns the bytes written.
     */
    long fetch(URI uri, long first, long last, FileChannel file) throws Exception;
  }

  private ManualRanges() {}

  /** Downloads {@code uri} into {@code file} over {@code segments} ranges at once; returns the bytes written. */
  static long download(Fetcher fetcher, URI uri, Path file, int segments) throws Exception {
    long length = fetcher.length(uri);
    ExecutorService pool = Executors.newFixedThreadPool(segments);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      List<Future<Long>> parts = new ArrayList<>();
      for (int i = 0; i < segments; i++) {
        long first = length * i / segments;
        long last = length * (i + 1) / segments - 1;
        if (last >= first) {
          parts.add(pool.submit(() -> fetcher.fetch(uri, first, last, ch)));
        }
      }
      long total = 0;
      for (Future<Long> f : parts) {
        try {
          total += f.get();
        } catch (ExecutionException e) {
          parts.forEach(p -> p.cancel(true));
          throw e.getCause() instanceof Exception x ? x : e;
        }
      }
      return total;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The {@code Range} header value for {@code first..last}. */
  static String range(long first, long last) {
    return "bytes=" + first + "-" + last;
  }

  /** Fails unless the answer is the {@code 206} for exactly {@code first..last}. */
  static void check(int status, String contentRange, long first, long last) throws IOException {
    if (status != 206 || contentRange == null || !contentRange.startsWith("bytes " + first + "-" + last + "/")) {
      throw new IOException("range " + first + "-" + last + ": status " + status + ", Content-Range " + contentRange);
    }
  }

  /**
   * Copies {@code in} into {@code file} from {@code position} through one 64 KiB heap buffer (how a
   * stream-based client is used); fails unless exactly {@code expected} bytes came.
   */
  static long copy(InputStream in, FileChannel file, long position, long expected) throws IOException {
    byte[] buf = new byte[64 * 1024];
    ByteBuffer bb = ByteBuffer.wrap(buf);
    long pos = position;
    int n;
    while ((n = in.read(buf)) > 0) {
      bb.clear().limit(n);
      while (bb.hasRemaining()) {
        pos += file.write(bb, pos);
      }
    }
    return checkCount(pos - position, expected);
  }

  /** Fails unless {@code written == expected}. */
  static long checkCount(long written, long expected) throws IOException {
    if (written != expected) {
      throw new IOException("range cut short: " + written + " of " + expected + " bytes");
    }
    return written;
  }

  /** The {@code Content-Length} header's value, or a failure naming what came instead. */
  static long contentLength(String header) throws IOException {
    if (header == null) {
      throw new IOException("HEAD: no Content-Length");
    }
    return Long.parseLong(header.trim());
  }
}
