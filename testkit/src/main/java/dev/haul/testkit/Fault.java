package dev.haul.testkit;

/** Where and how the origin server misbehaves while answering one request. */
public enum Fault {
  /** Behave. */
  NONE,
  /** Close the connection as soon as it is accepted, before reading a request (F3). */
  CLOSE_AT_START,
  /** Read the request, then close without answering (F4). */
  CLOSE_AFTER_REQUEST,
  /** Read the request, then shut down the output side only (F4, half-close). */
  HALF_CLOSE_AFTER_REQUEST,
  /** Read the request, then reset the connection (RST). */
  RESET_AFTER_REQUEST,
  /** Read the request and never answer (F11). */
  STALL_BEFORE_HEADERS,
  /** Send the headers and N body bytes, then close (F7, F8). */
  CLOSE_DURING_BODY,
  /** Send the headers and N body bytes, then reset (F10). */
  RESET_DURING_BODY,
  /** Send the headers and N body bytes, then stop sending but keep the connection open (F12). */
  STALL_DURING_BODY,
  /**
   * TLS only: send the headers and N body bytes, then bytes that are no TLS record, beneath the
   * encryption, so the client's TLS layer fails in the middle of the response.
   */
  CORRUPT_TLS_DURING_BODY
}
