package dev.haul.monitoring.internal;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cache's events, from whatever cache sits in the client's cache slot: {@code haul.cache.*}.
 * The cache counts as installed once it reported anything (a client with a cache reports a miss or
 * a hit on its first cacheable call).
 */
public final class CacheTracker {

  private final Meter hits;
  private final Meter misses;
  private final Meter conditionalHits;
  private final Meter staleServed;
  private final Meter stores;
  private final Counter evictions;
  private final LongAdder size = new LongAdder();
  private volatile boolean installed;

  CacheTracker(MetricRegistry registry) {
    hits = registry.meter("haul.cache.hits");
    misses = registry.meter("haul.cache.misses");
    conditionalHits = registry.meter("haul.cache.conditional-hits");
    staleServed = registry.meter("haul.cache.stale-served");
    stores = registry.meter("haul.cache.stores");
    evictions = registry.counter("haul.cache.evictions");
    Gauges.register(registry, "haul.cache.size-bytes", size::sum);
  }

  private void seen() {
    if (!installed) {
      installed = true;
    }
  }

  void hit() {
    seen();
    hits.mark();
  }

  void miss() {
    seen();
    misses.mark();
  }

  void conditionalHit() {
    seen();
    conditionalHits.mark();
  }

  void staleServed() {
    seen();
    staleServed.mark();
  }

  void stored(long bytes) {
    seen();
    stores.mark();
    size.add(bytes);
  }

  void evicted(long bytes) {
    seen();
    evictions.inc();
    size.add(-bytes);
  }

  public boolean installed() {
    return installed;
  }

  public long hits() {
    return hits.getCount();
  }

  public long misses() {
    return misses.getCount();
  }

  public long conditionalHits() {
    return conditionalHits.getCount();
  }

  public long staleServedCount() {
    return staleServed.getCount();
  }

  public long stores() {
    return stores.getCount();
  }

  public long evictions() {
    return evictions.getCount();
  }

  public long sizeBytes() {
    return size.sum();
  }
}
