package dev.haul.internal;

import dev.haul.CallCancelledException;
import dev.haul.Request;
import dev.haul.ResponseBody;
import dev.haul.SendState;
import dev.haul.spi.EventListener;
import dev.haul.spi.PositionalWriteChannel;
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

  /** A body that reports its end to nobody. */
  public CallBody(ResponseBody delegate, URI uri) {
    this(delegate, uri, null, EventListener.NONE);
  }

  /**
   * A body that reports its end to {@code listener} ({@link EventListener#responseBodyEnd} or
   * {@link EventListener#responseBodyFailed}, once) with the bytes delivered and {@code request}.
   */
  public CallBody(ResponseBody delegate, URI uri, Request request, EventListener listener) {
    this.delegate = delegate;
    this.end = new End(delegate, uri, request, listener);
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
    // Counted as the writes return, so a transfer that fails part-way reports what it wrote.
    FileChannel counted = new PositionalWriteChannel(channel) {
      @Override
      public int write(ByteBuffer src, long at) throws java.io.IOException {
        int n = target.write(src, at);
        end.delivered += n; // the transport writes one buffer at a time, in order
        return n;
      }
    };
    CompletableFuture<Long> transfer;
    try {
      transfer = delegate.transferTo(counted, position);
    } catch (RuntimeException e) {
      transfer = CompletableFuture.failedFuture(e);
    }
    transfer.whenComplete((n, err) -> {
      if (err != null) {
        // Ended from outside: the closing that caused is not the reason.
        Throwable reason = end.failure != null ? end.failure : unwrap(err);
        end.finish(reason);
        out.completeExceptionally(reason);
      } else {
        end.finish(null);
        out.complete(n);
      }
    });
    return out;
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public void close() {
    if (!end.finished.isDone()) { // an exception is a stack walk: only for a body cut short
      end.finish(closedEarly());
    }
    delegate.close();
  }

  private CallCancelledException closedEarly() {
    return new CallCancelledException("the response body was closed before its end", uri,
        SendState.RESPONSE_STARTED, null);
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
    final URI uri;
    final Request request;
    final EventListener listener;
    final CompletableFuture<Void> finished = new CompletableFuture<>();
    volatile Guard guard;
    volatile CompletableFuture<Long> transfer;
    volatile Throwable failure;
    // Bytes handed to the consumer. Written only by the one thread delivering signals at a time
    // (reactive-streams serial signals), read when the body ends.
    volatile long delivered;

    End(ResponseBody delegate, URI uri, Request request, EventListener listener) {
      this.delegate = delegate;
      this.uri = uri;
      this.request = request;
      this.listener = listener;
    }

    /** The body is done with: completed ({@code failure} null) or not. Reports it once. */
    void finish(Throwable failure) {
      if (!finished.complete(null) || request == null) {
        return;
      }
      if (failure == null) {
        listener.responseBodyEnd(request, delivered);
      } else {
        listener.responseBodyFailed(request, delivered, failure);
      }
    }

    void fail(Throwable reason) {
      if (finished.isDone()) {
        return;
      }
      failure = reason;
      // The consumer learns it only once the connection is released: claim the subscriber's
      // terminal signal first (the transport's own reaction to the close is then dropped, and no
      // more bytes are delivered), then report the bytes it got.
      Guard g = guard;
      boolean signal = g != null && g.claim(reason);
      finish(reason);
      delegate.close();
      if (signal) {
        g.signal(reason);
      }
      CompletableFuture<Long> t = transfer;
      if (t != null) {
        t.completeExceptionally(reason);
      }
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
            if (!end.finished.isDone()) {
              end.finish(new CallCancelledException("the response body was cancelled before its end",
                  end.uri, SendState.RESPONSE_STARTED, null));
            }
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
          long n = 0;
          for (int i = 0, size = item.size(); i < size; i++) { // no iterator on the hot path
            n += item.get(i).remaining();
          }
          end.delivered += n;
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
        // Ended from outside: the closing it caused is not the reason.
        Throwable reason = end.failure != null ? end.failure : t;
        end.finish(reason); // reported before the consumer learns it, so the event precedes the call's end
        downstream.onError(reason);
      }
    }

    @Override
    public void onComplete() {
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
        end.finish(null);
        downstream.onComplete();
      }
    }

    /**
     * Takes the terminal signal for an outside failure: true when the subscriber is to get
     * {@code reason} from {@link #signal}; false when it is done already, or not yet subscribed
     * (it gets {@code reason} as it subscribes).
     */
    boolean claim(Throwable reason) {
      synchronized (this) {
        if (done) {
          return false;
        }
        done = true;
        if (!subscribed) {
          pending = reason;
          return false;
        }
        return true;
      }
    }

    void signal(Throwable reason) {
      synchronized (this) {
        downstream.onError(reason);
      }
    }
  }
}
