package dev.haul.monitoring;

import static java.util.Objects.requireNonNull;

import dev.haul.monitoring.internal.DashboardHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

/**
 * The live dashboard of a {@link HaulMetrics}: one page ({@code /}) that refreshes itself from
 * {@code /api/snapshot} (JSON) every {@code haul.dashboard.refresh}, and {@code /metrics} in the
 * Prometheus text format.
 *
 * <p>Safe by default: it binds {@code haul.dashboard.bind} (127.0.0.1) and refuses a non-loopback
 * address unless {@code haul.dashboard.allow-remote}; with {@code haul.dashboard.token} every
 * request needs {@code Authorization: Bearer TOKEN} or the cookie set by opening
 * {@code /?access=TOKEN} once; it answers {@code GET} and {@code HEAD} only, with a strict
 * Content-Security-Policy (scripts and styles from itself only, nothing from the internet), and
 * shows origins, counts and types, never a URL path, a query, a header or a cookie.
 */
public final class DashboardServer implements AutoCloseable {

  private final DashboardHttp http;

  private DashboardServer(DashboardHttp http) {
    this.http = http;
  }

  /**
   * Starts serving {@code metrics} on {@code haul.dashboard.bind}:{@code haul.dashboard.port}
   * ({@code haul.dashboard.enabled} is not consulted: calling this is enabling it).
   *
   * @throws IllegalArgumentException for a non-loopback address without {@code haul.dashboard.allow-remote}
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static DashboardServer start(HaulMetrics metrics, MonitoringConfig config) {
    requireNonNull(metrics, "metrics is null");
    requireNonNull(config, "config is null");
    try {
      return new DashboardServer(new DashboardHttp(metrics.engine(), config));
    } catch (IOException e) {
      throw new UncheckedIOException("dashboard cannot listen on " + config.dashboardBind() + ":"
          + config.dashboardPort() + " (haul.dashboard.bind, haul.dashboard.port)", e);
    }
  }

  /** The page's address, such as {@code http://127.0.0.1:9464/}. */
  public URI uri() {
    return http.uri();
  }

  /** Stops serving. Idempotent. */
  @Override
  public void close() {
    http.close();
  }
}
