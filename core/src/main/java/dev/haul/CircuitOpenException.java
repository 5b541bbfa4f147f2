package dev.haul;

import dev.haul.config.Durations;
import java.net.URI;
import java.time.Duration;

/** The origin's circuit breaker is open: the call failed fast, nothing was sent. Not retried. */
public class CircuitOpenException extends HaulException {
  private static final long serialVersionUID = 1L;

  private final transient Origin origin;

  public CircuitOpenException(URI uri, Origin origin, Duration retryIn) {
    super("circuit breaker open for " + origin + "; next probe in " + Durations.format(retryIn)
        + " (haul.circuit.*)", uri, SendState.NOT_SENT, null);
    this.origin = origin;
  }

  public Origin origin() {
    return origin;
  }
}
