package dev.haul.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Injector;
import dev.haul.BodyHandlers;
import dev.haul.CoreModule;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulInjector;
import dev.haul.Request;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import dev.haul.transport.netty.NettyTransport;
import dev.haul.transport.netty.NettyTransportModule;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Guice wiring: the strict injector, one count per call, the managed Monitoring, same names as the builder path. */
class MonitoringModuleTest {

  private final OriginServer origin = OriginServer.builder().dispatcher(r -> MockResponse.ok("hi")).start();
  private Injector injector;

  @AfterEach
  void close() {
    if (injector != null) {
      injector.getInstance(Monitoring.class).close();
      injector.getInstance(HaulClient.class).close();
    }
    origin.close();
  }

  @Test
  void theModuleCountsEachCallOnceAndStartsTheDashboardItsConfigAsksFor() throws Exception {
    MetricRegistry registry = new MetricRegistry();
    injector = HaulInjector.create(new CoreModule(), new NettyTransportModule(), new MonitoringModule(), binder -> {
      MonitoringModule.registryBinder(binder).setBinding().toInstance(registry);
      MonitoringModule.configBinder(binder).setBinding()
          .toInstance(MonitoringConfig.builder().dashboardEnabled(true).dashboardPort(0).build());
    });
    HaulClient client = injector.getInstance(HaulClient.class);
    client.send(Request.newBuilder(origin.url("/a")).build(), BodyHandlers.ofString());
    client.send(Request.newBuilder(origin.url("/b")).build(), BodyHandlers.ofString());

    assertThat(registry.timer("haul.requests").getCount()).as("factory and shared listener: no double count").isEqualTo(2);
    assertThat(injector.getInstance(HaulMetrics.class).registry()).isSameAs(registry);
    Monitoring monitoring = injector.getInstance(Monitoring.class);
    assertThat(monitoring).isSameAs(injector.getInstance(Monitoring.class));
    int port = monitoring.dashboard().orElseThrow().uri().getPort();
    var snapshot = new ObjectMapper().readTree(RawHttp.get(port, "/api/snapshot").body());
    assertThat(snapshot.path("overview").path("requests").asLong()).isEqualTo(2);

    monitoring.close();
    assertThat(java.net.http.HttpClient.newHttpClient()
        .sendAsync(java.net.http.HttpRequest.newBuilder(monitoring.dashboard().get().uri()).build(),
            java.net.http.HttpResponse.BodyHandlers.discarding())
        .handle((r, e) -> e != null).get()).as("the dashboard stopped with Monitoring").isTrue();
  }

  @Test
  void byDefaultItHasItsOwnRegistryNoReporterAndNoDashboard() {
    injector = HaulInjector.create(new CoreModule(), new NettyTransportModule(), new MonitoringModule(), new MonitoringModule());
    Monitoring monitoring = injector.getInstance(Monitoring.class);
    assertThat(monitoring.dashboard()).isEmpty();
    assertThat(monitoring.reporterCount()).isZero();
    injector.getInstance(HaulClient.class).send(Request.newBuilder(origin.url("/")).build(), BodyHandlers.ofString());
    assertThat(injector.getInstance(MetricRegistry.class).timer("haul.requests").getCount()).isEqualTo(1);
  }

  /** The two paths must not drift apart: the same call gives the same metric names. */
  @Test
  void guiceAndThePlainBuilderProduceTheSameMetrics() {
    MetricRegistry viaGuice = new MetricRegistry();
    injector = HaulInjector.create(new CoreModule(), new NettyTransportModule(), new MonitoringModule(),
        binder -> MonitoringModule.registryBinder(binder).setBinding().toInstance(viaGuice));
    injector.getInstance(HaulClient.class).send(Request.newBuilder(origin.url("/")).build(), BodyHandlers.ofString());

    MetricRegistry viaBuilder = new MetricRegistry();
    HaulMetrics metrics = HaulMetrics.create(viaBuilder, MonitoringConfig.defaults());
    try (HaulClient client = metrics.installOn(Haul.newBuilder()).transport(NettyTransport.create()).build();
        Monitoring monitoring = Monitoring.start(client, metrics, MonitoringConfig.defaults())) {
      client.send(Request.newBuilder(origin.url("/")).build(), BodyHandlers.ofString());
      assertThat(monitoring.metrics()).isSameAs(metrics);
    }
    Set<String> a = new TreeSet<>(viaGuice.getNames());
    Set<String> b = new TreeSet<>(viaBuilder.getNames());
    assertThat(a).isEqualTo(b).contains("haul.requests");
    assertThat(viaGuice.timer("haul.requests").getCount()).isEqualTo(viaBuilder.timer("haul.requests").getCount());
  }
}
