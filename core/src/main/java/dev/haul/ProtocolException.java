package dev.haul;

import java.net.URI;

/** The peer violated HTTP: malformed status line, headers or framing. Never retried; the connection is closed. */
public class ProtocolException extends HaulException {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String detail, URI uri, SendState sendState, Throwable cause) {
    super(detail, uri, sendState, cause);
  }

}
