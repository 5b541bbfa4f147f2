package dev.haul.cache.internal;

import dev.haul.ResponseBody;
import dev.haul.cache.CacheStore;
import dev.haul.spi.Subscriptions;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A network body that is written to the store as it streams to the caller. Each chunk is copied
 * once for the store; the caller's demand reaches the network only while the store has at most
 * {@link #MAX_PENDING} bytes still to write, so a slow store slows the stream instead of
 * buffering it. A body larger than {@code maxBytes}, a failure, a cancel or a close drops the
 * entry (the store keeps nothing of it); the end commits it, and the caller sees the end only once
 * the entry is in the store. {@link #stored()} completes with the body's length when it was
 * stored, else -1.
 */
final class TeeBody implements ResponseBody {

  static final long MAX_PENDING = 1024 * 1024;

  private final ResponseBody upstream;
  private final CacheStore.Editor editor;
  private final long maxBytes;
  private final CompletableFuture<Long> stored = new CompletableFuture<>();
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private final AtomicBoolean dropped = new AtomicBoolean();

  TeeBody(ResponseBody upstream, CacheStore.Editor editor, long maxBytes) {
    this.upstream = upstream;
    this.editor = editor;
    this.maxBytes = maxBytes;
  }

  /** Completes with the stored length, or -1 when the entry was dropped. */
  CompletableFuture<Long> stored() {
    return stored;
  }

  @Override
  public OptionalLong contentLength() {
    return upstream.contentLength();
  }

  @Override
  public void close() {
    drop();
    upstream.close();
  }

  private void drop() {
    if (dropped.compareAndSet(false, true)) {
      editor.abort();
      stored.complete(-1L);
    }
  }

  @Override
  public void subscribe(Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
    if (!subscribed.compareAndSet(false, true)) {
      Subscriptions.reject(subscriber, new IllegalStateException("response body was already subscribed"));
      return;
    }
    upstream.subscribe(new Tee(subscriber));
  }

  private final class Tee implements Flow.Subscriber<List<ByteBuffer>>, Flow.Subscription {
    private final Flow.Subscriber<? super List<ByteBuffer>> downstream;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong held = new AtomicLong();
    private volatile Flow.Subscription up;
    private long total;

    Tee(Flow.Subscriber<? super List<ByteBuffer>> downstream) {
      this.downstream = downstream;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      up = subscription;
      downstream.onSubscribe(this);
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        up.request(n); // the upstream reports the violation
        return;
      }
      held.getAndAccumulate(n, Subscriptions::addCap);
      release();
    }

    // Both sides change their counter first and check the other after, so no demand is stranded.
    private void release() {
      if (pending.get() <= MAX_PENDING || dropped.get()) {
        long n = held.getAndSet(0);
        if (n > 0) {
          up.request(n);
        }
      }
    }

    @Override
    public void cancel() {
      drop();
      up.cancel();
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (!dropped.get()) {
        for (ByteBuffer b : buffers) {
          int len = b.remaining();
          total += len;
          if (total > maxBytes) {
            drop();
            break;
          }
          if (len == 0) {
            continue;
          }
          ByteBuffer copy = ByteBuffer.allocate(len).put(b.duplicate()).flip();
          pending.addAndGet(len);
          editor.write(copy).whenComplete((v, err) -> {
            pending.addAndGet(-len);
            if (err != null) {
              drop();
            }
            release();
          });
        }
      }
      downstream.onNext(buffers);
    }

    @Override
    public void onError(Throwable throwable) {
      drop();
      downstream.onError(throwable);
    }

    @Override
    public void onComplete() {
      OptionalLong declared = upstream.contentLength();
      if (dropped.get() || (declared.isPresent() && declared.getAsLong() != total)) {
        drop();
        downstream.onComplete();
        return;
      }
      long length = total;
      editor.commit().whenComplete((ok, err) -> {
        if (err == null && Boolean.TRUE.equals(ok) && dropped.compareAndSet(false, true)) {
          stored.complete(length);
        } else {
          drop();
        }
        downstream.onComplete();
      });
    }
  }
}
