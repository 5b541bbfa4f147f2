package dev.haul;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A complete response: status, headers, the body as the {@link BodyHandler} produced it, the
 * request that produced it, the protocol, the redirects followed to get here and the number of
 * attempts (first try plus retries) the last hop took.
 *
 * @param <T> the body type
 */
public final class Response<T> implements ResponseInfo {
  private final int status;
  private final Headers headers;
  private final T body;
  private final Request request;
  private final Protocol protocol;
  private final List<Redirect> redirects;
  private final int attempts;

  public Response(ResponseInfo info, T body, List<Redirect> redirects, int attempts) {
    this.status = info.status();
    this.headers = requireNonNull(info.headers(), "headers is null");
    this.request = requireNonNull(info.request(), "request is null");
    this.protocol = requireNonNull(info.protocol(), "protocol is null");
    this.body = body;
    this.redirects = List.copyOf(redirects);
    this.attempts = attempts;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public Headers headers() {
    return headers;
  }

  /** The body as the handler produced it. */
  public T body() {
    return body;
  }

  @Override
  public Request request() {
    return request;
  }

  @Override
  public Protocol protocol() {
    return protocol;
  }

  /** The redirects followed, in order; empty when the first URI answered. */
  public List<Redirect> redirects() {
    return redirects;
  }

  /** Attempts made in total, counting the first try and every retry. */
  public int attempts() {
    return attempts;
  }

  /** Whether the status is 2xx. */
  public boolean isSuccessful() {
    return status >= 200 && status < 300;
  }

  @Override
  public String toString() {
    return "Response{" + protocol.text() + " " + status + ", " + request + "}";
  }
}
