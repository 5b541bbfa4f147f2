/**
 * The cache engine: no compatibility promise; use {@link dev.haul.cache} instead.
 *
 * <p>{@link dev.haul.cache.internal.DefaultHttpCache} is the stage;
 * {@link dev.haul.cache.internal.CacheStrategy} its pure decision;
 * {@link dev.haul.cache.internal.Freshness} the age arithmetic; {@code TeeBody} writes a network
 * body to the store while it streams; {@link dev.haul.cache.internal.CaffeineCacheStore} and
 * {@link dev.haul.cache.internal.DiskCacheStore} are the stores.
 */
package dev.haul.cache.internal;
