package dev.haul;

import java.net.URI;

/**
 * The client was closed: calls still running when {@link HaulClient#close()} ran end with this,
 * carrying how far they got, and calls started afterwards fail with it as {@link SendState#NOT_SENT}.
 */
public class ClientClosedException extends CallCancelledException {
  private static final long serialVersionUID = 1L;

  public ClientClosedException(URI uri, SendState sendState) {
    super("the client was closed", uri, sendState, null);
  }
}
