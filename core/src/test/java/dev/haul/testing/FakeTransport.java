package dev.haul.testing;

import dev.haul.Headers;
import dev.haul.Origin;
import dev.haul.ResponseBody;
import dev.haul.spi.Exchange;
import dev.haul.spi.PoolStats;
import dev.haul.spi.RawResponse;
import dev.haul.spi.Transport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/** A scripted transport: each exchange takes the next scripted outcome and is recorded. */
public final class FakeTransport implements Transport {

  private final ConcurrentLinkedQueue<Function<Exchange, CompletableFuture<RawResponse>>> script =
      new ConcurrentLinkedQueue<>();
  private final List<Exchange> exchanges = Collections.synchronizedList(new ArrayList<>());
  private final List<RecordedBody> bodies = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean closed;

  /** Answers the next exchange with this status, headers and body. */
  public FakeTransport enqueue(int status, Headers headers, String body) {
    script.add(ex -> {
      RecordedBody b = new RecordedBody(ResponseBody.ofBytes(body.getBytes(StandardCharsets.UTF_8), 4));
      bodies.add(b);
      return CompletableFuture.completedFuture(RawResponse.builder()
          .request(ex.request()).status(status).headers(headers).body(b).build());
    });
    return this;
  }

  public FakeTransport enqueue(int status, String body) {
    return enqueue(status, Headers.empty(), body);
  }

  /** Fails the next exchange with {@code failure}. */
  public FakeTransport enqueueFailure(RuntimeException failure) {
    script.add(ex -> CompletableFuture.failedFuture(failure));
    return this;
  }

  /** Answers the next exchange with whatever {@code handler} returns. */
  public FakeTransport enqueue(Function<Exchange, CompletableFuture<RawResponse>> handler) {
    script.add(handler);
    return this;
  }

  @Override
  public CompletableFuture<RawResponse> execute(Exchange exchange) {
    exchanges.add(exchange);
    Function<Exchange, CompletableFuture<RawResponse>> next = script.poll();
    if (next == null) {
      return CompletableFuture.failedFuture(new AssertionError("no scripted response left"));
    }
    return next.apply(exchange);
  }

  public List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  /** Bodies this transport handed out, in order. */
  public List<RecordedBody> bodies() {
    return List.copyOf(bodies);
  }

  @Override
  public List<PoolStats> poolStats() {
    return List.of(new PoolStats(new Origin("http", "fake", 80), 0, 0, 0, exchanges.size(), Map.of()));
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
  }

  /** A body this transport handed out, recording whether it was read to its end or given up. */
  public static final class RecordedBody implements ResponseBody {
    private final ResponseBody delegate;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean completed;

    RecordedBody(ResponseBody delegate) {
      this.delegate = delegate;
    }

    /** Whether the body was closed or cancelled (before or after its end). */
    public boolean isClosed() {
      return closed.get();
    }

    /** Whether the body was read to its end. */
    public boolean isCompleted() {
      return completed;
    }

    @Override
    public OptionalLong contentLength() {
      return delegate.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
      delegate.subscribe(new Flow.Subscriber<List<ByteBuffer>>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
              s.request(n);
            }

            @Override
            public void cancel() {
              closed.set(true);
              s.cancel();
            }
          });
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
          subscriber.onNext(item);
        }

        @Override
        public void onError(Throwable t) {
          subscriber.onError(t);
        }

        @Override
        public void onComplete() {
          completed = true;
          subscriber.onComplete();
        }
      });
    }

    @Override
    public void close() {
      closed.set(true);
      delegate.close();
    }
  }
}
