package dev.haul.spi;

import static java.util.Objects.requireNonNull;

import dev.haul.Request;
import dev.haul.Timeouts;

/**
 * One attempt handed to a {@link Transport}: the request exactly as it goes on the wire, the
 * timeouts already capped by the time left before the call deadline, and where to report events.
 *
 * @param request the request to send
 * @param timeouts the timeouts of this attempt
 * @param listener the call's listener (already guarded: it never throws)
 */
public record Exchange(Request request, Timeouts timeouts, EventListener listener) {
  public Exchange {
    requireNonNull(request, "request is null");
    requireNonNull(timeouts, "timeouts is null");
    requireNonNull(listener, "listener is null");
  }
}
