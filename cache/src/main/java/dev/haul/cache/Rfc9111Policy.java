package dev.haul.cache;

import static java.util.Objects.requireNonNull;

import dev.haul.Headers;
import dev.haul.Request;
import dev.haul.ResponseInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The policy RFC 9111 describes: a GET response is storable (§3) unless {@code no-store} is on the
 * request or the response, the status is partial or {@code 304}, {@code Vary: *} is present, or (in
 * shared mode) it is {@code private} or answers a request with {@code Authorization} without
 * {@code public}, {@code must-revalidate} or {@code s-maxage} (§3.5); and it needs explicit
 * freshness, {@code public}, {@code private} (private mode) or a heuristically cacheable status.
 *
 * <p>Freshness (§4.2.1): {@code s-maxage} (shared mode), then {@code max-age}, then
 * {@code Expires} minus {@code Date}; without any of them, for a heuristically cacheable status
 * (§4.2.2) or a {@code public} response, 10 % of the time between {@code Last-Modified} and
 * {@code Date}, at most {@link #heuristicCap()}. An invalid {@code Expires} is in the past.
 */
public final class Rfc9111Policy implements CachePolicy {

  /** RFC 9110 §15.1: statuses cacheable by default. */
  public static final Set<Integer> HEURISTICALLY_CACHEABLE =
      Set.of(200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501);

  private static final Rfc9111Policy DEFAULT = new Rfc9111Policy(Duration.ofDays(1));

  private final Duration heuristicCap;

  private Rfc9111Policy(Duration heuristicCap) {
    this.heuristicCap = heuristicCap;
  }

  /** The policy with a heuristic capped at one day. */
  public static Rfc9111Policy create() {
    return DEFAULT;
  }

  /** The policy with the heuristic lifetime capped at {@code cap} ({@code 0}: no heuristic). */
  public static Rfc9111Policy withHeuristicCap(Duration cap) {
    requireNonNull(cap, "cap is null");
    if (cap.isNegative()) {
      throw new IllegalArgumentException("cap: " + cap + " (expected: >= 0)");
    }
    return new Rfc9111Policy(cap);
  }

  /** The longest heuristic freshness lifetime. */
  public Duration heuristicCap() {
    return heuristicCap;
  }

  @Override
  public boolean isStorable(Request request, ResponseInfo response, CacheMode mode) {
    if (!mayStoreAtAll(request, response, mode)) {
      return false;
    }
    CacheControl cc = CacheControl.of(response.headers());
    return response.headers().contains("Expires") || cc.has("max-age") || cc.has("public")
        || (mode == CacheMode.SHARED && cc.has("s-maxage")) || (mode == CacheMode.PRIVATE && cc.has("private"))
        || HEURISTICALLY_CACHEABLE.contains(response.status());
  }

  /**
   * The conditions of RFC 9111 §3 that no policy may relax: GET, a final non-partial status other
   * than {@code 304}, no {@code no-store}, no {@code Vary: *}, and in shared mode neither
   * {@code private} nor an {@code Authorization} the response does not allow (§3.5).
   */
  public static boolean mayStoreAtAll(Request request, ResponseInfo response, CacheMode mode) {
    int status = response.status();
    if (!"GET".equals(request.method()) || status < 200 || status == 206 || status == 304) {
      return false;
    }
    CacheControl req = CacheControl.of(request.headers());
    CacheControl res = CacheControl.of(response.headers());
    if (req.has("no-store") || res.has("no-store") || varyStar(response.headers())) {
      return false;
    }
    if (mode == CacheMode.SHARED) {
      if (res.has("private")) {
        return false;
      }
      if (request.headers().contains("Authorization")
          && !(res.has("public") || res.has("must-revalidate") || res.has("s-maxage"))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Duration freshnessLifetime(StoredResponse response, CacheMode mode) {
    Optional<Duration> explicit = explicitLifetime(response, mode);
    if (explicit.isPresent()) {
      return explicit.get();
    }
    boolean heuristic = HEURISTICALLY_CACHEABLE.contains(response.status()) || response.cacheControl().has("public");
    return heuristic ? heuristicLifetime(response, heuristicCap) : Duration.ZERO;
  }

  /**
   * The lifetime the response states (§4.2.1), if it states one: {@code s-maxage} in shared mode,
   * {@code max-age}, or {@code Expires} minus {@code Date} (the response time when {@code Date} is
   * missing or invalid; zero for an invalid or repeated {@code Expires}).
   */
  public static Optional<Duration> explicitLifetime(StoredResponse response, CacheMode mode) {
    CacheControl cc = response.cacheControl();
    if (mode == CacheMode.SHARED) {
      OptionalLong s = cc.minSeconds("s-maxage");
      if (s.isPresent()) {
        return Optional.of(Duration.ofSeconds(s.getAsLong()));
      }
    }
    OptionalLong maxAge = cc.minSeconds("max-age");
    if (maxAge.isPresent()) {
      return Optional.of(Duration.ofSeconds(maxAge.getAsLong()));
    }
    List<String> expires = response.headers().all("Expires");
    if (!expires.isEmpty()) {
      Optional<Instant> e = expires.size() == 1 ? HttpDates.parse(expires.get(0)) : Optional.empty();
      if (e.isEmpty()) {
        return Optional.of(Duration.ZERO);
      }
      Instant date = response.date("Date").orElse(response.responseTime());
      Duration d = Duration.between(date, e.get());
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    }
    return Optional.empty();
  }

  /**
   * RFC 9111 §4.2.2: 10 % of the interval between {@code Last-Modified} and {@code Date} (the
   * response time when {@code Date} is missing), at most {@code cap}; zero without a valid
   * {@code Last-Modified} or when it is not before the date.
   */
  public static Duration heuristicLifetime(StoredResponse response, Duration cap) {
    Optional<Instant> lastModified = response.date("Last-Modified");
    if (lastModified.isEmpty()) {
      return Duration.ZERO;
    }
    Instant date = response.date("Date").orElse(response.responseTime());
    Duration since = Duration.between(lastModified.get(), date);
    if (since.isNegative() || since.isZero()) {
      return Duration.ZERO;
    }
    Duration tenth = since.dividedBy(10);
    return tenth.compareTo(cap) > 0 ? cap : tenth;
  }

  static boolean varyStar(Headers headers) {
    for (String v : headers.all("Vary")) {
      for (String name : v.split(",")) {
        if (name.trim().equals("*")) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "Rfc9111Policy{heuristicCap=" + heuristicCap + "}";
  }
}
