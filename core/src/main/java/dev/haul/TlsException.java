package dev.haul;

import java.net.URI;

/** The TLS handshake failed: untrusted certificate, wrong host name, no common protocol. Never retried. */
public class TlsException extends HaulException {
  private static final long serialVersionUID = 1L;

  public TlsException(String detail, URI uri, SendState sendState, Throwable cause) {
    super(detail, uri, sendState, cause);
  }

}
