package dev.haul;

import java.net.URI;

/** The call was cancelled, or the thread waiting in a blocking send was interrupted. */
public class CallCancelledException extends HaulException {
  private static final long serialVersionUID = 1L;

  public CallCancelledException(String detail, URI uri, SendState sendState, Throwable cause) {
    super(detail, uri, sendState, cause);
  }
}
