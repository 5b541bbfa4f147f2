package dev.haul.monitoring.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A map of metrics by key with a cap on distinct keys: past the cap every new key shares the
 * {@code overflow} entry, so a misbehaving server (a new status or reason per call) cannot grow
 * the registry without bound. The lookup of a known key is one {@code ConcurrentHashMap.get}.
 */
final class Bounded<K, V> {

  private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();
  private final int cap;
  private final Function<K, V> create;
  private final Supplier<V> overflowFactory;
  private volatile V overflow;

  /** {@code overflow} is created the first time a key over the cap arrives. */
  Bounded(int cap, Function<K, V> create, Supplier<V> overflow) {
    this.cap = cap;
    this.create = create;
    this.overflowFactory = overflow;
  }

  V get(K key) {
    V v = map.get(key);
    if (v != null) {
      return v;
    }
    V o = overflow;
    if (o != null && map.size() >= cap) {
      return o;
    }
    synchronized (this) { // only the first sighting of a key gets here
      v = map.get(key);
      if (v == null) {
        if (map.size() >= cap) {
          if (overflow == null) {
            overflow = overflowFactory.get();
          }
          return overflow;
        }
        v = create.apply(key);
        map.put(key, v);
      }
      return v;
    }
  }

  Map<K, V> view() {
    return map;
  }

  /** The overflow entry, or null while no key went over the cap. */
  V overflow() {
    return overflow;
  }
}
