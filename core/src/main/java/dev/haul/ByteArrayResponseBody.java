package dev.haul;

import dev.haul.spi.Subscriptions;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** An in-memory body delivered in chunks as demanded; for tests, caches and interceptors. */
final class ByteArrayResponseBody implements ResponseBody {

  private final byte[] bytes;
  private final int chunk;
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean completed;

  public ByteArrayResponseBody(byte[] bytes, int chunk) {
    this.bytes = bytes;
    this.chunk = Math.max(1, chunk);
  }

  @Override
  public OptionalLong contentLength() {
    return OptionalLong.of(bytes.length);
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
      private int offset;
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
          if (offset >= bytes.length) {
            done = true;
            completed = true;
            subscriber.onComplete();
            return;
          }
          int len = Math.min(chunk, bytes.length - offset);
          ByteBuffer b = ByteBuffer.wrap(bytes, offset, len).slice().asReadOnlyBuffer();
          offset += len;
          subscriber.onNext(List.of(b));
          if (offset >= bytes.length && !done) {
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
