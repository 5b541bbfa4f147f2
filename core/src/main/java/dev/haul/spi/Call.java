package dev.haul.spi;

import dev.haul.Request;

/**
 * The identity of one call, from {@code send}/{@code sendAsync} until its response body is done
 * with: every attempt, redirect and retry of it shares this handle. Interceptors reach it through
 * {@link Interceptor.Chain#call()}; an {@link EventListener.Factory} receives it when it creates
 * the call's listener, so a metrics sink can keep per-call state without a shared map.
 *
 * <p>A handle holds nothing of the response: a listener may keep it as long as it likes.
 */
public interface Call {

  /** A number unique among the calls of one client, in the order they started (from 1). */
  long id();

  /** The request as the caller passed it, before any interceptor rewrote it. */
  Request request();

  /** When the call started, on the client's {@link Ticker} (nanoseconds). */
  long startNanos();
}
