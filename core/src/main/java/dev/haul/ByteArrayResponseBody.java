package dev.haul;

import dev.haul.spi.Subscriptions;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory body delivered as demanded, one chunk per unit of demand, each a read-only view
 * (the bytes are never copied); for tests, caches and interceptors.
 */
final class ByteArrayResponseBody implements ResponseBody {

  private final List<ByteBuffer> chunks;
  private final long length;
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean completed;

  /** {@code bytes} in chunks of at most {@code chunk} bytes, sliced as they are delivered. */
  public ByteArrayResponseBody(byte[] bytes, int chunk) {
    int size = Math.max(1, chunk);
    this.chunks = new java.util.AbstractList<>() {
      @Override
      public ByteBuffer get(int i) {
        int from = i * size;
        return ByteBuffer.wrap(bytes, from, Math.min(size, bytes.length - from)).slice();
      }

      @Override
      public int size() {
        return bytes.length / size + (bytes.length % size == 0 ? 0 : 1);
      }
    };
    this.length = bytes.length;
  }

  /** These buffers (shared, not copied: nobody may change them), one per unit of demand. */
  ByteArrayResponseBody(List<ByteBuffer> chunks) {
    this.chunks = java.util.Objects.requireNonNull(chunks, "chunks is null"); // a hit's list, not copied per call
    long n = 0;
    for (ByteBuffer b : this.chunks) {
      n += b.remaining();
    }
    this.length = n;
  }

  @Override
  public OptionalLong contentLength() {
    return OptionalLong.of(length);
  }

  /** Whether the body was closed or cancelled before its end. */
  public boolean isClosed() {
    return closed.get();
  }

  /** Whether the body was read to its end. */
  public boolean isCompleted() {
    return completed;
  }

  @Override
  public void close() {
    closed.set(true);
  }

  @Override
  public void subscribe(Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
    if (closed.get() || !subscribed.compareAndSet(false, true)) {
      Subscriptions.reject(subscriber, new IllegalStateException(
          closed.get() ? "response body is closed" : "response body was already subscribed"));
      return;
    }
    subscriber.onSubscribe(new Flow.Subscription() {
      private final AtomicLong demand = new AtomicLong();
      private int next;
      private volatile boolean done;

      @Override
      public void request(long n) {
        if (done) {
          return;
        }
        if (n <= 0) {
          done = true;
          subscriber.onError(new IllegalArgumentException("non-positive demand: " + n));
          return;
        }
        if (demand.getAndAccumulate(n, Subscriptions::addCap) > 0) {
          return; // another frame is draining
        }
        do {
          if (done || closed.get()) {
            return;
          }
          if (next >= chunks.size()) {
            done = true;
            completed = true;
            subscriber.onComplete();
            return;
          }
          subscriber.onNext(List.of(chunks.get(next++).asReadOnlyBuffer()));
          if (next >= chunks.size() && !done) {
            done = true;
            completed = true;
            subscriber.onComplete();
            return;
          }
        } while (demand.decrementAndGet() > 0);
      }

      @Override
      public void cancel() {
        done = true;
        closed.set(true);
      }
    });
  }
}
