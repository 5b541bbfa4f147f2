package dev.haul.monitoring;

import static java.util.Objects.requireNonNull;

import dev.haul.HaulClient;
import dev.haul.monitoring.internal.Reporters;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Monitoring of one client, running: its pool statistics read every second into {@link HaulMetrics},
 * the reporters {@code haul.metrics.reporters} names, and the {@link DashboardServer} when
 * {@code haul.dashboard.enabled}. Close it before the client (Guice does not close it for you).
 *
 * <pre>{@code
 * HaulMetrics metrics = HaulMetrics.create(registry, config);
 * HaulClient client = metrics.installOn(Haul.newBuilder()).transport(transport).build();
 * Monitoring monitoring = Monitoring.start(client, metrics, config);
 * }</pre>
 */
public final class Monitoring implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Monitoring.class);

  private final HaulMetrics metrics;
  private final ScheduledExecutorService poller;
  private final Reporters reporters;
  private final DashboardServer dashboard;

  private Monitoring(HaulClient client, HaulMetrics metrics, MonitoringConfig config) {
    this.metrics = metrics;
    this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "haul-monitoring");
      t.setDaemon(true);
      return t;
    });
    Reporters started = null;
    DashboardServer server = null;
    try {
      metrics.refreshPools(client);
      poller.scheduleWithFixedDelay(() -> {
        try {
          metrics.refreshPools(client);
        } catch (RuntimeException e) {
          LOG.debug("reading pool statistics failed", e);
        }
      }, 1, 1, TimeUnit.SECONDS);
      started = new Reporters(metrics.registry(), config);
      server = config.dashboardEnabled() ? DashboardServer.start(metrics, config) : null;
    } catch (RuntimeException e) {
      poller.shutdownNow();
      if (started != null) {
        started.close();
      }
      throw e;
    }
    this.reporters = started;
    this.dashboard = server;
    if (server != null) {
      LOG.info("Haul dashboard at {}", server.uri());
    }
  }

  /** Starts monitoring {@code client}, whose events already go to {@code metrics}. */
  public static Monitoring start(HaulClient client, HaulMetrics metrics, MonitoringConfig config) {
    requireNonNull(client, "client is null");
    requireNonNull(metrics, "metrics is null");
    requireNonNull(config, "config is null");
    return new Monitoring(client, metrics, config);
  }

  public HaulMetrics metrics() {
    return metrics;
  }

  /** The dashboard, when {@code haul.dashboard.enabled}. */
  public Optional<DashboardServer> dashboard() {
    return Optional.ofNullable(dashboard);
  }

  /** How many reporters run. */
  public int reporterCount() {
    return reporters.size();
  }

  /** Stops the dashboard, the reporters (each reports once more) and the pool polling. Idempotent. */
  @Override
  public void close() {
    if (dashboard != null) {
      dashboard.close();
    }
    reporters.close();
    poller.shutdownNow();
  }
}
