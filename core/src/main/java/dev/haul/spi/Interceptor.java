package dev.haul.spi;

import dev.haul.Request;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Observes, rewrites, short-circuits or repeats a call. Haul's own behaviours are interceptors in
 * one fixed order, whatever order modules are installed in:
 *
 * <ol>
 *   <li>application interceptors (added with {@code addInterceptor}, in the order added);
 *   <li>redirects;
 *   <li>retries;
 *   <li>the cache, when one is installed ({@link CacheStage}; without one the slot costs nothing);
 *   <li>the circuit breaker, when enabled;
 *   <li>the bridge (default headers such as {@code User-Agent});
 *   <li>Bearer auth, when configured;
 *   <li>network interceptors (added with {@code addNetworkInterceptor});
 *   <li>the transport.
 * </ol>
 *
 * <p>An application interceptor sees each call once and may proceed zero or more times. A network
 * interceptor sees each attempt on the wire and must call {@link Chain#proceed} exactly once,
 * keeping the request's origin; the chain enforces it. Interceptors bound through Guice
 * multibinders in different modules carry no order guarantee between modules: an application
 * whose interceptors depend on each other's order adds them from one module (or one builder).
 */
@FunctionalInterface
public interface Interceptor {

  /** Handles the call, usually by calling {@code chain.proceed(chain.request())}. */
  CompletableFuture<RawResponse> intercept(Chain chain);

  /** The rest of the chain, as seen by one interceptor. */
  interface Chain {
    /** The request as it reached this interceptor (its tags are {@link Request#tag}). */
    Request request();

    /** Passes {@code request} to the next interceptor. */
    CompletableFuture<RawResponse> proceed(Request request);

    /** The call this chain belongs to: its identity and the request the caller sent. */
    Call call();

    /**
     * How many attempts of this call have been handed to the transport so far: 0 before the
     * first; in a network interceptor, the number of the attempt it is handling (from 1). It counts
     * every attempt of the call, across redirects and retries (unlike {@code Response.attempts()},
     * which counts the attempts of the final hop only).
     */
    int attempt();

    /** The call deadline (the whole call, retries and redirects included), if it has one. */
    Optional<Duration> callTimeout();

    /** The time left before the call deadline, if the call has one (never negative). */
    Optional<Duration> timeLeft();

    /** The call's listener (guarded: it never throws). */
    EventListener listener();
  }
}
