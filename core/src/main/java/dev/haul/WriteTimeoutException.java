package dev.haul;

import dev.haul.config.Durations;
import java.net.URI;
import java.time.Duration;

/** The socket accepted no request bytes for too long. */
public class WriteTimeoutException extends HaulTimeoutException {
  private static final long serialVersionUID = 1L;

  public WriteTimeoutException(URI uri, SendState sendState, Duration timeout, Throwable cause) {
    super("request write timed out after " + Durations.format(timeout) + " (limit: haul.timeout.write)", uri, sendState, timeout, cause);
  }
}
