package dev.haul;

import dev.haul.config.Durations;
import java.net.URI;
import java.time.Duration;

/** The TLS handshake did not complete in time. */
public class TlsHandshakeTimeoutException extends HaulTimeoutException {
  private static final long serialVersionUID = 1L;

  public TlsHandshakeTimeoutException(URI uri, SendState sendState, Duration timeout, Throwable cause) {
    super("TLS handshake timed out after " + Durations.format(timeout) + " (limit: haul.timeout.tls-handshake)", uri, sendState, timeout, cause);
  }
}
