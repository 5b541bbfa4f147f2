package dev.haul.internal;

import static java.util.Objects.requireNonNull;

import dev.haul.BearerAuth;
import dev.haul.BodyHandler;
import dev.haul.CircuitState;
import dev.haul.Origin;
import dev.haul.CallCancelledException;
import dev.haul.DeadlineExceededException;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.SendState;
import dev.haul.spi.EventListener;
import dev.haul.spi.Interceptor;
import dev.haul.spi.PoolStats;
import dev.haul.spi.RawResponse;
import dev.haul.spi.RetryPolicy;
import dev.haul.spi.Ticker;
import dev.haul.spi.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client both the plain builder and Guice construct. It assembles the fixed chain (user
 * interceptors, retry, bridge, network interceptors, transport), enforces the call deadline on a
 * timer and runs body handlers and completions on the callback executor.
 */
public final class DefaultHaulClient implements HaulClient {

  /** Everything a client is made of; both construction paths fill one of these. */
  public record Parts(HaulConfig config, Transport transport, RetryPolicy retryPolicy,
      List<Interceptor> interceptors, List<Interceptor> networkInterceptors,
      List<EventListener> listeners, Ticker ticker, Executor callbackExecutor, BearerAuth bearerAuth) {
    public Parts {
      requireNonNull(config, "config is null");
      requireNonNull(transport, "transport is null");
      requireNonNull(retryPolicy, "retryPolicy is null");
      interceptors = List.copyOf(interceptors);
      networkInterceptors = List.copyOf(networkInterceptors);
      listeners = List.copyOf(listeners);
      requireNonNull(ticker, "ticker is null");
    }
  }

  private final Parts parts;
  private final EventListener listener;
  private final List<Interceptor> chain;
  private final int networkStart;
  private final ScheduledThreadPoolExecutor timer;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CircuitBreakerInterceptor circuitBreaker;

  public DefaultHaulClient(Parts parts) {
    this.parts = parts;
    this.listener = GuardedEventListener.of(parts.listeners());
    this.timer = new ScheduledThreadPoolExecutor(1, daemon("haul-timer-"));
    this.timer.setRemoveOnCancelPolicy(true);
    if (parts.callbackExecutor() == null) {
      this.ownedExecutor = Executors.newCachedThreadPool(daemon("haul-callback-"));
      this.executor = ownedExecutor;
    } else {
      this.ownedExecutor = null;
      this.executor = parts.callbackExecutor();
    }
    HaulConfig config = parts.config();
    List<Interceptor> c = new ArrayList<>(parts.interceptors());
    c.add(new RedirectInterceptor(config.redirectMaxHops(), config.redirectAllowHttpsToHttp(),
        config.redirectTrustedOrigins()));
    c.add(new RetryInterceptor(parts.retryPolicy(), timer));
    if (config.circuitEnabled()) {
      this.circuitBreaker = new CircuitBreakerInterceptor(new CircuitBreakerInterceptor.Settings(
          config.circuitFailureRate(), config.circuitMinimumCalls(), config.circuitWindow(),
          config.circuitConsecutiveFailures(), config.circuitOpenDuration()), parts.ticker());
      c.add(circuitBreaker);
    } else {
      this.circuitBreaker = null;
    }
    c.add(new BridgeInterceptor(config.userAgent()));
    BearerAuth bearer = parts.bearerAuth() != null ? parts.bearerAuth() : config.bearerAuth().orElse(null);
    if (bearer != null) {
      c.add(new BearerAuthInterceptor(bearer));
    }
    this.networkStart = c.size();
    c.addAll(parts.networkInterceptors());
    c.add(new TransportInterceptor(parts.transport(), parts.config()));
    this.chain = List.copyOf(c);
  }

  /** What this client was built from. */
  public Parts parts() {
    return parts;
  }

  /** The state of {@code origin}'s circuit breaker (CLOSED when breaking is off). */
  public CircuitState circuitState(Origin origin) {
    return circuitBreaker == null ? CircuitState.CLOSED : circuitBreaker.state(origin);
  }

  @Override
  public HaulConfig config() {
    return parts.config();
  }

  @Override
  public List<PoolStats> poolStats() {
    return parts.transport().poolStats();
  }

  @Override
  public <T> Response<T> send(Request request, BodyHandler<T> handler) {
    // The caller blocks on the future and attaches no callbacks, so it may complete on the I/O
    // thread: one thread hand-off less than sendAsync.
    CompletableFuture<Response<T>> f = call(request, handler, false);
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new CallCancelledException("interrupted while waiting for the response",
          request.uri(), SendState.SENT_NO_RESPONSE, e);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error err) {
      throw err;
    }
    if (t instanceof java.io.IOException io) {
      return new java.io.UncheckedIOException(io);
    }
    return new CompletionException(t);
  }

  @Override
  public <T> CompletableFuture<Response<T>> sendAsync(Request request, BodyHandler<T> handler) {
    return call(request, handler, true);
  }

  private <T> CompletableFuture<Response<T>> call(Request request, BodyHandler<T> handler,
      boolean viaExecutor) {
    requireNonNull(request, "request is null");
    requireNonNull(handler, "handler is null");
    if (closed.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException("client is closed"));
    }
    Duration callTimeout = request.callTimeout().or(() -> parts.config().callTimeout()).orElse(null);
    CallState call = new CallState(request, listener, parts.ticker(), callTimeout);
    CompletableFuture<Response<T>> result = new CompletableFuture<>();
    listener.callStart(request);

    ScheduledFuture<?> deadline = callTimeout == null ? null : timer.schedule(() -> {
      if (!result.isDone()) {
        // Record the reason first: cancelling what is in flight completes the chain with a
        // cancellation, which must not win over the deadline.
        DeadlineExceededException e = new DeadlineExceededException(request.uri(),
            call.furthest(), callTimeout, call.attempts(), null);
        call.failWith(e);
        call.cancel();
        result.completeExceptionally(e);
      }
    }, callTimeout.toNanos(), TimeUnit.NANOSECONDS);

    CompletableFuture<RawResponse> raw = new RealChain(chain, 0, networkStart, request, call).run();
    raw.whenComplete((r, err) -> {
      if (err != null) {
        Throwable reason = call.failure();
        result.completeExceptionally(reason != null ? reason : RetryInterceptor.unwrap(err));
        return;
      }
      if (result.isDone()) {
        r.body().close();
        return;
      }
      call.trackBody(r.body());
      CompletableFuture<T> body;
      try {
        body = handler.handle(r, r.body());
      } catch (Throwable t) {
        r.body().close();
        body = CompletableFuture.failedFuture(t);
      }
      body.whenComplete((value, bodyErr) -> {
        if (bodyErr != null) {
          Throwable reason = call.failure();
          result.completeExceptionally(reason != null ? reason : call.deadlineOr(RetryInterceptor.unwrap(bodyErr)));
        } else {
          result.complete(new Response<>(r, value, r.redirects(), r.attempts()));
        }
      });
    });

    CompletableFuture<Response<T>> out = new CompletableFuture<>();
    result.whenComplete((resp, err) -> {
      if (deadline != null) {
        deadline.cancel(false);
      }
      Throwable cause = err == null ? null : RetryInterceptor.unwrap(err);
      if (cause == null) {
        listener.callEnd(request, resp, call.elapsed());
      } else {
        if (cause instanceof CancellationException) {
          call.cancel();
        }
        listener.callFailed(request, cause, call.elapsed());
      }
      if (!viaExecutor) {
        complete(out, resp, cause);
        return;
      }
      try {
        executor.execute(() -> complete(out, resp, cause));
      } catch (RuntimeException rejected) {
        // The executor is shut down (client closing): complete here rather than never.
        if (cause == null) {
          out.complete(resp);
        } else {
          out.completeExceptionally(cause);
        }
      }
    });
    // Cancelling what the caller holds cancels the call.
    out.whenComplete((resp, err) -> {
      if (out.isCancelled()) {
        result.cancel(false);
        call.cancel();
      }
    });
    return out;
  }

  private static <T> void complete(CompletableFuture<Response<T>> out, Response<T> resp, Throwable cause) {
    if (cause == null) {
      out.complete(resp);
    } else {
      out.completeExceptionally(cause);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      parts.transport().close();
    } finally {
      timer.shutdownNow();
      if (ownedExecutor != null) {
        ownedExecutor.shutdown();
      }
    }
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
