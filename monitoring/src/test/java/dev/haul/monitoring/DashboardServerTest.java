package dev.haul.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.codahale.metrics.MetricRegistry;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dashboard server's safety rules and resources, over raw HTTP on 127.0.0.1. */
class DashboardServerTest {

  private static final String TOKEN = "s3cr3t-dashboard-token-0123";
  private final HaulMetrics metrics = HaulMetrics.create(new MetricRegistry(), MonitoringConfig.defaults());
  private DashboardServer server;

  @AfterEach
  void close() {
    if (server != null) {
      server.close();
    }
  }

  private int start(MonitoringConfig.Builder config) {
    server = DashboardServer.start(metrics, config.dashboardPort(0).build());
    return server.uri().getPort();
  }

  @Test
  void servesThePageItsScriptsTheSnapshotAndMetricsWithAStrictPolicy() throws Exception {
    int port = start(MonitoringConfig.builder());
    assertThat(server.uri().toString()).startsWith("http://127.0.0.1:");
    RawHttp.Reply page = RawHttp.get(port, "/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("content-type")).startsWith("text/html");
    assertThat(page.body()).contains("/app.js", "/vendor/uPlot.iife.min.js", "no downloads yet", "cache not installed")
        .doesNotContain("<script>", "http://", "https://", "style=");
    String csp = page.header("content-security-policy");
    assertThat(csp).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval", "*");
    assertThat(page.header("x-content-type-options")).isEqualTo("nosniff");
    assertThat(page.header("cache-control")).isEqualTo("no-store");
    for (String path : new String[] {"/app.js", "/app.css", "/vendor/uPlot.iife.min.js", "/vendor/uPlot.min.css"}) {
      RawHttp.Reply r = RawHttp.get(port, path);
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.body()).as(path).isNotBlank();
    }
    assertThat(RawHttp.get(port, "/vendor/uPlot.iife.min.js").body()).contains("uPlot");
    JsonNode snapshot = new ObjectMapper().readTree(RawHttp.get(port, "/api/snapshot").body());
    assertThat(snapshot.path("overview").path("requests").asLong()).isZero();
    assertThat(snapshot.path("downloads").path("seen").asBoolean()).isFalse();
    assertThat(snapshot.path("cache").path("installed").asBoolean()).isFalse();
    assertThat(snapshot.path("jvm").path("heapUsed").asLong()).isPositive();
    RawHttp.Reply prom = RawHttp.get(port, "/metrics");
    assertThat(prom.status()).isEqualTo(200);
    assertThat(prom.header("content-type")).startsWith("text/plain; version=0.0.4");
    assertThat(prom.body()).contains("# TYPE haul_requests summary");
  }

  @Test
  void unknownPathsAre404AndNoFileOutsideTheListIsServed() throws Exception {
    int port = start(MonitoringConfig.builder());
    assertThat(RawHttp.get(port, "/nope").status()).isEqualTo(404);
    assertThat(RawHttp.get(port, "/../pom.xml").status()).isEqualTo(404);
    assertThat(RawHttp.get(port, "/dev/haul/monitoring/dashboard/app.js").status()).isEqualTo(404);
    assertThat(RawHttp.get(port, "/META-INF/MANIFEST.MF").status()).isEqualTo(404);
  }

  @Test
  void itIsReadOnly() throws Exception {
    int port = start(MonitoringConfig.builder());
    for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"}) {
      RawHttp.Reply r = RawHttp.send(port, method, "/api/snapshot", "127.0.0.1:" + port, "Content-Length: 0");
      assertThat(r.status()).as(method).isEqualTo(405);
      assertThat(r.header("allow")).isEqualTo("GET, HEAD");
    }
    assertThat(RawHttp.send(port, "HEAD", "/", "127.0.0.1:" + port).status()).isEqualTo(200);
  }

  /** A page on another site that rebinds its name to 127.0.0.1 sends its own Host: refused. */
  @Test
  void onLoopbackOnlyLoopbackHostNamesAreAnswered() throws Exception {
    int port = start(MonitoringConfig.builder());
    assertThat(RawHttp.send(port, "GET", "/api/snapshot", "evil.example:" + port).status()).isEqualTo(421);
    assertThat(RawHttp.send(port, "GET", "/api/snapshot", "127.0.0.1.evil.example").status()).isEqualTo(421);
    assertThat(RawHttp.send(port, "GET", "/api/snapshot", "localhost:" + port).status()).isEqualTo(200);
    assertThat(RawHttp.send(port, "GET", "/api/snapshot", "127.0.0.1").status()).isEqualTo(200);
  }

  @Test
  void aNonLoopbackAddressIsRefusedUnlessAllowed() throws Exception {
    assertThatThrownBy(() -> DashboardServer.start(metrics,
        MonitoringConfig.builder().dashboardPort(0).dashboardBind("0.0.0.0").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("haul.dashboard.allow-remote").hasMessageContaining("0.0.0.0");
    InetAddress external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
        .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
        .filter(a -> !a.isLoopbackAddress() && a instanceof java.net.Inet4Address).findFirst().orElse(null);
    if (external == null) {
      return; // no non-loopback IPv4 address on this machine: 0.0.0.0 above covered the rule
    }
    assertThatThrownBy(() -> DashboardServer.start(metrics,
        MonitoringConfig.builder().dashboardPort(0).dashboardBind(external.getHostAddress()).build()))
        .isInstanceOf(IllegalArgumentException.class);
    server = DashboardServer.start(metrics, MonitoringConfig.builder().dashboardPort(0)
        .dashboardBind(external.getHostAddress()).dashboardAllowRemote(true).dashboardToken(TOKEN).build());
    assertThat(server.uri().getHost()).isEqualTo(external.getHostAddress());
  }

  @Test
  void withATokenEveryRequestNeedsItAsBearerOrAsTheCookieTheAccessLinkSets() throws Exception {
    int port = start(MonitoringConfig.builder().dashboardToken(TOKEN));
    for (String path : new String[] {"/", "/api/snapshot", "/metrics", "/app.js"}) {
      RawHttp.Reply r = RawHttp.get(port, path);
      assertThat(r.status()).as(path).isEqualTo(401);
      assertThat(r.header("www-authenticate")).startsWith("Bearer");
      assertThat(r.body()).doesNotContain(TOKEN);
    }
    assertThat(RawHttp.get(port, "/metrics", "Authorization: Bearer " + TOKEN + "x").status()).isEqualTo(401);
    assertThat(RawHttp.get(port, "/metrics", "Authorization: Bearer " + TOKEN.substring(1)).status()).isEqualTo(401);
    assertThat(RawHttp.get(port, "/metrics", "Authorization: Bearer " + TOKEN).status()).isEqualTo(200);
    assertThat(RawHttp.get(port, "/?access=wrong-token-wrong-token").status()).isEqualTo(401);

    RawHttp.Reply link = RawHttp.get(port, "/?access=" + TOKEN);
    assertThat(link.status()).isEqualTo(303);
    assertThat(link.header("location")).isEqualTo("/");
    assertThat(link.header("set-cookie")).contains("HttpOnly", "SameSite=Strict");
    String cookie = link.header("set-cookie").split(";")[0];
    assertThat(RawHttp.get(port, "/api/snapshot", "Cookie: " + cookie).status()).isEqualTo(200);
    assertThat(RawHttp.get(port, "/api/snapshot", "Cookie: other=1; " + cookie).status()).isEqualTo(200);
    assertThat(RawHttp.get(port, "/api/snapshot", "Cookie: " + cookie + "0").status()).isEqualTo(401);
  }

  @Test
  void aTakenPortIsAClearError() throws Exception {
    int port = start(MonitoringConfig.builder());
    assertThatThrownBy(() -> DashboardServer.start(metrics, MonitoringConfig.builder().dashboardPort(port).build()))
        .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("haul.dashboard.port")
        .hasMessageContaining(String.valueOf(port));
  }
}
