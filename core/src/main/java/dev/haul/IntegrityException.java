package dev.haul;

import java.net.URI;

/** The received bytes do not match what was expected: size or checksum mismatch. */
public class IntegrityException extends HaulException {
  private static final long serialVersionUID = 1L;

  public IntegrityException(String detail, URI uri, SendState sendState, Throwable cause) {
    super(detail, uri, sendState, cause);
  }

}
