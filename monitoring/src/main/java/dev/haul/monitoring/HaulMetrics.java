package dev.haul.monitoring;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.MetricRegistry;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.spi.Call;
import dev.haul.spi.EventListener;
import dev.haul.spi.HaulEvent;
import dev.haul.monitoring.internal.MetricsEngine;
import java.net.URI;

/**
 * Haul's metrics sink: records what a {@link HaulClient} does into a Dropwizard
 * {@link MetricRegistry} (the application's, or its own).
 *
 * <p>It is two listeners in one: as an {@link EventListener.Factory} it creates each call's
 * listener (per-call state in plain fields, no shared map, no lock); as a shared
 * {@link EventListener} it hears what belongs to no call (the downloader's events, cache
 * evictions) and nothing else, so installing both never counts a call twice.
 * {@link #installOn(Haul.Builder)} adds both; {@code MonitoringModule} does the same through Guice.
 *
 * <p>Names (Dropwizard style; {@code <origin>} is {@code http_127_0_0_1_8080} for
 * {@code http://127.0.0.1:8080}, at most {@code haul.metrics.max-origins} of them, the rest under
 * {@code other}; never a path or a query): {@code haul.<origin>.requests} (timer of whole calls,
 * retries and redirects included), {@code .time-to-headers}, {@code .attempts},
 * {@code .requests-failed}, {@code .requests-cancelled} (ended by the caller or the client closing; not
 * in {@code requests} nor {@code requests-failed}), {@code .responses.2xx}..., {@code .errors.<ExceptionType>},
 * {@code .bytes-received}, {@code .bytes-sent}, {@code .connections.new|reused|reuse-ratio|created},
 * {@code .connections.closed.<reason>}, {@code .pool.leased|idle|pending|acquire-wait},
 * {@code .retries.<status-N or ExceptionType>}, {@code .retries-given-up},
 * {@code .retry-budget-exhausted}, {@code .redirects}, {@code .stale-connection-retries},
 * {@code .circuit-state} (0 closed, 1 open, 2 half-open); totals {@code haul.requests},
 * {@code haul.requests-failed}, {@code haul.requests-cancelled}, {@code haul.requests-active}, {@code haul.errors.<type>};
 * {@code haul.downloads.*}, {@code haul.cache.*}; and the JVM's {@code jvm.memory.*},
 * {@code jvm.buffers.*}, {@code jvm.gc.*}.
 */
public final class HaulMetrics implements EventListener, EventListener.Factory {

  private final MetricsEngine engine;

  private HaulMetrics(MetricsEngine engine) {
    this.engine = engine;
  }

  /** A sink over its own registry, with the default settings. */
  public static HaulMetrics create() {
    return create(new MetricRegistry(), MonitoringConfig.defaults());
  }

  /** A sink over {@code registry}; {@code config} gives the cap on origins. */
  public static HaulMetrics create(MetricRegistry registry, MonitoringConfig config) {
    requireNonNull(registry, "registry is null");
    requireNonNull(config, "config is null");
    return new HaulMetrics(new MetricsEngine(registry, config.maxOrigins()));
  }

  /** Adds this sink to {@code builder} as a listener factory and a shared listener; returns the builder. */
  public Haul.Builder installOn(Haul.Builder builder) {
    return builder.addEventListenerFactory(this).addEventListener(this);
  }

  /** The registry the metrics are in. */
  public MetricRegistry registry() {
    return engine.registry();
  }

  /**
   * Reads {@code client}'s pool statistics into the {@code pool.*} and {@code connections.created|closed}
   * gauges. {@link Monitoring} calls it every second; call it yourself without one.
   */
  public void refreshPools(HaulClient client) {
    engine.pools(client.poolStats());
  }

  @Override
  public EventListener create(Call call) {
    return engine.callListener(call);
  }

  @Override
  public void moduleEvent(HaulEvent event) {
    engine.moduleEvent(event);
  }

  @Override
  public void cacheEvicted(URI uri, long bytes, String cause) {
    engine.cacheEvicted(uri, bytes, cause);
  }

  MetricsEngine engine() {
    return engine;
  }
}
