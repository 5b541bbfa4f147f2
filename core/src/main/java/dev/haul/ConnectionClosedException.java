package dev.haul;

import java.net.URI;

/** The peer closed or reset the connection before the exchange was complete (premature EOF, TCP reset). */
public class ConnectionClosedException extends HaulException {
  private static final long serialVersionUID = 1L;

  public ConnectionClosedException(String detail, URI uri, SendState sendState, Throwable cause) {
    super(detail, uri, sendState, cause);
  }

  @Override
  public boolean isTransient() {
    return true;
  }
}
