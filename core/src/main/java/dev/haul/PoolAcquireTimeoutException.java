package dev.haul;

import dev.haul.config.Durations;
import java.net.URI;
import java.time.Duration;

/** Waiting for a pooled connection took longer than {@code haul.timeout.pool-acquire}. */
public class PoolAcquireTimeoutException extends PoolExhaustedException {
  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  public PoolAcquireTimeoutException(URI uri, Duration timeout, int leased, int pending) {
    super("no pooled connection within " + Durations.format(timeout)
        + " (limit: haul.timeout.pool-acquire)", uri, leased, pending, null);
    this.timeout = timeout;
  }

  /** The limit that was exceeded. */
  public Duration timeout() {
    return timeout;
  }
}
