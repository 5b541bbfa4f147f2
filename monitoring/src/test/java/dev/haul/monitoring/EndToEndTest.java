package dev.haul.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.haul.BodyHandlers;
import dev.haul.ConnectionClosedException;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.Origin;
import dev.haul.Request;
import dev.haul.RetrySettings;
import dev.haul.monitoring.internal.MetricNames;
import dev.haul.testkit.Fault;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import dev.haul.transport.netty.NettyTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real traffic through the Netty transport to testkit's origin on 127.0.0.1: the dashboard's
 * {@code /api/snapshot} and {@code /metrics} (parsed by the Prometheus parser) agree with the registry.
 */
class EndToEndTest {

  static final String CANARY = "CANARY-7f3a9c-secret";

  private final MetricRegistry registry = new MetricRegistry();
  private OriginServer origin;
  private HaulClient client;
  private Monitoring monitoring;
  private HaulMetrics metrics;

  /** An API with a flaky endpoint (every other call a 503), a 404, a redirect and one that always closes the connection. */
  static OriginServer api() {
    AtomicInteger flaky = new AtomicInteger();
    return OriginServer.builder().dispatcher(request -> switch (request.path()) {
      case "/api/models" -> MockResponse.builder().header("Content-Type", "application/json")
          .body("{\"models\":[1,2,3]}").build();
      case "/api/flaky" -> flaky.incrementAndGet() % 2 == 1
          ? MockResponse.builder().status(503).body("busy").build() : MockResponse.ok("fine");
      case "/go" -> MockResponse.builder().status(302).header("Location", "/api/models").build();
      case "/api/broken" -> MockResponse.fault(Fault.CLOSE_AFTER_REQUEST);
      default -> MockResponse.builder().status(404).body("no").build();
    }).start();
  }

  @BeforeEach
  void start() {
    origin = api();
    metrics = HaulMetrics.create(registry, MonitoringConfig.defaults());
    client = metrics.installOn(Haul.newBuilder())
        .config(HaulConfig.builder().retry(RetrySettings.builder().baseDelay(Duration.ZERO).maxDelay(Duration.ZERO)
            .budget(10.0, 100.0).build()).build())
        .transport(NettyTransport.create()).build();
    monitoring = Monitoring.start(client, metrics, MonitoringConfig.builder().dashboardEnabled(true).dashboardPort(0).build());
  }

  @AfterEach
  void stop() {
    if (monitoring != null) {
      monitoring.close();
    }
    if (client != null) {
      client.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  static void traffic(HaulClient client, OriginServer origin, int rounds) {
    for (int i = 0; i < rounds; i++) {
      try {
        client.send(Request.newBuilder(origin.url("/api/broken")).build(), BodyHandlers.ofString());
        throw new AssertionError("the broken endpoint answered");
      } catch (ConnectionClosedException expected) {
        // retried, then given up: an error by type
      }
      Request models = Request.newBuilder(origin.url("/api/models?token=" + CANARY + "&page=" + i))
          .header("Authorization", "Bearer " + CANARY).header("Cookie", "session=" + CANARY).build();
      client.send(models, BodyHandlers.ofString());
      client.send(Request.newBuilder(origin.url("/api/flaky")).build(), BodyHandlers.ofString());
      client.send(Request.newBuilder(origin.url("/missing/" + CANARY)).build(), BodyHandlers.ofString());
      client.send(Request.newBuilder(origin.url("/go?key=" + CANARY)).build(), BodyHandlers.ofString());
    }
  }

  @Test
  void snapshotAndPrometheusAgreeWithTheRegistry() throws Exception {
    int rounds = 5;
    traffic(client, origin, rounds);
    metrics.refreshPools(client);

    String token = MetricNames.token(Origin.of(origin.url("/")));
    String prefix = "haul." + token + ".";
    int port = monitoring.dashboard().orElseThrow().uri().getPort();

    RawHttp.Reply snap = RawHttp.get(port, "/api/snapshot");
    RawHttp.Reply prom = RawHttp.get(port, "/metrics");
    assertThat(snap.status()).isEqualTo(200);
    assertThat(prom.status()).isEqualTo(200);
    // No secret anywhere: not the Bearer key, not the cookie, not a query value, not a path.
    assertThat(snap.body()).doesNotContain(CANARY).doesNotContain("/api/models").doesNotContain("session");
    assertThat(prom.body()).doesNotContain(CANARY).doesNotContain("/api/models");

    long calls = registry.timer(prefix + "requests").getCount();
    assertThat(calls).isEqualTo(5L * rounds);
    assertThat(registry.meter(prefix + "errors.ConnectionClosedException").getCount()).isEqualTo(rounds);
    assertThat(registry.meter(prefix + "requests-failed").getCount()).isEqualTo(rounds);
    assertThat(registry.counter(prefix + "retries-given-up").getCount()).isEqualTo(rounds);
    assertThat(registry.meter(prefix + "responses.5xx").getCount()).isEqualTo(rounds);
    assertThat(registry.meter(prefix + "retries.status-503").getCount()).isEqualTo(rounds);
    assertThat(registry.meter(prefix + "redirects").getCount()).isEqualTo(rounds);
    assertThat(registry.counter(prefix + "connections.reused").getCount()).as("keep-alive: connections are reused").isPositive();

    JsonNode s = new ObjectMapper().readTree(snap.body());
    assertThat(s.path("overview").path("requests").asLong()).isEqualTo(registry.timer("haul.requests").getCount())
        .isEqualTo(calls);
    assertThat(s.path("overview").path("failed").asLong()).isEqualTo(registry.meter("haul.requests-failed").getCount());
    JsonNode o = s.path("origins").get(0);
    assertThat(o.path("origin").asText()).isEqualTo(Origin.of(origin.url("/")).toString());
    assertThat(o.path("requests").asLong()).isEqualTo(calls);
    assertThat(o.path("responses").path("2xx").asLong()).isEqualTo(registry.meter(prefix + "responses.2xx").getCount());
    assertThat(o.path("responses").path("3xx").asLong()).isEqualTo(rounds);
    assertThat(o.path("responses").path("4xx").asLong()).isEqualTo(rounds);
    assertThat(o.path("retries").path("status-503").asLong()).isEqualTo(rounds);
    assertThat(o.path("redirects").asLong()).isEqualTo(rounds);
    assertThat(o.path("connectionsReused").asLong()).isEqualTo(registry.counter(prefix + "connections.reused").getCount());
    assertThat(o.path("connectionsNew").asLong()).isEqualTo(registry.counter(prefix + "connections.new").getCount());
    assertThat(o.path("poolIdle").asInt()).isEqualTo(registry.getGauges().get(prefix + "pool.idle").getValue()).isPositive();
    assertThat(o.path("connectionsCreated").asLong())
        .isEqualTo(registry.getGauges().get(prefix + "connections.created").getValue());
    assertThat(o.path("p99Millis").asDouble())
        .isCloseTo(registry.timer(prefix + "requests").getSnapshot().get99thPercentile() / 1e6, within(1e-6));
    assertThat(o.path("circuit").asText()).isEqualTo("CLOSED");

    List<PrometheusText.Sample> samples = PrometheusText.parse(prom.body());
    Map<String, String> byOrigin = Map.of("origin", token);
    assertThat(PrometheusText.value(samples, "haul_origin_requests_count", byOrigin)).isEqualTo(calls);
    assertThat(PrometheusText.value(samples, "haul_requests_count", Map.of())).isEqualTo(calls);
    assertThat(PrometheusText.value(samples, "haul_origin_responses_total", Map.of("origin", token, "class", "5xx")))
        .isEqualTo(rounds);
    assertThat(PrometheusText.value(samples, "haul_origin_responses_total", Map.of("origin", token, "class", "2xx")))
        .isEqualTo(registry.meter(prefix + "responses.2xx").getCount());
    assertThat(PrometheusText.value(samples, "haul_origin_retries_total", Map.of("origin", token, "reason", "status-503")))
        .isEqualTo(rounds);
    assertThat(PrometheusText.value(samples, "haul_origin_connections_reused", byOrigin))
        .isEqualTo(registry.counter(prefix + "connections.reused").getCount());
    assertThat(PrometheusText.value(samples, "haul_origin_pool_idle", byOrigin))
        .isEqualTo(((Number) registry.getGauges().get(prefix + "pool.idle").getValue()).doubleValue());
    assertThat(PrometheusText.value(samples, "haul_origin_bytes_received", byOrigin))
        .isEqualTo(registry.counter(prefix + "bytes-received").getCount()).isPositive();
    assertThat(PrometheusText.value(samples, "haul_origin_requests", Map.of("origin", token, "quantile", "0.99")))
        .isCloseTo(registry.timer(prefix + "requests").getSnapshot().get99thPercentile() / 1e9, within(1e-9));
    assertThat(PrometheusText.value(samples, "haul_origin_errors_total",
        Map.of("origin", token, "type", "ConnectionClosedException"))).isEqualTo(rounds);
    assertThat(PrometheusText.value(samples, "haul_errors_total", Map.of("type", "ConnectionClosedException")))
        .isEqualTo(rounds);
    assertThat(s.path("overview").path("errors").path("ConnectionClosedException").asLong()).isEqualTo(rounds);
    assertThat(samples).anyMatch(x -> x.name().equals("jvm_memory_heap_used") && x.value() > 0);
    assertThat(samples).allSatisfy(x -> assertThat(x.labels().values()).noneMatch(v -> v.contains(CANARY)));
  }
}
