package dev.haul.cache;

/**
 * A snapshot of a cache's counters since it was built.
 *
 * @param hits requests answered from the store without contacting the origin (stale ones served
 *     under {@code max-stale} or {@code stale-while-revalidate} included)
 * @param misses requests that went to the origin because nothing stored was usable
 * @param conditionalHits validations the origin answered with {@code 304}, served from the store
 * @param staleServed stale responses served ({@code max-stale}, {@code stale-while-revalidate},
 *     {@code stale-if-error}); those served after an origin error are counted here only
 * @param stored responses written to the store
 * @param evictions entries the store dropped by itself (size bound, corruption)
 * @param evictedBytes the bytes those entries held
 * @param size the bytes the store holds now
 * @param entries the entries the store holds now
 */
public record CacheStats(long hits, long misses, long conditionalHits, long staleServed, long stored,
    long evictions, long evictedBytes, long size, long entries) {}
