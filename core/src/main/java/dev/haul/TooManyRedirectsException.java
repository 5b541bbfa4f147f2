package dev.haul;

import java.net.URI;

/** More redirects than {@code haul.redirect.max-hops} allows. */
public class TooManyRedirectsException extends RedirectException {
  private static final long serialVersionUID = 1L;

  private final int hops;

  public TooManyRedirectsException(URI uri, int hops, int limit) {
    super("too many redirects: " + hops + " (limit: haul.redirect.max-hops = " + limit + ")", uri,
        SendState.RESPONSE_STARTED, null);
    this.hops = hops;
  }

  /** The number of redirects followed. */
  public int hops() {
    return hops;
  }
}
