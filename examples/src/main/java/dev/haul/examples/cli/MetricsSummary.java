package dev.haul.examples.cli;

import com.codahale.metrics.Counting;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** {@code haul demo}'s closing summary, read from the monitoring module's registry. */
final class MetricsSummary {

  private MetricsSummary() {}

  static void print(PrintWriter out, MetricRegistry registry) {
    out.println();
    out.println("Metrics (haul-monitoring's registry)");
    Map<String, Map<String, Metric>> byOrigin = new TreeMap<>();
    registry.getMetrics().forEach((name, metric) -> {
      String[] parts = name.split("\\.", 3);
      if (parts.length == 3 && parts[0].equals("haul") && (parts[1].startsWith("http") || parts[1].equals("other"))) {
        byOrigin.computeIfAbsent(parts[1], o -> new TreeMap<>()).put(parts[2], metric);
      }
    });
    byOrigin.forEach((origin, m) -> {
      Timer calls = (Timer) m.get("requests");
      var snap = calls.getSnapshot();
      out.printf(Locale.ROOT, "  %s: %d calls (%d failed), p50 %.1f ms, p99 %.1f ms; %d attempts; connections %d new, %d reused%n",
          origin, calls.getCount(), count(m, "requests-failed"), snap.getMedian() / 1e6, snap.get99thPercentile() / 1e6,
          count(m, "attempts"), count(m, "connections.new"), count(m, "connections.reused"));
      StringBuilder detail = new StringBuilder();
      m.forEach((k, v) -> {
        if ((k.startsWith("responses.") || k.startsWith("retries.") || k.startsWith("errors.")) && v instanceof Counting c
            && c.getCount() > 0) {
          detail.append(detail.length() == 0 ? "    " : ", ").append(k).append(' ').append(c.getCount());
        }
      });
      if (detail.length() > 0) {
        out.println(detail);
      }
    });
    out.printf(Locale.ROOT, "  downloads: %d completed, %d cancelled, %d failed, %d bytes received%n",
        registry.meter("haul.downloads.completed").getCount(), registry.meter("haul.downloads.cancelled").getCount(),
        registry.meter("haul.downloads.failed").getCount(), registry.counter("haul.downloads.bytes").getCount());
  }

  private static long count(Map<String, Metric> m, String name) {
    return m.get(name) instanceof Counting c ? c.getCount() : 0;
  }
}
