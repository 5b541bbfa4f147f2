package dev.haul;

import java.net.URI;

/** A redirect could not be followed safely: missing, malformed or CRLF-bearing Location, unsupported scheme, https to http, or a loop. */
public class RedirectException extends HaulException {
  private static final long serialVersionUID = 1L;

  public RedirectException(String detail, URI uri, SendState sendState, Throwable cause) {
    super(detail, uri, sendState, cause);
  }

}
