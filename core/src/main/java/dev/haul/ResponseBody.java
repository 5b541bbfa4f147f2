package dev.haul;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A response body as it streams from the transport. It can be consumed once: either by
 * {@link #subscribe subscribing} (demand-driven: the transport reads from the socket only while
 * the subscriber has outstanding demand) or by {@link #transferTo transferring} it to a file.
 *
 * <p>Buffers passed to {@code onNext} belong to the subscriber. A body must be consumed to the end
 * or {@link #close() closed}; closing it early releases the connection (which is then not reused).
 */
public interface ResponseBody extends Flow.Publisher<List<ByteBuffer>>, AutoCloseable {

  /** The declared length, when the response has one. */
  OptionalLong contentLength();

  /**
   * Subscribes to the body. A second subscription, or one after {@link #close()}, receives
   * {@code onError(IllegalStateException)}. Cancelling the subscription closes the body.
   */
  @Override
  void subscribe(Flow.Subscriber<? super List<ByteBuffer>> subscriber);

  /**
   * Writes the whole body to {@code channel} starting at {@code position}, with positional writes
   * (the channel's own position is not used). Transports override this to write straight from
   * their network buffers. Completes with the number of bytes written.
   */
  default CompletableFuture<Long> transferTo(FileChannel channel, long position) {
    FileChannelSubscriber s = new FileChannelSubscriber(channel, position);
    subscribe(s);
    return s.result();
  }

  /** Abandons the rest of the body and releases its connection. Idempotent. */
  @Override
  void close();

  /** An empty body. */
  static ResponseBody empty() {
    return new ByteArrayResponseBody(new byte[0], 1);
  }

  /** A body of these bytes, delivered in chunks of at most 16 KiB as demanded. */
  static ResponseBody ofBytes(byte[] bytes) {
    return ofBytes(bytes, 16 * 1024);
  }

  /**
   * A body of these bytes (the array is copied), delivered in chunks of at most
   * {@code chunkSize} bytes, one per unit of demand: for tests, fakes and interceptors that need
   * a body arriving in pieces as a network body does.
   */
  static ResponseBody ofBytes(byte[] bytes, int chunkSize) {
    if (chunkSize <= 0) {
      throw new IllegalArgumentException("chunkSize: " + chunkSize + " (expected: > 0)");
    }
    return new ByteArrayResponseBody(bytes.clone(), chunkSize);
  }

  /**
   * A body of these buffers' remaining bytes, one buffer per unit of demand, each delivered as a
   * read-only view: nothing is copied, so many bodies can serve the same stored buffers (a cache
   * hit). Neither the list nor its buffers may change while any body over them is read.
   */
  static ResponseBody ofBuffers(java.util.List<java.nio.ByteBuffer> buffers) {
    return new ByteArrayResponseBody(buffers);
  }
}
