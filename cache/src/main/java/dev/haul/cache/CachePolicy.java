package dev.haul.cache;

import dev.haul.Request;
import dev.haul.ResponseInfo;
import java.time.Duration;

/**
 * Decides what may be stored and for how long a stored response is fresh: pure functions of the
 * request, the response and the cache's mode, so a policy holds no state and is easy to test. The
 * rest of RFC 9111 (age, request directives, validation, invalidation, {@code Vary}) is the
 * cache's own and applies whatever the policy.
 *
 * <p>The cache asks the policy of each request: the one a request carries in its
 * {@link CacheOptions} tag, else the one set for its origin, else the cache's default
 * ({@link Rfc9111Policy}, or {@link ForcedTtlPolicy} when {@code haul.cache.default-ttl} is set).
 */
public interface CachePolicy {

  /** Whether {@code response}, the answer to {@code request}, may be stored (RFC 9111 §3). */
  boolean isStorable(Request request, ResponseInfo response, CacheMode mode);

  /**
   * How long {@code response} is fresh from its origin's point of view (its freshness lifetime,
   * RFC 9111 §4.2.1, including heuristics); {@link Duration#ZERO} when it is stale at once.
   */
  Duration freshnessLifetime(StoredResponse response, CacheMode mode);

  /** RFC 9111 with the default heuristic (10 % of the time since {@code Last-Modified}, at most 1 day). */
  static CachePolicy rfc9111() {
    return Rfc9111Policy.create();
  }

  /** RFC 9111, but a successful GET without freshness information is fresh for {@code ttl}. */
  static CachePolicy forcedTtl(Duration ttl) {
    return ForcedTtlPolicy.of(ttl);
  }
}
