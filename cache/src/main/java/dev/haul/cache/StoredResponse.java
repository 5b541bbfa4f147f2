package dev.haul.cache;

import static java.util.Objects.requireNonNull;

import dev.haul.Headers;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The head of a stored response and what the cache needs to reuse it (RFC 9111 §3, §4): the
 * request URI and method, the status and header fields as received (hop-by-hop fields removed),
 * the values the request had for the fields the response's {@code Vary} names (the secondary key,
 * §4.1), and when the request was sent and the response received (for the age, §4.2.3).
 * Immutable; its {@code Cache-Control} and {@code Date} are parsed once, on first use.
 */
public final class StoredResponse {

  private final String method;
  private final URI uri;
  private final int status;
  private final Headers headers;
  private final Headers varyHeaders;
  private final Instant requestTime;
  private final Instant responseTime;
  private volatile CacheControl cacheControl; // parsed on first use (a hit asks several times)
  private volatile Optional<Instant> date;

  /**
   * A stored response.
   *
   * @param method the request method
   * @param uri the request URI (the primary cache key)
   * @param status the response status
   * @param headers the response header fields as stored
   * @param varyHeaders the request's fields named by {@code Vary}, as sent (a named field the
   *     request did not have is absent)
   * @param requestTime when the request that produced (or last validated) the response was sent
   * @param responseTime when its response was received
   */
  public StoredResponse(String method, URI uri, int status, Headers headers, Headers varyHeaders,
      Instant requestTime, Instant responseTime) {
    this.method = requireNonNull(method, "method is null");
    this.uri = requireNonNull(uri, "uri is null");
    this.headers = requireNonNull(headers, "headers is null");
    this.varyHeaders = requireNonNull(varyHeaders, "varyHeaders is null");
    this.requestTime = requireNonNull(requestTime, "requestTime is null");
    this.responseTime = requireNonNull(responseTime, "responseTime is null");
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status: " + status + " (expected: 100..999)");
    }
    this.status = status;
  }

  public String method() {
    return method;
  }

  public URI uri() {
    return uri;
  }

  public int status() {
    return status;
  }

  public Headers headers() {
    return headers;
  }

  public Headers varyHeaders() {
    return varyHeaders;
  }

  public Instant requestTime() {
    return requestTime;
  }

  public Instant responseTime() {
    return responseTime;
  }

  /** The response's {@code Cache-Control} directives. */
  public CacheControl cacheControl() {
    CacheControl cc = cacheControl;
    if (cc == null) {
      cc = CacheControl.of(headers);
      cacheControl = cc;
    }
    return cc;
  }

  /** The named header as an HTTP date, when it holds a valid one. */
  public Optional<Instant> date(String name) {
    if (name.equalsIgnoreCase("Date")) {
      Optional<Instant> d = date;
      if (d == null) {
        d = headers.first("Date").flatMap(HttpDates::parse);
        date = d;
      }
      return d;
    }
    return headers.first(name).flatMap(HttpDates::parse);
  }

  /** This response with other headers and times (after a {@code 304} refreshed it). */
  public StoredResponse refreshed(Headers newHeaders, Instant newRequestTime, Instant newResponseTime) {
    return new StoredResponse(method, uri, status, newHeaders, varyHeaders, newRequestTime, newResponseTime);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredResponse r && status == r.status && method.equals(r.method) && uri.equals(r.uri)
        && headers.equals(r.headers) && varyHeaders.equals(r.varyHeaders) && requestTime.equals(r.requestTime)
        && responseTime.equals(r.responseTime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, uri, status, headers, varyHeaders, requestTime, responseTime);
  }

  @Override
  public String toString() {
    return "StoredResponse{" + status + ", " + method + " " + dev.haul.Redaction.uri(uri) + "}";
  }
}
