package dev.haul;

import dev.haul.config.Durations;
import java.net.URI;
import java.time.Duration;

/** The server asked to retry after longer than {@code haul.retry.max-retry-after} allows. */
public class RetryAfterExceededException extends HaulException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final Duration retryAfter;

  public RetryAfterExceededException(URI uri, int status, Duration retryAfter, Duration max) {
    super("status " + status + " with Retry-After " + Durations.format(retryAfter)
        + " exceeds " + Durations.format(max) + " (limit: haul.retry.max-retry-after)", uri,
        SendState.RESPONSE_STARTED, null);
    this.status = status;
    this.retryAfter = retryAfter;
  }

  /** The status that carried the header. */
  public int status() {
    return status;
  }

  /** What the server asked for. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
