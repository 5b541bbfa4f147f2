package dev.haul;

import java.net.URI;

/**
 * No pooled connection could be had: the pending-acquire queue of the origin was full, the pool
 * fails fast, or the acquire timed out ({@link PoolAcquireTimeoutException}). Always
 * {@link SendState#NOT_SENT}.
 */
public class PoolExhaustedException extends HaulException {
  private static final long serialVersionUID = 1L;

  private final int leased;
  private final int pending;

  public PoolExhaustedException(String detail, URI uri, int leased, int pending, Throwable cause) {
    super(detail + " (leased: " + leased + ", pending: " + pending + ")", uri, SendState.NOT_SENT,
        cause);
    this.leased = leased;
    this.pending = pending;
  }

  /** Connections of the origin leased at the time of failure. */
  public int leased() {
    return leased;
  }

  /** Acquires of the origin waiting at the time of failure. */
  public int pending() {
    return pending;
  }
}
