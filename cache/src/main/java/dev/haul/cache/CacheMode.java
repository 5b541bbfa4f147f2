package dev.haul.cache;

/** Whom a cache serves (RFC 9111 §1): one user, or many users through one store. */
public enum CacheMode {
  /**
   * A private cache (the default): it serves one user, so it may store responses marked
   * {@code private} and responses to requests carrying {@code Authorization}.
   */
  PRIVATE,
  /**
   * A shared cache: it honours {@code s-maxage} and {@code proxy-revalidate}, never stores
   * {@code private} responses, and stores a response to a request with {@code Authorization} only
   * when RFC 9111 §3.5 allows it ({@code public}, {@code must-revalidate} or {@code s-maxage}).
   */
  SHARED
}
