package dev.haul.cache.internal;

import dev.haul.ResponseBody;
import dev.haul.spi.Subscriptions;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A body over stored buffers: each unit of demand gets a read-only view of the next buffer, so a
 * hit allocates a view per chunk and never copies the body.
 */
final class ByteBuffersBody implements ResponseBody {

  private final List<ByteBuffer> chunks;
  private final long length;
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  ByteBuffersBody(List<ByteBuffer> chunks, long length) {
    this.chunks = chunks;
    this.length = length;
  }

  @Override
  public OptionalLong contentLength() {
    return OptionalLong.of(length);
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
            subscriber.onComplete();
            return;
          }
          subscriber.onNext(List.of(chunks.get(next++).asReadOnlyBuffer()));
          if (next >= chunks.size() && !done) {
            done = true;
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
