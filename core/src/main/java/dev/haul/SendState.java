package dev.haul;

/**
 * How far an exchange got before it failed. Retry decisions depend on it: a request that was
 * {@link #NOT_SENT} is safe to repeat for any method; one that was {@link #SENT_NO_RESPONSE} only
 * when it is idempotent or its body is replayable and declared safe to repeat.
 */
public enum SendState {
  /** Nothing reached the server: connect failed, pool acquire timed out, stale connection. */
  NOT_SENT,
  /** The request (or part of it) was written but no response status line arrived. */
  SENT_NO_RESPONSE,
  /** A response had started to arrive when the failure happened. */
  RESPONSE_STARTED
}
