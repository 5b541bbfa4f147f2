/**
 * Monitoring for Haul: {@link dev.haul.monitoring.HaulMetrics}, an event listener that records
 * calls, connections, pools, retries, downloads, the cache and the JVM's memory into a Dropwizard
 * {@code MetricRegistry}; {@link dev.haul.monitoring.Monitoring}, which runs the reporters and the
 * {@link dev.haul.monitoring.DashboardServer} that {@link dev.haul.monitoring.MonitoringConfig}
 * names; {@link dev.haul.monitoring.PrometheusExposition}, the registry in the Prometheus text
 * format; and {@link dev.haul.monitoring.MonitoringModule} for Guice.
 *
 * <p>This module depends on core only: it hears the downloader through the client's module events
 * (by module name and event type) and a cache through the cache events, so it needs neither.
 */
package dev.haul.monitoring;
