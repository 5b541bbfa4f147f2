package dev.haul;

import dev.haul.config.Durations;
import java.net.URI;
import java.time.Duration;

/** No byte of the response body arrived for too long. */
public class ReadIdleTimeoutException extends HaulTimeoutException {
  private static final long serialVersionUID = 1L;

  public ReadIdleTimeoutException(URI uri, SendState sendState, Duration timeout, Throwable cause) {
    super("response body idle for " + Durations.format(timeout) + " (limit: haul.timeout.read-idle)", uri, sendState, timeout, cause);
  }
}
