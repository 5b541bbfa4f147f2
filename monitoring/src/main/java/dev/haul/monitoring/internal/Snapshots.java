package dev.haul.monitoring.internal;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import dev.haul.monitoring.MonitoringConfig;
import dev.haul.spi.PoolStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dashboard's {@code /api/snapshot}: read from the same metric objects the registry holds, so
 * the page and the registry agree. It names origins, exception types, status classes and download
 * ids, never a URL, a header or a query.
 */
public final class Snapshots {

  private final MetricsEngine engine;
  private final MonitoringConfig config;

  public Snapshots(MetricsEngine engine, MonitoringConfig config) {
    this.engine = engine;
    this.config = config;
  }

  /** The snapshot as a tree of maps, lists, strings and numbers. */
  public Map<String, Object> take() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("time", System.currentTimeMillis());
    s.put("refreshMillis", config.dashboardRefresh().toMillis());
    s.put("thresholds", Map.of("errorRate", config.healthErrorRate(),
        "p99Millis", config.healthP99Latency().toMillis(), "poolSaturation", config.healthPoolSaturation()));
    s.put("overview", overview());
    List<Map<String, Object>> origins = engine.origins().stream().map(this::origin).toList();
    s.put("origins", origins);
    s.put("downloads", downloads());
    s.put("cache", cache());
    s.put("jvm", jvm());
    return s;
  }

  private Map<String, Object> overview() {
    Map<String, Object> o = new LinkedHashMap<>();
    Timer calls = engine.calls();
    long count = calls.getCount();
    long failed = engine.callsFailed().getCount();
    o.put("requests", count);
    o.put("failed", failed);
    o.put("cancelled", engine.callsCancelled().getCount());
    o.put("active", engine.activeCalls().getCount());
    o.put("successRate", count == 0 ? 1.0 : (double) (count - failed) / count);
    o.put("ratePerSecond1m", calls.getOneMinuteRate());
    putPercentiles(o, calls.getSnapshot());
    o.put("errors", errors(engine.errors()));
    return o;
  }

  private static Map<String, Long> errors(Map<Class<?>, Meter> byType) {
    Map<String, Long> m = new TreeMap<>();
    byType.forEach((type, meter) -> m.merge(MetricNames.segment(type.getSimpleName()), meter.getCount(), Long::sum));
    return m;
  }

  private static void putPercentiles(Map<String, Object> into, Snapshot snap) {
    into.put("p50Millis", snap.getMedian() / 1e6);
    into.put("p95Millis", snap.get95thPercentile() / 1e6);
    into.put("p99Millis", snap.get99thPercentile() / 1e6);
  }

  private Map<String, Object> origin(OriginMetrics m) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("origin", m.label());
    o.put("name", m.prefix().substring(0, m.prefix().length() - 1));
    long requests = m.requests().getCount();
    long failed = m.failedCalls().getCount();
    o.put("requests", requests);
    o.put("failed", failed);
    o.put("cancelled", m.cancelledCalls().getCount());
    putPercentiles(o, m.requests().getSnapshot());
    o.put("timeToHeadersP99Millis", m.timeToHeaders().getSnapshot().get99thPercentile() / 1e6);
    Map<String, Long> statuses = new LinkedHashMap<>();
    Meter[] classes = m.statusClasses();
    for (int i = 1; i <= 5; i++) {
      statuses.put(i + "xx", classes[i].getCount());
    }
    o.put("responses", statuses);
    o.put("errors", errors(m.errors()));
    long reused = m.connectionsReused().getCount();
    long fresh = m.connectionsNew().getCount();
    o.put("connectionsNew", fresh);
    o.put("connectionsReused", reused);
    o.put("reuseRatio", reused + fresh == 0 ? 0.0 : (double) reused / (reused + fresh));
    PoolStats pool = m.poolStats();
    int leased = pool == null ? 0 : pool.leased();
    int idle = pool == null ? 0 : pool.idle();
    int pending = pool == null ? 0 : pool.pending();
    o.put("poolLeased", leased);
    o.put("poolIdle", idle);
    o.put("poolPending", pending);
    o.put("connectionsCreated", pool == null ? 0 : pool.created());
    o.put("connectionsClosed", pool == null ? Map.of() : new TreeMap<>(pool.closedByReason()));
    Map<String, Long> retries = new TreeMap<>();
    m.retries().forEach((reason, meter) -> retries.put(reason, meter.getCount()));
    o.put("retries", retries);
    o.put("retriesGivenUp", m.retriesGaveUp().getCount());
    o.put("retryBudgetExhausted", m.budgetExhausted().getCount());
    o.put("redirects", m.redirects().getCount());
    o.put("circuit", m.circuit().name());
    double rate = m.requests().getOneMinuteRate();
    double errorRate = rate > 0 ? m.failedCalls().getOneMinuteRate() / rate
        : requests == 0 ? 0.0 : (double) failed / requests;
    o.put("errorRate1m", errorRate);
    Map<String, Boolean> health = new LinkedHashMap<>();
    health.put("errorRate", errorRate > config.healthErrorRate());
    health.put("latency", m.requests().getSnapshot().get99thPercentile() > config.healthP99Latency().toNanos());
    health.put("pool", pending > 0 || leased + idle > 0 && (double) leased / (leased + idle) > config.healthPoolSaturation());
    health.put("circuit", !"CLOSED".equals(m.circuit().name()));
    o.put("health", health);
    return o;
  }

  private Map<String, Object> downloads() {
    DownloadTracker d = engine.downloads();
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("seen", d.seen());
    o.put("started", d.started());
    o.put("completed", d.completed());
    o.put("failed", d.failed());
    o.put("cancelled", d.cancelled());
    o.put("bytes", d.bytes());
    o.put("restarts", d.restarts());
    o.put("resumes", d.resumes());
    o.put("segmentsActive", d.segmentsActive());
    o.put("active", d.active());
    o.put("finished", d.finished());
    return o;
  }

  private Map<String, Object> cache() {
    CacheTracker c = engine.cache();
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("installed", c.installed());
    o.put("hits", c.hits());
    o.put("misses", c.misses());
    o.put("conditionalHits", c.conditionalHits());
    o.put("staleServed", c.staleServedCount());
    o.put("stores", c.stores());
    o.put("evictions", c.evictions());
    o.put("sizeBytes", c.sizeBytes());
    return o;
  }

  private Map<String, Object> jvm() {
    Map<String, Metric> all = engine.registry().getMetrics();
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("heapUsed", gauge(all, "jvm.memory.heap.used"));
    o.put("heapCommitted", gauge(all, "jvm.memory.heap.committed"));
    o.put("heapMax", gauge(all, "jvm.memory.heap.max"));
    o.put("directUsed", gauge(all, "jvm.buffers.direct.used"));
    o.put("directCapacity", gauge(all, "jvm.buffers.direct.capacity"));
    o.put("directCount", gauge(all, "jvm.buffers.direct.count"));
    long gcCount = 0;
    long gcTime = 0;
    for (Map.Entry<String, Metric> e : all.entrySet()) {
      if (e.getKey().startsWith("jvm.gc.")) {
        if (e.getKey().endsWith(".count")) {
          gcCount += gauge(all, e.getKey());
        } else if (e.getKey().endsWith(".time")) {
          gcTime += gauge(all, e.getKey());
        }
      }
    }
    o.put("gcCount", gcCount);
    o.put("gcTimeMillis", gcTime);
    return o;
  }

  private static long gauge(Map<String, Metric> all, String name) {
    return all.get(name) instanceof Gauge<?> g && g.getValue() instanceof Number n ? n.longValue() : -1;
  }
}
