package dev.haul;

import dev.haul.config.Durations;
import java.net.URI;
import java.time.Duration;

/** The call deadline, which spans every redirect and retry, expired. Never retried. */
public class DeadlineExceededException extends HaulTimeoutException {
  private static final long serialVersionUID = 1L;

  private final int attempts;

  public DeadlineExceededException(URI uri, SendState sendState, Duration timeout, int attempts,
      Throwable cause) {
    super("call deadline of " + Durations.format(timeout) + " exceeded after " + attempts
        + (attempts == 1 ? " attempt" : " attempts") + " (limit: haul.timeout.call)",
        uri, sendState, timeout, cause);
    this.attempts = attempts;
  }

  /** How many attempts (first try plus retries and redirects) were started. */
  public int attempts() {
    return attempts;
  }

  @Override
  public boolean isTransient() {
    return false;
  }
}
