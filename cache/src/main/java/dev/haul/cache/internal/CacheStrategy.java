package dev.haul.cache.internal;

import dev.haul.Headers;
import dev.haul.cache.CacheControl;
import dev.haul.cache.CacheMode;
import dev.haul.cache.StoredResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * What to do with a stored response for a request: a pure function of the time, the request's
 * directives, the stored response, its freshness lifetime (from the policy) and the cache's mode
 * (RFC 9111 §4, §4.2.4, §5.2.1; RFC 5861 §3).
 */
public final class CacheStrategy {

  /** The action. */
  public enum Action {
    /** Serve the stored response; it is fresh enough for the request. */
    HIT,
    /** Serve it stale, as the request's {@code max-stale} allows. */
    STALE_HIT,
    /** Serve it stale and revalidate it in the background ({@code stale-while-revalidate}). */
    STALE_WHILE_REVALIDATE,
    /** Ask the origin with the stored validators. */
    VALIDATE,
    /** Ask the origin without validators (the stored response has none). */
    FORWARD
  }

  /**
   * The decision and the figures behind it.
   *
   * @param action what to do
   * @param ageMillis the stored response's current age
   * @param lifetimeMillis its freshness lifetime
   */
  public record Decision(Action action, long ageMillis, long lifetimeMillis) {
    /** Seconds of freshness left (negative when stale), as {@code Cache-Status}'s {@code ttl} says it. */
    public long ttlSeconds() {
      return Math.floorDiv(Freshness.sat(lifetimeMillis, -ageMillis), 1000);
    }

    /** Whether the response is fresh. */
    public boolean fresh() {
      return lifetimeMillis > ageMillis;
    }
  }

  private CacheStrategy() {}

  public static Decision decide(Instant now, Headers requestHeaders, StoredResponse stored, Duration lifetime,
      CacheMode mode) {
    CacheControl req = CacheControl.of(requestHeaders);
    CacheControl res = stored.cacheControl();
    long age = Freshness.currentAgeMillis(stored, now);
    long life = Freshness.toMillis(lifetime);
    boolean fresh = life > age;
    boolean mustValidate = res.has("no-cache") || req.has("no-cache") || (req.isEmpty() && pragmaNoCache(requestHeaders));
    OptionalLong maxAge = req.minSeconds("max-age");
    boolean ageOk = maxAge.isEmpty() || age <= seconds(maxAge.getAsLong());
    OptionalLong minFresh = req.maxSeconds("min-fresh");
    boolean freshEnough = minFresh.isEmpty() || Freshness.sat(life, -age) >= seconds(minFresh.getAsLong());
    if (!mustValidate && fresh && ageOk && freshEnough) {
      return new Decision(Action.HIT, age, life);
    }
    if (!fresh && !noStale(res, mode) && !mustValidate) {
      long staleness = Freshness.sat(age, -life);
      if (req.has("max-stale") && ageOk) {
        long allowed = seconds(req.minSeconds("max-stale", Long.MAX_VALUE).getAsLong());
        if (staleness <= allowed) {
          return new Decision(Action.STALE_HIT, age, life);
        }
      }
      OptionalLong swr = res.minSeconds("stale-while-revalidate");
      if (swr.isPresent() && ageOk && staleness <= seconds(swr.getAsLong())) {
        return new Decision(Action.STALE_WHILE_REVALIDATE, age, life);
      }
    }
    boolean validators = stored.headers().contains("ETag") || stored.headers().contains("Last-Modified");
    return new Decision(validators ? Action.VALIDATE : Action.FORWARD, age, life);
  }

  /**
   * Whether the stored response may answer after the origin failed (RFC 5861 §4): the response's
   * or the request's {@code stale-if-error} covers its staleness, and nothing forbids stale reuse.
   */
  public static boolean staleIfError(Instant now, Headers requestHeaders, StoredResponse stored, Duration lifetime,
      CacheMode mode) {
    CacheControl req = CacheControl.of(requestHeaders);
    CacheControl res = stored.cacheControl();
    if (noStale(res, mode) || res.has("no-cache") || req.has("no-cache") || req.has("no-store")) {
      return false;
    }
    long staleness = Freshness.sat(Freshness.currentAgeMillis(stored, now), -Freshness.toMillis(lifetime));
    OptionalLong r = res.minSeconds("stale-if-error");
    OptionalLong q = req.minSeconds("stale-if-error");
    return (r.isPresent() && staleness <= seconds(r.getAsLong())) || (q.isPresent() && staleness <= seconds(q.getAsLong()));
  }

  /** Directives that forbid serving the response stale (§5.2.2.2, §5.2.2.8, §5.2.2.10). */
  static boolean noStale(CacheControl res, CacheMode mode) {
    return res.has("must-revalidate")
        || (mode == CacheMode.SHARED && (res.has("proxy-revalidate") || res.has("s-maxage")));
  }

  private static boolean pragmaNoCache(Headers h) {
    for (String v : h.all("Pragma")) {
      if (v.toLowerCase(Locale.ROOT).contains("no-cache")) {
        return true;
      }
    }
    return false;
  }

  private static long seconds(long s) {
    return s >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : s * 1000;
  }
}
