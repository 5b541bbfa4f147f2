package dev.haul;

import dev.haul.config.Durations;
import java.net.URI;
import java.time.Duration;

/** The TCP connect did not complete in time. Always {@link SendState#NOT_SENT}. */
public class ConnectTimeoutException extends HaulTimeoutException {
  private static final long serialVersionUID = 1L;

  public ConnectTimeoutException(URI uri, SendState sendState, Duration timeout, Throwable cause) {
    super("connect timed out after " + Durations.format(timeout) + " (limit: haul.timeout.connect)", uri, sendState, timeout, cause);
  }
}
