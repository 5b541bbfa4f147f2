package dev.haul.monitoring.internal;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.RatioGauge;
import com.codahale.metrics.Timer;
import dev.haul.CircuitState;
import dev.haul.spi.PoolStats;

/**
 * The metrics of one origin (or of {@code other}), created once and cached: the hot path touches
 * only these fields (LongAdder-based meters and counters, lock-free reservoirs), never the registry.
 * Names are {@code haul.<origin>.<metric>}.
 */
public final class OriginMetrics {

  private static final int MAX_KEYS = 32;

  private final MetricRegistry registry;
  private final String prefix;
  private final String label;

  final Timer requests;
  final Timer timeToHeaders;
  final Meter attempts;
  final Meter failedCalls;
  final Meter cancelledCalls;
  private final Meter[] statusClasses = new Meter[6];
  final Bounded<Class<?>, Meter> errors;
  final Counter bytesReceived;
  final Counter bytesSent;
  final Counter connectionsNew;
  final Counter connectionsReused;
  final Timer acquireWait;
  final Bounded<String, Meter> retries;
  final Counter retriesGaveUp;
  final Counter budgetExhausted;
  final Meter redirects;
  final Counter staleConnectionRetries;
  private final Bounded<String, Gauge<Long>> closedByReason;
  volatile int circuit; // CircuitState ordinal
  private volatile PoolStats pool;

  OriginMetrics(MetricRegistry registry, String token, String label) {
    this.registry = registry;
    this.prefix = "haul." + token + ".";
    this.label = label;
    requests = timer("requests");
    timeToHeaders = timer("time-to-headers");
    attempts = registry.meter(prefix + "attempts");
    failedCalls = registry.meter(prefix + "requests-failed");
    cancelledCalls = registry.meter(prefix + "requests-cancelled");
    for (int i = 1; i <= 5; i++) {
      statusClasses[i] = registry.meter(prefix + "responses." + i + "xx");
    }
    errors = new Bounded<>(MAX_KEYS, type -> registry.meter(prefix + "errors." + MetricNames.segment(type.getSimpleName())),
        () -> registry.meter(prefix + "errors.other"));
    bytesReceived = registry.counter(prefix + "bytes-received");
    bytesSent = registry.counter(prefix + "bytes-sent");
    connectionsNew = registry.counter(prefix + "connections.new");
    connectionsReused = registry.counter(prefix + "connections.reused");
    Gauges.register(registry, prefix + "connections.reuse-ratio", new RatioGauge() {
      @Override
      protected Ratio getRatio() {
        long reused = connectionsReused.getCount();
        return Ratio.of(reused, reused + connectionsNew.getCount());
      }
    });
    acquireWait = timer("pool.acquire-wait");
    retries = new Bounded<>(MAX_KEYS, reason -> registry.meter(prefix + "retries." + reason),
        () -> registry.meter(prefix + "retries.other"));
    retriesGaveUp = registry.counter(prefix + "retries-given-up");
    budgetExhausted = registry.counter(prefix + "retry-budget-exhausted");
    redirects = registry.meter(prefix + "redirects");
    staleConnectionRetries = registry.counter(prefix + "stale-connection-retries");
    Gauges.register(registry, prefix + "circuit-state", () -> circuit);
    Gauges.register(registry, prefix + "pool.leased", () -> pool == null ? 0 : pool.leased());
    Gauges.register(registry, prefix + "pool.idle", () -> pool == null ? 0 : pool.idle());
    Gauges.register(registry, prefix + "pool.pending", () -> pool == null ? 0 : pool.pending());
    Gauges.register(registry, prefix + "connections.created", () -> pool == null ? 0L : pool.created());
    closedByReason = new Bounded<>(MAX_KEYS,
        reason -> Gauges.register(registry, prefix + "connections.closed." + reason, () -> closed(reason)),
        () -> Gauges.register(registry, prefix + "connections.closed.other", this::closedOther));
  }

  private Timer timer(String name) {
    return registry.timer(prefix + name, () -> new Timer(LockFreeExponentiallyDecayingReservoir.builder().build()));
  }

  /** The origin as people read it ({@code http://127.0.0.1:8080}), or {@code other}. */
  public String label() {
    return label;
  }

  /** The prefix of every name, {@code haul.<origin>.}. */
  public String prefix() {
    return prefix;
  }

  Meter statusClass(int status) {
    int c = status / 100;
    return statusClasses[c >= 1 && c <= 5 ? c : 5];
  }

  public Meter[] statusClasses() {
    return statusClasses.clone();
  }

  void circuit(CircuitState to) {
    circuit = to.ordinal();
  }

  /** A new snapshot of this origin's pool (a few times a second, from the pool watcher). */
  void pool(PoolStats stats) {
    pool = stats;
    for (String reason : stats.closedByReason().keySet()) {
      closedByReason.get(MetricNames.segment(reason));
    }
  }

  private long closed(String segment) {
    PoolStats p = pool;
    if (p == null) {
      return 0;
    }
    long n = 0;
    for (var e : p.closedByReason().entrySet()) {
      if (MetricNames.segment(e.getKey()).equals(segment)) {
        n += e.getValue();
      }
    }
    return n;
  }

  /** Closed connections whose reason has no series of its own (past the cap on reasons). */
  private long closedOther() {
    PoolStats p = pool;
    if (p == null) {
      return 0;
    }
    long n = 0;
    for (var e : p.closedByReason().entrySet()) {
      if (!closedByReason.view().containsKey(MetricNames.segment(e.getKey()))) {
        n += e.getValue();
      }
    }
    return n;
  }

  public PoolStats poolStats() {
    return pool;
  }

  public Timer requests() {
    return requests;
  }

  public Timer timeToHeaders() {
    return timeToHeaders;
  }

  public Meter cancelledCalls() {
    return cancelledCalls;
  }

  public Meter failedCalls() {
    return failedCalls;
  }

  public java.util.Map<Class<?>, Meter> errors() {
    return errors.view();
  }

  public Counter bytesReceived() {
    return bytesReceived;
  }

  public Counter bytesSent() {
    return bytesSent;
  }

  public Counter connectionsNew() {
    return connectionsNew;
  }

  public Counter connectionsReused() {
    return connectionsReused;
  }

  public java.util.Map<String, Meter> retries() {
    return retries.view();
  }

  public Counter retriesGaveUp() {
    return retriesGaveUp;
  }

  public Counter budgetExhausted() {
    return budgetExhausted;
  }

  public Meter redirects() {
    return redirects;
  }

  public CircuitState circuit() {
    return CircuitState.values()[circuit];
  }
}
