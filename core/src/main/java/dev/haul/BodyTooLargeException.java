package dev.haul;

import java.net.URI;

/** The response body is, or announced it would be, larger than the caller's cap. */
public class BodyTooLargeException extends HaulException {
  private static final long serialVersionUID = 1L;

  private final long limit;

  public BodyTooLargeException(URI uri, long seenOrDeclared, long limit, boolean declared) {
    super((declared ? "Content-Length " + seenOrDeclared + " exceeds" : "body exceeded")
        + " the cap of " + limit + " bytes (limit: the body handler's cap)",
        uri, SendState.RESPONSE_STARTED, null);
    this.limit = limit;
  }

  /** The cap that was hit, in bytes. */
  public long limit() {
    return limit;
  }
}
