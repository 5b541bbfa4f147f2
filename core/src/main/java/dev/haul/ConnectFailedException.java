package dev.haul;

import java.net.URI;

/** The TCP connection could not be established (refused, unreachable, name not resolved). Always {@link SendState#NOT_SENT}. */
public class ConnectFailedException extends HaulException {
  private static final long serialVersionUID = 1L;

  public ConnectFailedException(String detail, URI uri, SendState sendState, Throwable cause) {
    super(detail, uri, sendState, cause);
  }

  @Override
  public boolean isTransient() {
    return true;
  }
}
