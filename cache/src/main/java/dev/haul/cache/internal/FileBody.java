package dev.haul.cache.internal;

import dev.haul.ResponseBody;
import dev.haul.spi.Subscriptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stored body read from a disk entry on demand, one chunk per unit of demand, on the store's
 * threads (never an event loop). It owns its channel and closes it at the end, on cancel or close.
 */
final class FileBody implements ResponseBody {

  private static final int CHUNK = 64 * 1024;

  private final FileChannel channel;
  private final long length;
  private final Executor executor;
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  FileBody(FileChannel channel, long length, Executor executor) {
    this.channel = channel;
    this.length = length;
    this.executor = executor;
  }

  @Override
  public OptionalLong contentLength() {
    return OptionalLong.of(length);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing to do: the entry was only read
      }
    }
  }

  @Override
  public void subscribe(Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
    if (closed.get() || !subscribed.compareAndSet(false, true)) {
      Subscriptions.reject(subscriber, new IllegalStateException(
          closed.get() ? "response body is closed" : "response body was already subscribed"));
      return;
    }
    subscriber.onSubscribe(new Reader(subscriber));
  }

  private final class Reader implements Flow.Subscription {
    private final Flow.Subscriber<? super List<ByteBuffer>> subscriber;
    private final AtomicLong demand = new AtomicLong();
    private long position;
    private volatile boolean done;

    Reader(Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      if (done) {
        return;
      }
      if (n <= 0) {
        done = true;
        close();
        subscriber.onError(new IllegalArgumentException("non-positive demand: " + n));
        return;
      }
      if (demand.getAndAccumulate(n, Subscriptions::addCap) == 0) {
        try {
          executor.execute(this::drain);
        } catch (RuntimeException e) { // the store is closed
          fail(new IOException("the cache store is closed", e));
        }
      }
    }

    private void drain() {
      while (true) {
        if (done || closed.get()) {
          return;
        }
        if (position >= length) {
          complete();
          return;
        }
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(CHUNK, length - position));
        try {
          while (b.hasRemaining()) {
            int r = channel.read(b, position + b.position());
            if (r < 0) {
              throw new IOException("cache entry ended after " + (position + b.position()) + " of " + length + " bytes");
            }
          }
        } catch (IOException e) {
          if (!closed.get()) {
            fail(e);
          }
          return;
        }
        b.flip();
        position += b.remaining();
        subscriber.onNext(List.of(b));
        if (position >= length) {
          complete();
          return;
        }
        if (demand.decrementAndGet() == 0) {
          return;
        }
      }
    }

    private void complete() {
      done = true;
      close();
      subscriber.onComplete();
    }

    private void fail(Throwable t) {
      done = true;
      close();
      subscriber.onError(t);
    }

    @Override
    public void cancel() {
      done = true;
      close();
    }
  }
}
