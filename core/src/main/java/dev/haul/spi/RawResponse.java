package dev.haul.spi;

import static java.util.Objects.requireNonNull;

import dev.haul.Headers;
import dev.haul.Protocol;
import dev.haul.Redirect;
import dev.haul.Request;
import dev.haul.ResponseBody;
import dev.haul.ResponseInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * A response as it flows through the interceptor chain: head plus a streaming body. Interceptors
 * may replace it (with {@link #toBuilder()}) but must close the body of any response they drop.
 */
public final class RawResponse implements ResponseInfo {
  private final Request request;
  private final int status;
  private final Headers headers;
  private final Protocol protocol;
  private final ResponseBody body;
  private final List<Redirect> redirects;
  private final int attempts;

  private RawResponse(Builder b) {
    this.request = requireNonNull(b.request, "request is null");
    this.headers = requireNonNull(b.headers, "headers is null");
    this.protocol = requireNonNull(b.protocol, "protocol is null");
    this.body = requireNonNull(b.body, "body is null");
    if (b.status < 100 || b.status > 999) {
      throw new IllegalArgumentException("status: " + b.status + " (expected: 100..999)");
    }
    this.status = b.status;
    this.redirects = List.copyOf(b.redirects);
    this.attempts = b.attempts;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  @Override
  public Request request() {
    return request;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public Headers headers() {
    return headers;
  }

  @Override
  public Protocol protocol() {
    return protocol;
  }

  /** The streaming body; consume it or close it. */
  public ResponseBody body() {
    return body;
  }

  /** Redirects that led to this response (filled by the redirect stage). */
  public List<Redirect> redirects() {
    return redirects;
  }

  /** Attempts the retry stage made for this hop (1 when the first try answered). */
  public int attempts() {
    return attempts;
  }

  @Override
  public String toString() {
    return "RawResponse{" + status + ", " + request + "}";
  }

  /** Builds a {@link RawResponse}. */
  public static final class Builder {
    private Request request;
    private int status;
    private Headers headers = Headers.empty();
    private Protocol protocol = Protocol.HTTP_1_1;
    private ResponseBody body = ResponseBody.empty();
    private final List<Redirect> redirects = new ArrayList<>();
    private int attempts = 1;

    private Builder() {}

    private Builder(RawResponse r) {
      this.request = r.request;
      this.status = r.status;
      this.headers = r.headers;
      this.protocol = r.protocol;
      this.body = r.body;
      this.redirects.addAll(r.redirects);
      this.attempts = r.attempts;
    }

    public Builder request(Request request) {
      this.request = request;
      return this;
    }

    public Builder status(int status) {
      this.status = status;
      return this;
    }

    public Builder headers(Headers headers) {
      this.headers = headers;
      return this;
    }

    public Builder protocol(Protocol protocol) {
      this.protocol = protocol;
      return this;
    }

    public Builder body(ResponseBody body) {
      this.body = body;
      return this;
    }

    public Builder redirects(List<Redirect> redirects) {
      this.redirects.clear();
      this.redirects.addAll(redirects);
      return this;
    }

    public Builder attempts(int attempts) {
      this.attempts = attempts;
      return this;
    }

    public RawResponse build() {
      return new RawResponse(this);
    }
  }
}
