package dev.haul.monitoring.internal;

import com.codahale.metrics.Counter;
import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.MetricSet;
import com.codahale.metrics.Timer;
import com.codahale.metrics.jvm.BufferPoolMetricSet;
import com.codahale.metrics.jvm.GarbageCollectorMetricSet;
import com.codahale.metrics.jvm.MemoryUsageGaugeSet;
import dev.haul.Origin;
import dev.haul.spi.Call;
import dev.haul.spi.EventListener;
import dev.haul.spi.HaulEvent;
import dev.haul.spi.PoolStats;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code HaulMetrics} records, over one {@link MetricRegistry}: per-origin holders
 * (capped, overflow to {@code other}), call totals, downloads, cache and the JVM's memory.
 */
public final class MetricsEngine {

  private final MetricRegistry registry;
  private final Bounded<Origin, OriginMetrics> origins;
  final Timer calls;
  final Meter callsFailed;
  final Meter callsCancelled;
  final Counter activeCalls;
  final Bounded<Class<?>, Meter> errors;
  private final DownloadTracker downloads;
  private final CacheTracker cache;

  public MetricsEngine(MetricRegistry registry, int maxOrigins) {
    this.registry = registry;
    this.origins = new Bounded<>(maxOrigins,
        o -> new OriginMetrics(registry, MetricNames.token(o), o.toString()),
        () -> new OriginMetrics(registry, MetricNames.OTHER, MetricNames.OTHER));
    this.calls = registry.timer("haul.requests", () -> new Timer(LockFreeExponentiallyDecayingReservoir.builder().build()));
    this.callsFailed = registry.meter("haul.requests-failed");
    this.callsCancelled = registry.meter("haul.requests-cancelled");
    this.activeCalls = registry.counter("haul.requests-active");
    this.errors = new Bounded<>(64, t -> registry.meter("haul.errors." + MetricNames.segment(t.getSimpleName())),
        () -> registry.meter("haul.errors.other"));
    this.downloads = new DownloadTracker(registry);
    this.cache = new CacheTracker(registry);
    registerJvm();
  }

  private void registerJvm() {
    registerAbsent("jvm.memory", new MemoryUsageGaugeSet());
    registerAbsent("jvm.buffers", new BufferPoolMetricSet(ManagementFactory.getPlatformMBeanServer()));
    registerAbsent("jvm.gc", new GarbageCollectorMetricSet());
  }

  private void registerAbsent(String prefix, MetricSet set) {
    for (Map.Entry<String, Metric> e : set.getMetrics().entrySet()) {
      String name = MetricRegistry.name(prefix, e.getKey());
      if (!registry.getMetrics().containsKey(name)) {
        try {
          registry.register(name, e.getValue());
        } catch (IllegalArgumentException raced) {
          // registered meanwhile by someone else: theirs reads the same JVM
        }
      }
    }
  }

  public MetricRegistry registry() {
    return registry;
  }

  /** The holder of {@code origin}'s metrics, or of {@code other} past the cap. */
  public OriginMetrics origin(Origin origin) {
    return origins.get(origin);
  }

  /** Every origin's holder, {@code other} last when there is one. */
  public List<OriginMetrics> origins() {
    List<OriginMetrics> all = new java.util.ArrayList<>(origins.view().values());
    all.sort(java.util.Comparator.comparing(OriginMetrics::label));
    OriginMetrics other = origins.overflow();
    if (other != null) {
      all.add(other);
    }
    return all;
  }

  /** The listener of one call. */
  public EventListener callListener(Call call) {
    return new CallMetrics(this, call);
  }

  /** An event of a module above the client: downloads are recognised by their module name. */
  public void moduleEvent(HaulEvent event) {
    if ("download".equals(event.module())) {
      downloads.on(event);
    }
  }

  public void cacheEvicted(URI uri, long bytes, String cause) {
    cache.evicted(bytes);
  }

  /** A fresh pool snapshot from the client. */
  public void pools(List<PoolStats> stats) {
    for (PoolStats s : stats) {
      origin(s.origin()).pool(s);
    }
  }

  public DownloadTracker downloads() {
    return downloads;
  }

  public CacheTracker cache() {
    return cache;
  }

  public Timer calls() {
    return calls;
  }

  public Meter callsFailed() {
    return callsFailed;
  }

  public Meter callsCancelled() {
    return callsCancelled;
  }

  public Counter activeCalls() {
    return activeCalls;
  }

  public Map<Class<?>, Meter> errors() {
    return errors.view();
  }
}
