package dev.haul.spi;

import dev.haul.Request;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Observes, rewrites, short-circuits or repeats a call. Haul's own behaviours are interceptors in
 * a fixed order: user interceptors, redirects, retries, circuit breaker (when enabled), bridge,
 * Bearer auth (when configured), network interceptors, transport.
 *
 * <p>An application interceptor (added with {@code addInterceptor}) sees each call once and may
 * proceed zero or more times. A network interceptor (added with {@code addNetworkInterceptor})
 * sees each attempt on the wire and must call {@link Chain#proceed} exactly once; the chain
 * enforces it.
 */
@FunctionalInterface
public interface Interceptor {

  /** Handles the call, usually by calling {@code chain.proceed(chain.request())}. */
  CompletableFuture<RawResponse> intercept(Chain chain);

  /** The rest of the chain, as seen by one interceptor. */
  interface Chain {
    /** The request as it reached this interceptor. */
    Request request();

    /** Passes {@code request} to the next interceptor. */
    CompletableFuture<RawResponse> proceed(Request request);

    /** The time left before the call deadline, if the call has one. */
    Optional<Duration> timeLeft();

    /** The call's listener (guarded: it never throws). */
    EventListener listener();
  }
}
