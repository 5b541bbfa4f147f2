package dev.haul;

import java.net.URI;

/** The peer closed or reset the connection before the exchange was complete (premature EOF, TCP reset). */
public class ConnectionClosedException extends HaulException {
  private static final long serialVersionUID = 1L;

  private final boolean onReusedConnection;

  public ConnectionClosedException(String detail, URI uri, SendState sendState, Throwable cause) {
    this(detail, uri, sendState, cause, false);
  }

  /**
   * @param onReusedConnection the connection had carried earlier exchanges and was taken from the
   *     pool: the likely cause is a server that closed it while it was idle (F5), not a failure
   *     of this request
   */
  public ConnectionClosedException(String detail, URI uri, SendState sendState, Throwable cause,
      boolean onReusedConnection) {
    super(detail, uri, sendState, cause);
    this.onReusedConnection = onReusedConnection;
  }

  /**
   * Whether this happened on a pooled connection that had carried earlier exchanges. A transport
   * retries by itself only what never reached the server ({@link SendState#NOT_SENT}); a reused
   * connection that died after the request went out is reported with this flag, and the
   * {@linkplain dev.haul.spi.RetryPolicy#defaults() default retry policy} repeats such a request
   * at once when it is repeatable, so a stale connection stays invisible to the caller while
   * {@link dev.haul.spi.RetryPolicy#none()} sends a request at most once.
   */
  public boolean onReusedConnection() {
    return onReusedConnection;
  }

  @Override
  public boolean isTransient() {
    return true;
  }
}
