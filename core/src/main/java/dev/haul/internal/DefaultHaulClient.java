package dev.haul.internal;

import static java.util.Objects.requireNonNull;

import dev.haul.BearerAuth;
import dev.haul.BodyHandler;
import dev.haul.CircuitState;
import dev.haul.Origin;
import dev.haul.CallCancelledException;
import dev.haul.ClientClosedException;
import dev.haul.HaulException;
import dev.haul.DeadlineExceededException;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.SendState;
import dev.haul.spi.BlockingBodyHandler;
import dev.haul.spi.CacheStage;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client both the plain builder and Guice construct. It assembles the fixed chain in the
 * order {@link ChainLayout} declares (application interceptors, redirects, retries, cache, circuit
 * breaker, bridge, Bearer auth, network interceptors, transport), gives every call its identity
 * and listener, and enforces the call deadline on a timer, until the response body is done with.
 * Body handlers start where the headers arrive; those that may block ({@link BlockingBodyHandler})
 * start on the callback executor, as do the completions of {@link #sendAsync}.
 */
public final class DefaultHaulClient implements HaulClient {

  /** Everything a client is made of; both construction paths fill one of these. */
  public record Parts(HaulConfig config, Transport transport, RetryPolicy retryPolicy,
      List<Interceptor> interceptors, List<Interceptor> networkInterceptors,
      List<EventListener> listeners, List<EventListener.Factory> listenerFactories, CacheStage cache,
      Ticker ticker, Executor callbackExecutor, BearerAuth bearerAuth) {
    public Parts {
      requireNonNull(config, "config is null");
      requireNonNull(transport, "transport is null");
      requireNonNull(retryPolicy, "retryPolicy is null");
      interceptors = List.copyOf(interceptors);
      networkInterceptors = List.copyOf(networkInterceptors);
      listeners = List.copyOf(listeners);
      listenerFactories = List.copyOf(listenerFactories);
      requireNonNull(ticker, "ticker is null");
    }
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DefaultHaulClient.class);

  private static final int FALLBACK_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

  private final Parts parts;
  private final EventListener listener; // the shared listeners, guarded
  private final AtomicLong callIds = new AtomicLong();
  private final java.util.Set<EventListener.Factory> failedFactories = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final List<Interceptor> chain;
  private final int networkStart;
  private final ScheduledThreadPoolExecutor timer;
  // The callback executor, or the fallback threads when it refuses a task (see orFallback).
  private final Executor offload;
  private final ExecutorService ownedExecutor;
  private final AtomicBoolean closed = new AtomicBoolean();
  // Calls from start until their body is done with; a streamed body dropped by its caller is
  // released by its own leak check, and then reports done through CallBody.
  private final java.util.Set<Flight> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();
  // Bodies streaming after their response was returned, held weakly: the caller owns them, and
  // one it drops must stay collectable so the transport's leak check can report and release it.
  private final java.util.Map<CallBody, Boolean> streaming =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
  private final CircuitBreakerInterceptor circuitBreaker;
  // Where blocking body steps go when the callback executor refuses them. It is never shut down,
  // so the steps of calls ending while the client closes still run; its threads end when idle,
  // so an unused one holds none.
  private final ThreadPoolExecutor blockingFallback = new ThreadPoolExecutor(FALLBACK_THREADS, FALLBACK_THREADS,
      5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon("haul-blocking-"));

  public DefaultHaulClient(Parts parts) {
    this.parts = parts;
    this.listener = EventListener.composite(parts.listeners());
    this.timer = new ScheduledThreadPoolExecutor(1, daemon("haul-timer-"));
    this.timer.setRemoveOnCancelPolicy(true);
    this.blockingFallback.allowCoreThreadTimeOut(true);
    if (parts.callbackExecutor() == null) {
      this.ownedExecutor = Executors.newCachedThreadPool(daemon("haul-callback-"));
      this.offload = orFallback(ownedExecutor);
    } else {
      this.ownedExecutor = null;
      this.offload = orFallback(parts.callbackExecutor());
    }
    HaulConfig config = parts.config();
    ChainLayout layout = new ChainLayout()
        .addAll(ChainLayout.Slot.APPLICATION, parts.interceptors())
        .add(ChainLayout.Slot.REDIRECTS, new RedirectInterceptor(config.redirectMaxHops(),
            config.redirectAllowHttpsToHttp(), config.redirectTrustedOrigins()))
        .add(ChainLayout.Slot.RETRIES, new RetryInterceptor(parts.retryPolicy(), timer));
    if (parts.cache() != null) {
      layout.add(ChainLayout.Slot.CACHE, parts.cache());
    }
    if (config.circuit().enabled()) {
      this.circuitBreaker = new CircuitBreakerInterceptor(config.circuit(), parts.ticker());
      layout.add(ChainLayout.Slot.CIRCUIT_BREAKER, circuitBreaker);
    } else {
      this.circuitBreaker = null;
    }
    layout.add(ChainLayout.Slot.BRIDGE, new BridgeInterceptor(config.userAgent()));
    BearerAuth bearer = parts.bearerAuth() != null ? parts.bearerAuth() : config.bearerAuth().orElse(null);
    if (bearer != null) {
      layout.add(ChainLayout.Slot.AUTH, new BearerAuthInterceptor(bearer));
    }
    layout.addAll(ChainLayout.Slot.NETWORK, parts.networkInterceptors())
        .add(ChainLayout.Slot.TRANSPORT, new TransportInterceptor(parts.transport(), parts.config()));
    this.chain = layout.interceptors();
    this.networkStart = layout.networkStart();
  }

  /** The interceptors of the chain, in order (for tests of the layout). */
  List<Interceptor> chain() {
    return chain;
  }

  @Override
  public EventListener events() {
    return listener;
  }

  /**
   * The listener of one call: the shared listeners, plus one from each factory. Without factories
   * it is the shared listener itself, so a call costs nothing more.
   */
  private EventListener listenerFor(CallHandle handle) {
    List<EventListener.Factory> factories = parts.listenerFactories();
    if (factories.isEmpty()) {
      return listener;
    }
    List<EventListener> own = new ArrayList<>(factories.size());
    for (EventListener.Factory f : factories) {
      try {
        EventListener l = f.create(handle);
        if (l != null) {
          own.add(l);
        }
      } catch (RuntimeException e) {
        if (failedFactories.add(f)) {
          LOG.warn("event listener factory {} threw; further failures of it are logged at debug",
              f.getClass().getName(), e);
        } else {
          LOG.debug("event listener factory {} threw", f.getClass().getName(), e);
        }
      }
    }
    if (own.isEmpty()) {
      return listener;
    }
    // One guarded composite of the shared listeners and the call's own (not one inside another).
    List<EventListener> all = new ArrayList<>(parts.listeners().size() + own.size());
    all.addAll(parts.listeners());
    all.addAll(own);
    return EventListener.composite(all);
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
    Started<T> started = call(request, handler, false);
    CompletableFuture<Response<T>> f = started.out();
    try {
      return f.get();
    } catch (InterruptedException e) {
      // Read how far the call got before cancelling it: cancelling ends the attempt.
      SendState reached = started.call() == null ? SendState.NOT_SENT : started.call().furthest();
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new CallCancelledException("interrupted while waiting for the response",
          request.uri(), reached, e);
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
    return call(request, handler, true).out();
  }

  /** What the caller's side of a call needs: its future and, for an interrupt, its progress. */
  private record Started<T>(CompletableFuture<Response<T>> out, CallState call) {}

  /**
   * One call from start until its response body is done with: what the deadline and
   * {@link #close()} must be able to end wherever the call is. Once the response is out it holds
   * neither the response nor the caller's future (the deadline task still refers to the flight),
   * so a body or stream the caller drops stays collectable.
   */
  private final class Flight {
    final Request request;
    final CallState call;
    volatile CompletableFuture<Response<?>> result = new CompletableFuture<>();
    final Duration callTimeout;
    volatile CallBody body;
    final Finisher finisher = new Finisher();

    Flight(Request request, CallState call, Duration callTimeout) {
      this.request = request;
      this.call = call;
      this.callTimeout = callTimeout;
    }

    /** Ends the call with {@code reason} from outside: in flight, in backoff or streaming its body. */
    void abort(HaulException reason) {
      if (!call.failWith(reason)) {
        return; // already ended by another reason (the deadline and close racing)
      }
      CallBody b = body;
      if (b != null) {
        b.fail(reason); // before cancel(), which would only close it: the consumer must learn why
      }
      call.cancel();
      CompletableFuture<Response<?>> r = result;
      if (r != null) {
        r.completeExceptionally(reason);
      }
    }

    void deadlineExpired() {
      abort(new DeadlineExceededException(request.uri(), call.furthest(), callTimeout, call.attempts(), null));
    }

    /** The call and its body are over: nothing left for the deadline or close() to end. */
    void done() {
      inFlight.remove(this);
      finisher.run();
    }
  }

  /**
   * Forgets a call once its streamed body is done with. The body's completion refers to this and
   * the transport may hold that completion, so it must not refer to the flight or the response.
   */
  private final class Finisher implements Runnable {
    volatile ScheduledFuture<?> deadline;
    volatile CallBody body;
    volatile Runnable detach; // a call with its own listeners: hand the transport the shared ones

    @Override
    public void run() {
      ScheduledFuture<?> d = deadline;
      if (d != null) {
        d.cancel(false);
      }
      Runnable r = detach;
      if (r != null) {
        detach = null;
        r.run();
      }
      CallBody b = body;
      if (b != null) {
        streaming.remove(b);
      }
    }
  }

  private <T> Started<T> call(Request request, BodyHandler<T> handler, boolean viaExecutor) {
    requireNonNull(request, "request is null");
    requireNonNull(handler, "handler is null");
    Duration callTimeout = request.callTimeout().or(() -> parts.config().callTimeout()).orElse(null);
    // On the caller's thread: what the handler captures here (a stack, a context) is at hand only here.
    BodyHandler<T> forCall = requireNonNull(handler.forCall(), "forCall() returned null");
    if (closed.get()) {
      // Refused before anything of the call exists: no factory makes a listener for nothing.
      CompletableFuture<Response<T>> refused = CompletableFuture.failedFuture(
          new ClientClosedException(request.uri(), SendState.NOT_SENT));
      return new Started<>(refused, null);
    }
    long id = callIds.incrementAndGet();
    long start = parts.ticker().read();
    CallState call;
    EventListener listener;
    if (parts.listenerFactories().isEmpty()) {
      listener = this.listener;
      call = new CallState(id, request, start, listener, parts.ticker(), callTimeout);
    } else {
      CallHandle handle = new CallHandle(id, request, start);
      listener = listenerFor(handle);
      call = new CallState(handle, listener, parts.ticker(), callTimeout);
    }
    Flight flight = new Flight(request, call, callTimeout);
    if (listener != this.listener) {
      flight.finisher.detach = call.detachOnCallOver(this.listener);
    }
    CompletableFuture<Response<T>> out = new CompletableFuture<>();
    Started<T> started = new Started<>(out, call);
    // Registered before the closed check, so a close() racing this call either sees it here or
    // is seen by the check below.
    inFlight.add(flight);
    if (closed.get()) {
      // Closed while this call was being set up: its listener was made, so it hears the end.
      inFlight.remove(flight);
      ClientClosedException refused = new ClientClosedException(request.uri(), SendState.NOT_SENT);
      listener.callStart(request);
      listener.callFailed(request, refused, call.elapsed());
      out.completeExceptionally(refused);
      return started;
    }
    listener.callStart(request);
    CompletableFuture<Response<?>> result = flight.result;
    if (callTimeout != null) {
      try {
        flight.finisher.deadline = timer.schedule(flight::deadlineExpired, callTimeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        flight.abort(new ClientClosedException(request.uri(), SendState.NOT_SENT)); // closed meanwhile
      }
    }

    CompletableFuture<RawResponse> raw = result.isDone() ? CompletableFuture.failedFuture(call.failure())
        : new RealChain(chain, 0, networkStart, request, call).run();
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
      CallBody body = new CallBody(r.body(), request.uri(), r.request(), listener);
      flight.body = body;
      flight.finisher.body = body;
      call.trackBody(body);
      if (call.failure() != null) {
        body.fail(call.failure()); // ended from outside between the two checks
      }
      if (forCall instanceof BlockingBodyHandler<T> blocking) {
        offload.execute(() -> handleBody(flight, r, body, () -> blocking.handle(r, body, offload)));
      } else {
        handleBody(flight, r, body, () -> forCall.handle(r, body));
      }
    });

    result.whenComplete((resp, err) -> {
      flight.result = null;
      Throwable cause = err == null ? null : RetryInterceptor.unwrap(err);
      CallBody body = flight.body;
      if (cause != null || body == null) {
        flight.done();
      } else {
        // A streamed body (an InputStream, a ResponseBody) outlives the response: the deadline
        // and close() keep covering it until it is consumed, failed or closed.
        streaming.put(body, Boolean.TRUE);
        inFlight.remove(flight);
        Finisher finisher = flight.finisher;
        body.finished().whenComplete((v, e) -> finisher.run());
      }
      if (cause == null) {
        listener.callEnd(request, resp, call.elapsed());
      } else {
        if (cause instanceof CancellationException) {
          call.cancel();
        }
        listener.callFailed(request, cause, call.elapsed());
      }
      @SuppressWarnings("unchecked")
      Response<T> typed = (Response<T>) resp;
      if (!viaExecutor) {
        complete(out, typed, cause);
        return;
      }
      // When the executor refuses work (client closing), complete rather than never, but not
      // here, which may be an event loop the caller's callbacks must not run on.
      offload.execute(() -> complete(out, typed, cause));
    });
    // Cancelling what the caller holds cancels the call.
    out.whenComplete((resp, err) -> {
      if (out.isCancelled()) {
        result.cancel(false);
        call.cancel();
      }
    });
    return started;
  }

  private <T> void handleBody(Flight flight, RawResponse r, CallBody body,
      java.util.function.Supplier<CompletableFuture<T>> start) {
    CallState call = flight.call;
    CompletableFuture<T> value;
    try {
      value = start.get();
      if (value == null) {
        throw new IllegalStateException("body handler returned null");
      }
    } catch (Throwable t) {
      body.close();
      value = CompletableFuture.failedFuture(t);
    }
    CompletableFuture<Response<?>> result = flight.result;
    if (result == null) {
      return; // ended from outside already (the body was failed with it)
    }
    value.whenComplete((v, bodyErr) -> {
      if (bodyErr != null) {
        Throwable reason = call.failure();
        result.completeExceptionally(reason != null ? reason
            : call.deadlineOr(RetryInterceptor.unwrap(bodyErr)));
      } else {
        result.complete(new Response<>(r, v, r.redirects(), r.attempts()));
      }
    });
  }

  /**
   * {@code e}, or the fallback threads when {@code e} refuses work (shut down while the client
   * closes, or a bounded executor that is full) or fails to take it in any other way. Never the
   * calling thread: that may be the event loop that delivered the headers or completed a transfer,
   * and these steps block.
   */
  private Executor orFallback(Executor e) {
    return task -> {
      try {
        e.execute(task);
      } catch (RuntimeException refused) {
        // Issue 8 review 2: not only a rejection. Any exception the caller's executor throws
        // escaped the completion that hands over the body, and was swallowed there: the call never
        // completed and its body (with its connection) was never released.
        blockingFallback.execute(task);
      }
    };
  }

  private static <T> void complete(CompletableFuture<Response<T>> out, Response<T> resp, Throwable cause) {
    if (cause == null) {
      out.complete(resp);
    } else {
      out.completeExceptionally(cause);
    }
  }

  /**
   * Closes the client. Every call still running, wherever it is (waiting for a connection, in a
   * retry backoff, streaming its body), ends with a {@link ClientClosedException} that carries how
   * far it got; calls started afterwards fail with one too. Then the transport is closed and the
   * client's threads stop.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      for (Flight f : List.copyOf(inFlight)) {
        f.abort(new ClientClosedException(f.request.uri(), f.call.furthest()));
      }
      List<CallBody> bodies;
      synchronized (streaming) {
        bodies = List.copyOf(streaming.keySet());
      }
      for (CallBody b : bodies) {
        b.fail(new ClientClosedException(b.uri(), SendState.RESPONSE_STARTED));
      }
    } finally {
      try {
        parts.transport().close();
      } finally {
        // Every call is ended: what the timer still holds are cancelled deadlines and retries.
        timer.shutdownNow();
        if (ownedExecutor != null) {
          ownedExecutor.shutdown();
        }
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
