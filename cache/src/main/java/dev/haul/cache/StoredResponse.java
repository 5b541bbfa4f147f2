package dev.haul.cache;

import static java.util.Objects.requireNonNull;

import dev.haul.Headers;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/**
 * The head of a stored response and what the cache needs to reuse it (RFC 9111 §3, §4): the
 * request URI and method, the status and header fields as received (hop-by-hop fields removed),
 * the values the request had for the fields the response's {@code Vary} names (the secondary key,
 * §4.1), and when the request was sent and the response received (for the age, §4.2.3).
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
public record StoredResponse(String method, URI uri, int status, Headers headers, Headers varyHeaders,
    Instant requestTime, Instant responseTime) {

  public StoredResponse {
    requireNonNull(method, "method is null");
    requireNonNull(uri, "uri is null");
    requireNonNull(headers, "headers is null");
    requireNonNull(varyHeaders, "varyHeaders is null");
    requireNonNull(requestTime, "requestTime is null");
    requireNonNull(responseTime, "responseTime is null");
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status: " + status + " (expected: 100..999)");
    }
  }

  /** The response's {@code Cache-Control} directives. */
  public CacheControl cacheControl() {
    return CacheControl.of(headers);
  }

  /** The named header as an HTTP date, when it holds a valid one. */
  public Optional<Instant> date(String name) {
    return headers.first(name).flatMap(HttpDates::parse);
  }

  /** This response with other headers and times (after a {@code 304} refreshed it). */
  public StoredResponse refreshed(Headers newHeaders, Instant newRequestTime, Instant newResponseTime) {
    return new StoredResponse(method, uri, status, newHeaders, varyHeaders, newRequestTime, newResponseTime);
  }

  @Override
  public String toString() {
    return "StoredResponse{" + status + ", " + method + " " + dev.haul.Redaction.uri(uri) + "}";
  }
}
