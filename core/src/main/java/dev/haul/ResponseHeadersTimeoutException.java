package dev.haul;

import dev.haul.config.Durations;
import java.net.URI;
import java.time.Duration;

/** The response headers did not arrive in time after the request was sent. */
public class ResponseHeadersTimeoutException extends HaulTimeoutException {
  private static final long serialVersionUID = 1L;

  public ResponseHeadersTimeoutException(URI uri, SendState sendState, Duration timeout, Throwable cause) {
    super("no response headers within " + Durations.format(timeout) + " (limit: haul.timeout.response-headers)", uri, sendState, timeout, cause);
  }
}
