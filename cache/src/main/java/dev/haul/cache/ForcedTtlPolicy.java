package dev.haul.cache;

import static java.util.Objects.requireNonNull;

import dev.haul.Request;
import dev.haul.ResponseInfo;
import java.time.Duration;
import java.util.Optional;

/**
 * The original product's {@code http_cache_default_ttl}, done right: a successful GET (2xx, not
 * partial) whose response states no freshness ({@code max-age}, {@code s-maxage} in shared mode,
 * {@code Expires}) and no {@code no-cache} is stored and fresh for a fixed time; a response that
 * states its freshness keeps it, and everything RFC 9111 forbids storing ({@code no-store},
 * {@code private} or {@code Authorization} in shared mode, {@code Vary: *}) stays unstored.
 */
public final class ForcedTtlPolicy implements CachePolicy {

  private final Duration ttl;
  private final Rfc9111Policy rfc = Rfc9111Policy.create();

  private ForcedTtlPolicy(Duration ttl) {
    this.ttl = ttl;
  }

  /** The policy that gives responses without freshness information {@code ttl} ({@code > 0}). */
  public static ForcedTtlPolicy of(Duration ttl) {
    requireNonNull(ttl, "ttl is null");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
    }
    return new ForcedTtlPolicy(ttl);
  }

  /** The lifetime given to responses without freshness information. */
  public Duration ttl() {
    return ttl;
  }

  @Override
  public boolean isStorable(Request request, ResponseInfo response, CacheMode mode) {
    if (rfc.isStorable(request, response, mode)) {
      return true;
    }
    int s = response.status();
    return s >= 200 && s < 300 && Rfc9111Policy.mayStoreAtAll(request, response, mode);
  }

  @Override
  public Duration freshnessLifetime(StoredResponse response, CacheMode mode) {
    Optional<Duration> explicit = Rfc9111Policy.explicitLifetime(response, mode);
    if (explicit.isPresent()) {
      return explicit.get();
    }
    int s = response.status();
    if (s >= 200 && s < 300 && !response.cacheControl().has("no-cache")) {
      return ttl;
    }
    return rfc.freshnessLifetime(response, mode);
  }

  @Override
  public String toString() {
    return "ForcedTtlPolicy{ttl=" + ttl + "}";
  }
}
