package dev.haul.internal;

import dev.haul.ResponseBody;
import dev.haul.spi.Subscriptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The response body as the body handler and the caller see it. It tells the client when the body
 * is done with (consumed, failed, cancelled or closed), so the call deadline can cover a streamed
 * body to its end, and it lets the client end a body from outside ({@link #fail}): the consumer
 * then gets that reason (a {@link dev.haul.DeadlineExceededException}, a closed client) instead of
 * waiting on a connection that was cut.
 *
 * <p>What the transport holds (the subscriber) refers only to the shared {@link End}, never to this
 * facade or the caller's objects, so bodies and streams dropped by the caller stay collectable and
 * their leak checks still run.
 */
public final class CallBody implements ResponseBody {

  private final ResponseBody delegate;
  private final End end;
  private final URI uri;

  public CallBody(ResponseBody delegate, URI uri) {
    this.delegate = delegate;
    this.end = new End(delegate);
    this.uri = uri;
  }

  /** The URI of the request this body answers. */
  public URI uri() {
    return uri;
  }

  /** Completes when the body is done with, however that happened. */
  public CompletableFuture<Void> finished() {
    return end.finished;
  }

  @Override
  public OptionalLong contentLength() {
    return delegate.contentLength();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
    Throwable early = end.failure;
    if (early != null) {
      Subscriptions.reject(subscriber, early); // ended from outside before anyone subscribed
      return;
    }
    Guard g = new Guard(subscriber, end);
    synchronized (end) {
      if (end.guard == null) {
        end.guard = g; // the first subscriber is the one a failure must reach; others are refused
      }
    }
    delegate.subscribe(g);
  }

  @Override
  public CompletableFuture<Long> transferTo(FileChannel channel, long position) {
    CompletableFuture<Long> out = new CompletableFuture<>();
    end.transfer = out;
    Throwable early = end.failure;
    if (early != null) {
      out.completeExceptionally(early);
      return out;
    }
    delegate.transferTo(channel, position).whenComplete((n, err) -> {
      if (err != null) {
        Throwable reason = end.failure; // ended from outside: the closing it caused is not the reason
        out.completeExceptionally(reason != null ? reason : err);
      } else {
        out.complete(n);
      }
      end.finished.complete(null);
    });
    return out;
  }

  @Override
  public void close() {
    end.finished.complete(null);
    delegate.close();
  }

  /**
   * Ends the body with {@code reason}: a subscriber gets {@code onError(reason)}, a transfer fails
   * with it, and the connection is released. Does nothing once the body is done with.
   */
  public void fail(Throwable reason) {
    end.fail(reason);
  }

  /** What the transport side may refer to. */
  private static final class End {
    final ResponseBody delegate;
    final CompletableFuture<Void> finished = new CompletableFuture<>();
    volatile Guard guard;
    volatile CompletableFuture<Long> transfer;
    volatile Throwable failure;

    End(ResponseBody delegate) {
      this.delegate = delegate;
    }

    void fail(Throwable reason) {
      if (finished.isDone()) {
        return;
      }
      failure = reason;
      // Released before the consumer is told, so one that learns why finds the connection let go.
      delegate.close();
      Guard g = guard;
      if (g != null) {
        g.fail(reason);
      }
      CompletableFuture<Long> t = transfer;
      if (t != null) {
        t.completeExceptionally(reason);
      }
      finished.complete(null);
    }
  }

  /**
   * Passes the transport's signals on, serialised with an outside failure so the subscriber never
   * sees two signals at once or anything after its terminal one.
   */
  private static final class Guard implements Flow.Subscriber<List<ByteBuffer>> {
    private final Flow.Subscriber<? super List<ByteBuffer>> downstream;
    private final End end;
    private boolean subscribed;
    private boolean done;
    private Throwable pending;

    Guard(Flow.Subscriber<? super List<ByteBuffer>> downstream, End end) {
      this.downstream = downstream;
      this.end = end;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      synchronized (this) {
        subscribed = true;
        downstream.onSubscribe(new Flow.Subscription() {
          @Override
          public void request(long n) {
            s.request(n);
          }

          @Override
          public void cancel() {
            end.finished.complete(null);
            s.cancel();
          }
        });
        if (pending != null) {
          Throwable p = pending;
          pending = null;
          downstream.onError(p);
        }
      }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      synchronized (this) {
        if (!done) {
          downstream.onNext(item);
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
        Throwable reason = end.failure; // ended from outside: the closing it caused is not the reason
        downstream.onError(reason != null ? reason : t);
      }
      end.finished.complete(null);
    }

    @Override
    public void onComplete() {
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
        downstream.onComplete();
      }
      end.finished.complete(null);
    }

    void fail(Throwable reason) {
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
        if (subscribed) {
          downstream.onError(reason);
        } else {
          pending = reason;
        }
      }
    }
  }
}
