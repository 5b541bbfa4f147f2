package dev.haul;

import java.net.URI;
import java.time.Duration;

/** A timeout of some {@link Timeouts.Kind} or the call deadline expired. */
public abstract class HaulTimeoutException extends HaulException {
  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  protected HaulTimeoutException(String detail, URI uri, SendState sendState, Duration timeout,
      Throwable cause) {
    super(detail, uri, sendState, cause);
    this.timeout = timeout;
  }

  /** The limit that was exceeded. */
  public Duration timeout() {
    return timeout;
  }

  @Override
  public boolean isTransient() {
    return true;
  }
}
