package dev.haul;

import java.net.URI;

/** The response status was not one the caller accepts, for example a 404 in a download. */
public class UnexpectedStatusException extends HaulException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public UnexpectedStatusException(URI uri, int status, String expected) {
    super("unexpected status " + status + " (expected: " + expected + ")", uri,
        SendState.RESPONSE_STARTED, null);
    this.status = status;
  }

  /** The status the server answered. */
  public int status() {
    return status;
  }
}
