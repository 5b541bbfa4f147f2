package dev.haul.monitoring;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.dropwizard.DropwizardExports;
import io.prometheus.client.dropwizard.samplebuilder.CustomMappingSampleBuilder;
import io.prometheus.client.dropwizard.samplebuilder.MapperConfig;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Dropwizard registry in the Prometheus text format (version 0.0.4), through the Prometheus
 * client's Dropwizard bridge ({@code simpleclient_dropwizard}): the dashboard serves it at
 * {@code /metrics}, and an application can serve it from its own endpoint.
 *
 * <p>Per-origin series become one family with an {@code origin} label:
 * {@code haul.http_127_0_0_1_8080.requests} is {@code haul_origin_requests{origin="http_127_0_0_1_8080"}},
 * {@code haul.<origin>.responses.2xx} is {@code haul_origin_responses{origin=...,class="2xx"}},
 * and likewise {@code errors} ({@code type}), {@code retries} ({@code reason}) and
 * {@code connections.closed} ({@code reason}). Every other name is the bridge's default:
 * dots and dashes become underscores ({@code haul.downloads.bytes} is {@code haul_downloads_bytes}).
 * Timers are summaries in seconds.
 */
public final class PrometheusExposition {

  /** The {@code Content-Type} of {@link #write}'s output. */
  public static final String CONTENT_TYPE = TextFormat.CONTENT_TYPE_004;

  private static final List<String> PER_ORIGIN = List.of("requests", "time-to-headers", "attempts",
      "requests-failed", "requests-cancelled", "bytes-received", "bytes-sent", "redirects", "retries-given-up",
      "retry-budget-exhausted", "stale-connection-retries", "circuit-state", "connections.new",
      "connections.reused", "connections.reuse-ratio", "connections.created", "pool.leased", "pool.idle",
      "pool.pending", "pool.acquire-wait");

  private final CollectorRegistry collectors = new CollectorRegistry(true);

  private PrometheusExposition(MetricRegistry registry) {
    new DropwizardExports(registry, new CustomMappingSampleBuilder(mappers())).register(collectors);
  }

  /** The exposition of {@code registry}; it reads the registry at each {@link #write}. */
  public static PrometheusExposition forRegistry(MetricRegistry registry) {
    requireNonNull(registry, "registry is null");
    return new PrometheusExposition(registry);
  }

  private static List<MapperConfig> mappers() {
    List<MapperConfig> m = new ArrayList<>();
    for (String metric : PER_ORIGIN) {
      m.add(new MapperConfig("haul.*." + metric, "haul_origin_" + metric.replace('.', '_').replace('-', '_'),
          Map.of("origin", "${0}")));
    }
    m.add(new MapperConfig("haul.*.responses.*", "haul_origin_responses", Map.of("origin", "${0}", "class", "${1}")));
    m.add(new MapperConfig("haul.*.errors.*", "haul_origin_errors", Map.of("origin", "${0}", "type", "${1}")));
    m.add(new MapperConfig("haul.*.retries.*", "haul_origin_retries", Map.of("origin", "${0}", "reason", "${1}")));
    m.add(new MapperConfig("haul.*.connections.closed.*", "haul_origin_connections_closed",
        Map.of("origin", "${0}", "reason", "${1}")));
    m.add(new MapperConfig("haul.errors.*", "haul_errors", Map.of("type", "${0}")));
    return m;
  }

  /** Writes every metric in the text format. */
  public void write(Writer out) throws IOException {
    TextFormat.write004(out, collectors.metricFamilySamples());
  }

  /** Every metric in the text format, as one string. */
  public String scrape() {
    StringWriter w = new StringWriter();
    try {
      write(w);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not throw
    }
    return w.toString();
  }
}
