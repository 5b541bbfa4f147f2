package dev.haul;

import static java.util.Objects.requireNonNull;

import dev.haul.spi.RetryPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable HTTP request: method, absolute http(s) URI, headers, optional body and per-request
 * options (timeouts, call deadline, retry override, metric tags, typed tags, sensitive headers).
 *
 * <p>Everything is validated when the request is built: an invalid method, URI or header throws
 * {@link IllegalArgumentException} whose message names the part but never echoes a header value.
 */
public final class Request {

  private static final Set<String> IDEMPOTENT =
      Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

  private final String method;
  private final URI uri;
  private final Headers headers;
  private final RequestBody body;
  private final Map<Timeouts.Kind, Duration> timeouts;
  private final Duration callTimeout;
  private final RetryPolicy retryPolicy;
  private final Map<String, String> tags;
  private final Map<Class<?>, Object> typedTags;
  private final boolean safeToRetry;
  private final Set<String> sensitiveHeaders;
  private final Origin origin;

  private Request(Builder b) {
    this.method = b.method;
    this.uri = b.uri;
    this.origin = b.origin != null ? b.origin : Origin.of(b.uri);
    this.headers = b.headers.build();
    this.body = b.body;
    // The option maps are copied only when the builder changed them (requests are rebuilt often).
    this.timeouts = b.timeouts == null ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(b.timeouts));
    this.callTimeout = b.callTimeout;
    this.retryPolicy = b.retryPolicy;
    this.tags = b.tags == null ? b.sharedTags : Collections.unmodifiableMap(new LinkedHashMap<>(b.tags));
    this.typedTags = b.typedTags == null ? b.sharedTypedTags
        : Collections.unmodifiableMap(new LinkedHashMap<>(b.typedTags));
    this.safeToRetry = b.safeToRetry;
    this.sensitiveHeaders = b.sensitiveHeaders == null ? b.sharedSensitive
        : Collections.unmodifiableSet(new LinkedHashSet<>(b.sensitiveHeaders));
  }

  /** A builder for a GET of this URI. */
  public static Builder newBuilder(URI uri) {
    return new Builder().uri(uri);
  }

  /** A builder for a GET of this URI. */
  public static Builder newBuilder(String uri) {
    return new Builder().uri(uri);
  }

  /** A GET of this URI. */
  public static Request get(String uri) {
    return newBuilder(uri).build();
  }

  /** A builder that starts from this request. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public String method() {
    return method;
  }

  public URI uri() {
    return uri;
  }

  /** The origin (scheme, host, port) this request goes to. */
  public Origin origin() {
    return origin;
  }

  public Headers headers() {
    return headers;
  }

  /** The body, if there is one. */
  public Optional<RequestBody> body() {
    return Optional.ofNullable(body);
  }

  /** Timeouts this request overrides; the others come from the client's configuration. */
  public Map<Timeouts.Kind, Duration> timeoutOverrides() {
    return timeouts;
  }

  /** The deadline for the whole call (all redirects and retries), if this request sets one. */
  public Optional<Duration> callTimeout() {
    return Optional.ofNullable(callTimeout);
  }

  /** The retry policy for this request instead of the client's. */
  public Optional<RetryPolicy> retryPolicy() {
    return Optional.ofNullable(retryPolicy);
  }

  /** Tags for metrics and events, such as {@code api=models}. */
  public Map<String, String> tags() {
    return tags;
  }

  /**
   * The tag of this type attached with {@link Builder#tag(Class, Object)}, if any. Tags travel with
   * the request through every stage of the chain, including the requests that redirects and
   * retries rebuild from it, so interceptors and event listeners can read them (a download's
   * {@link DownloadSegment}, a trace context). They are never sent and never printed.
   */
  public <T> Optional<T> tag(Class<T> type) {
    requireNonNull(type, "type is null");
    return Optional.ofNullable(type.cast(typedTags.get(type)));
  }

  /** The types of the typed tags attached, in the order they were first set. */
  public Set<Class<?>> tagTypes() {
    return typedTags.keySet();
  }

  /** Whether the method is idempotent per RFC 9110 (GET, HEAD, OPTIONS, PUT, DELETE, TRACE). */
  public boolean isIdempotent() {
    return IDEMPOTENT.contains(method);
  }

  /**
   * Whether this request may be sent again after it reached the server without a response: it is
   * idempotent, or the caller marked it safe to repeat and its body is replayable.
   */
  public boolean isRepeatable() {
    boolean bodyOk = body == null || body.isReplayable();
    return bodyOk && (isIdempotent() || safeToRetry);
  }

  /** Whether the caller declared a non-idempotent request safe to repeat. */
  public boolean isSafeToRetry() {
    return safeToRetry;
  }

  /**
   * Headers the caller marked sensitive (lower-case): dropped on cross-origin redirects and
   * redacted in logs, like {@code Authorization} and {@code Cookie}.
   */
  public Set<String> sensitiveHeaders() {
    return sensitiveHeaders;
  }

  /** Whether the named header is sensitive, by default or because the caller marked it. */
  public boolean isSensitiveHeader(String name) {
    return Redaction.isSensitiveHeader(name)
        || sensitiveHeaders.contains(name.toLowerCase(Locale.ROOT));
  }

  /** Method and redacted URI; safe to log (typed tags, which may hold anything, are left out). */
  @Override
  public String toString() {
    return method + " " + Redaction.uri(uri);
  }

  /** Builds a {@link Request}. Not thread-safe. */
  public static final class Builder {
    private String method = "GET";
    private URI uri;
    private Origin origin;
    private Headers.Builder headers = Headers.builder();
    private RequestBody body;
    // Null until changed: a rebuilt request shares its source's immutable option maps.
    private EnumMap<Timeouts.Kind, Duration> timeouts;
    private Duration callTimeout;
    private RetryPolicy retryPolicy;
    private Map<String, String> tags;
    private Map<String, String> sharedTags = Map.of();
    private Map<Class<?>, Object> typedTags;
    private Map<Class<?>, Object> sharedTypedTags = Map.of();
    private boolean safeToRetry;
    private Set<String> sensitiveHeaders;
    private Set<String> sharedSensitive = Set.of();

    private Builder() {}

    private Builder(Request r) {
      this.method = r.method;
      this.uri = r.uri;
      this.origin = r.origin;
      this.headers = r.headers.toBuilder();
      this.body = r.body;
      if (!r.timeouts.isEmpty()) {
        this.timeouts = new EnumMap<>(r.timeouts);
      }
      this.callTimeout = r.callTimeout;
      this.retryPolicy = r.retryPolicy;
      this.sharedTags = r.tags;
      this.sharedTypedTags = r.typedTags;
      this.safeToRetry = r.safeToRetry;
      this.sharedSensitive = r.sensitiveHeaders;
    }

    /** An absolute http or https URI without ambiguous authority. */
    public Builder uri(URI uri) {
      this.uri = checkUri(requireNonNull(uri, "uri is null"));
      this.origin = null;
      return this;
    }

    /** Parses the URI; an invalid one is rejected without echoing it (it may hold secrets). */
    public Builder uri(String uri) {
      requireNonNull(uri, "uri is null");
      for (int i = 0; i < uri.length(); i++) {
        char c = uri.charAt(i);
        if (c < 0x21 || c == 0x7f) {
          throw new IllegalArgumentException(
              "uri: forbidden whitespace or control character at index " + i);
        }
      }
      try {
        return uri(new URI(uri));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(
            "uri: invalid at index " + e.getIndex() + " (" + e.getReason() + ")");
      }
    }

    public Builder method(String method, RequestBody body) {
      requireNonNull(method, "method is null");
      if (method.isEmpty()) {
        throw new IllegalArgumentException("method is empty");
      }
      for (int i = 0; i < method.length(); i++) {
        if (!Headers.isTokenChar(method.charAt(i))) {
          throw new IllegalArgumentException(
              "method: character at index " + i + " is not allowed (expected: an RFC 9110 token)");
        }
      }
      this.method = method;
      this.body = body;
      return this;
    }

    public Builder GET() {
      return method("GET", null);
    }

    public Builder HEAD() {
      return method("HEAD", null);
    }

    public Builder DELETE() {
      return method("DELETE", null);
    }

    public Builder POST(RequestBody body) {
      return method("POST", requireNonNull(body, "body is null"));
    }

    public Builder PUT(RequestBody body) {
      return method("PUT", requireNonNull(body, "body is null"));
    }

    /** Adds a header field. */
    public Builder header(String name, String value) {
      headers.add(name, value);
      return this;
    }

    /** Replaces every field of that name. */
    public Builder setHeader(String name, String value) {
      headers.set(name, value);
      return this;
    }

    public Builder removeHeader(String name) {
      headers.remove(name);
      return this;
    }

    /** Replaces all headers. */
    public Builder headers(Headers headers) {
      this.headers = requireNonNull(headers, "headers is null").toBuilder();
      return this;
    }

    /** Overrides one timeout for this request. */
    public Builder timeout(Timeouts.Kind kind, Duration duration) {
      if (timeouts == null) {
        timeouts = new EnumMap<>(Timeouts.Kind.class);
      }
      timeouts.put(kind, Timeouts.positive(kind, duration));
      return this;
    }

    /** A deadline for the whole call, spanning every redirect and retry. */
    public Builder callTimeout(Duration duration) {
      requireNonNull(duration, "callTimeout is null");
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("callTimeout: " + dev.haul.config.Durations.format(duration)
            + " (expected: > 0)");
      }
      this.callTimeout = duration;
      return this;
    }

    /** Uses this policy instead of the client's for this request. */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = requireNonNull(policy, "policy is null");
      return this;
    }

    /** A tag for metrics and events. */
    public Builder tag(String key, String value) {
      if (tags == null) {
        tags = new LinkedHashMap<>(sharedTags);
      }
      tags.put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
      return this;
    }

    /**
     * Attaches {@code value} as the tag of {@code type}, replacing any tag of that type; a null
     * value removes it. Read it back with {@link Request#tag(Class)}, from interceptors and event
     * listeners too. Keyed by the exact class: a tag set under an interface is read under it.
     *
     * @throws ClassCastException if {@code value} is not an instance of {@code type}
     */
    public <T> Builder tag(Class<T> type, T value) {
      requireNonNull(type, "type is null");
      if (typedTags == null) {
        typedTags = new LinkedHashMap<>(sharedTypedTags);
      }
      if (value == null) {
        typedTags.remove(type);
      } else {
        typedTags.put(type, type.cast(value));
      }
      return this;
    }

    /** Declares a non-idempotent request with a replayable body safe to send twice. */
    public Builder safeToRetry(boolean safe) {
      this.safeToRetry = safe;
      return this;
    }

    /** Marks a header as carrying a secret: redacted in output, dropped across origins. */
    public Builder sensitiveHeader(String name) {
      Headers.checkName(name);
      if (sensitiveHeaders == null) {
        sensitiveHeaders = new LinkedHashSet<>(sharedSensitive);
      }
      sensitiveHeaders.add(name.toLowerCase(Locale.ROOT));
      return this;
    }

    public Request build() {
      if (uri == null) {
        throw new IllegalStateException("uri is not set");
      }
      return new Request(this);
    }

    private static URI checkUri(URI uri) {
      if (!uri.isAbsolute() || uri.isOpaque()) {
        throw new IllegalArgumentException("uri: " + Redaction.uri(uri)
            + " (expected: an absolute http or https URI)");
      }
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("uri: scheme '" + uri.getScheme()
            + "' is not supported (expected: http or https)");
      }
      String authority = uri.getRawAuthority();
      if (authority != null && authority.indexOf('@') != authority.lastIndexOf('@')) {
        throw new IllegalArgumentException("uri: ambiguous authority with more than one '@'");
      }
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        throw new IllegalArgumentException("uri: no host in " + Redaction.uri(uri));
      }
      if (uri.getRawFragment() != null) {
        // Fragments are never sent; cut on the raw form so nothing is re-quoted.
        String raw = uri.toString();
        uri = URI.create(raw.substring(0, raw.indexOf('#')));
      }
      return uri;
    }
  }
}
