package dev.haul.internal;

import dev.haul.Request;
import dev.haul.spi.Call;
import dev.haul.spi.EventListener;
import dev.haul.spi.Interceptor;
import dev.haul.spi.RawResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chain seen by interceptor {@code index}. Interceptors at or after {@code networkStart} are
 * network interceptors: each must call {@link #proceed} exactly once and keep the origin.
 */
public final class RealChain implements Interceptor.Chain {

  private final List<Interceptor> interceptors;
  private final int index;
  private final int networkStart;
  private final Request request;
  private final CallState call;
  private final int attempt; // the attempt a per-attempt chain belongs to; 0 in the application part
  private final AtomicInteger proceeds = new AtomicInteger();
  // What the first (only legal) proceed of a network interceptor returned: released if the
  // interceptor breaks the rules, so its body and connection never wait for the leak check.
  private volatile CompletableFuture<RawResponse> downstream;

  public RealChain(List<Interceptor> interceptors, int index, int networkStart, Request request,
      CallState call) {
    this(interceptors, index, networkStart, request, call, 0);
  }

  private RealChain(List<Interceptor> interceptors, int index, int networkStart, Request request,
      CallState call, int attempt) {
    this.interceptors = interceptors;
    this.index = index;
    this.networkStart = networkStart;
    this.request = request;
    this.call = call;
    this.attempt = attempt;
  }

  /** Runs interceptor {@code index} with this chain. */
  public CompletableFuture<RawResponse> run() {
    Interceptor interceptor = interceptors.get(index);
    CompletableFuture<RawResponse> result;
    try {
      result = interceptor instanceof Stage stage ? stage.intercept(this, call) : interceptor.intercept(this);
      if (result == null) {
        throw new IllegalStateException("interceptor " + name(interceptor) + " returned null");
      }
    } catch (Throwable t) {
      releaseDownstream(null);
      return CompletableFuture.failedFuture(t);
    }
    if (!isNetwork()) {
      return result;
    }
    return result.thenApply(r -> {
      if (proceeds.get() != 1) {
        r.body().close();
        releaseDownstream(r);
        throw new IllegalStateException("network interceptor " + name(interceptor)
            + " must call proceed() exactly once (called " + proceeds.get() + " times)");
      }
      return r;
    }).whenComplete((r, err) -> {
      if (err != null) {
        releaseDownstream(null);
      }
    });
  }

  /** Closes the body of the response the first proceed produced (now or when it arrives). */
  private void releaseDownstream(RawResponse alreadyClosed) {
    CompletableFuture<RawResponse> d = downstream;
    if (d == null) {
      return;
    }
    d.whenComplete((r, err) -> {
      if (r != null && r != alreadyClosed) {
        r.body().close();
      }
    });
  }

  @Override
  public Request request() {
    return request;
  }

  @Override
  public CompletableFuture<RawResponse> proceed(Request next) {
    if (index + 1 >= interceptors.size()) {
      throw new IllegalStateException("the last interceptor cannot proceed");
    }
    int n = proceeds.incrementAndGet();
    if (isNetwork()) {
      Interceptor self = interceptors.get(index);
      if (n > 1) {
        throw new IllegalStateException("network interceptor " + name(self)
            + " must call proceed() exactly once");
      }
      if (!next.origin().equals(request.origin())) {
        throw new IllegalStateException("network interceptor " + name(self)
            + " must not change the origin of the request");
      }
    }
    // Entering the per-attempt part starts an attempt: its network interceptors all see its number.
    int nextAttempt = index + 1 == networkStart ? call.enterAttempt() : attempt;
    CompletableFuture<RawResponse> f =
        new RealChain(interceptors, index + 1, networkStart, next, call, nextAttempt).run();
    if (isNetwork()) {
      downstream = f;
    }
    return f;
  }

  @Override
  public Call call() {
    return call.handle();
  }

  @Override
  public int attempt() {
    return index >= networkStart ? attempt : call.enteredAttempts();
  }

  @Override
  public Optional<Duration> callTimeout() {
    return call.callTimeout();
  }

  @Override
  public Optional<Duration> timeLeft() {
    return call.timeLeft();
  }

  @Override
  public EventListener listener() {
    return call.listener();
  }

  private boolean isNetwork() {
    return index >= networkStart && index < interceptors.size() - 1;
  }

  private static String name(Interceptor i) {
    return i.getClass().getName();
  }
}
