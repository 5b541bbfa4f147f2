package dev.haul;

import static java.util.Objects.requireNonNull;

import java.net.URI;

/**
 * The root of every failure Haul reports. Unchecked, typed by cause, and carrying the
 * {@link SendState} the exchange had reached, so callers and retry policies can tell whether the
 * server may have acted on the request. Messages name the URI with credentials redacted.
 */
public class HaulException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient URI uri;
  private final SendState sendState;

  /**
   * @param detail what went wrong, never containing secrets
   * @param uri the request URI, redacted in the message; may be null
   * @param sendState how far the exchange got
   * @param cause the underlying failure; may be null
   */
  public HaulException(String detail, URI uri, SendState sendState, Throwable cause) {
    super(uri == null ? detail : detail + " [" + Redaction.uri(uri) + "]", cause);
    this.uri = uri;
    this.sendState = requireNonNull(sendState, "sendState is null");
  }

  /** The request URI, unredacted (for programmatic use, never for output). */
  public URI uri() {
    return uri;
  }

  /** How far the exchange got before it failed. */
  public SendState sendState() {
    return sendState;
  }

  /**
   * Whether the failure came from the network or a peer in a way that another attempt may not
   * repeat (connect failure, premature close, network timeouts). Protocol violations, TLS
   * certificate errors, limits and integrity failures are not transient.
   */
  public boolean isTransient() {
    return false;
  }
}
