package dev.haul.cache;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Per-request cache options, attached as a typed tag:
 * {@code Request.newBuilder(uri).tag(CacheOptions.class, CacheOptions.policy(CachePolicy.forcedTtl(Duration.ofMinutes(5))))}.
 * They travel with the request across redirects and retries and are never sent.
 */
public final class CacheOptions {

  private static final CacheOptions BYPASS = new CacheOptions(null, true);

  private final CachePolicy policy;
  private final boolean bypass;

  private CacheOptions(CachePolicy policy, boolean bypass) {
    this.policy = policy;
    this.bypass = bypass;
  }

  /** Decide what this request's response may store, and its freshness, with {@code policy}. */
  public static CacheOptions policy(CachePolicy policy) {
    return new CacheOptions(requireNonNull(policy, "policy is null"), false);
  }

  /** Leave the cache out for this request: it neither reads nor stores ({@code Cache-Status: fwd=bypass}). */
  public static CacheOptions bypass() {
    return BYPASS;
  }

  /** The policy this request chose, if any. */
  public Optional<CachePolicy> chosenPolicy() {
    return Optional.ofNullable(policy);
  }

  /** Whether the request bypasses the cache. */
  public boolean isBypass() {
    return bypass;
  }

  @Override
  public String toString() {
    return bypass ? "CacheOptions{bypass}" : "CacheOptions{" + policy + "}";
  }
}
