package dev.haul.monitoring.internal;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.MetricRegistry.MetricSupplier;

/** Registers a gauge once: a second registration under the same name returns the first. */
final class Gauges {

  private Gauges() {}

  static <T> Gauge<T> register(MetricRegistry registry, String name, Gauge<T> gauge) {
    MetricSupplier<Gauge<T>> supplier = () -> gauge;
    return registry.gauge(name, supplier);
  }
}
