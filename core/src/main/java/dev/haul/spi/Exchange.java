package dev.haul.spi;

import static java.util.Objects.requireNonNull;

import dev.haul.Request;
import dev.haul.Timeouts;

/**
 * One attempt handed to a {@link Transport}: the request exactly as it goes on the wire, the
 * timeouts already capped by the time left before the call deadline, where to report events, and
 * whether the attempt must run on a new connection.
 *
 * @param request the request to send
 * @param timeouts the timeouts of this attempt
 * @param listener the call's listener (already guarded: it never throws)
 * @param freshConnection the previous attempt of the call failed because a reused (pooled)
 *     connection had been closed by the server: the other idle connections to the origin may be
 *     dead the same way, so a transport with a pool must open a new connection for this attempt
 *     rather than take an idle one
 */
public record Exchange(Request request, Timeouts timeouts, EventListener listener, boolean freshConnection) {
  public Exchange {
    requireNonNull(request, "request is null");
    requireNonNull(timeouts, "timeouts is null");
    requireNonNull(listener, "listener is null");
  }

  /** An attempt that may use any connection. */
  public Exchange(Request request, Timeouts timeouts, EventListener listener) {
    this(request, timeouts, listener, false);
  }
}
