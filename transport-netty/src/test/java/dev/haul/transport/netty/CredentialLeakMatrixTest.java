package dev.haul.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.BodyHandlers;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.Origin;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.spi.RetryPolicy;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import dev.haul.testkit.RecordedRequest;
import dev.haul.testkit.TlsIdentity;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 9 redirect targets x 5 redirect codes = 45 scenarios, each with a canary secret: from the
 * servers' recorded requests, no canary may reach an origin it was not meant for.
 */
class CredentialLeakMatrixTest {

  enum Variant { OTHER_HOST, OTHER_PORT, HTTPS_TO_HTTP_ALLOWED, HTTP_TO_HTTPS, SUBDOMAIN, IP_LITERAL, USER_INFO,
    COOKIE, CUSTOM_SENSITIVE_HEADER }

  private OriginServer a;
  private OriginServer b;
  private OriginServer tls;
  private final List<HaulClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    a = OriginServer.start();
    b = OriginServer.start();
    tls = OriginServer.builder().tls(TlsIdentity.forNames(List.of("api.example.test", "127.0.0.1"))).start();
  }

  @AfterEach
  void stop() {
    clients.forEach(HaulClient::close);
    a.close();
    b.close();
    tls.close();
  }

  static Stream<Arguments> scenarios() {
    List<Arguments> out = new ArrayList<>();
    for (Variant v : Variant.values()) {
      for (int code : new int[] {301, 302, 303, 307, 308}) {
        out.add(Arguments.of(v, code));
      }
    }
    return out.stream();
  }

  private HaulClient client(HaulConfig config) {
    Map<String, String> names = Map.of("api.example.test", "127.0.0.1", "storage.example.test", "127.0.0.1",
        "cdn.api.example.test", "127.0.0.1");
    NettyTransport t = new NettyTransport(NettyTransportConfig.builder()
        .trust(tls.trustedCertificate())
        .resolver(host -> {
          String ip = names.get(host);
          if (ip == null) {
            throw new java.net.UnknownHostException(host);
          }
          return InetAddress.getByName(ip);
        }).build());
    HaulClient c = Haul.newBuilder().transport(t).config(config).retryPolicy(RetryPolicy.none()).build();
    clients.add(c);
    return c;
  }

  private static String http(String host, OriginServer s, String path) {
    return "http://" + host + ":" + s.port() + path;
  }

  private static String https(String host, OriginServer s, String path) {
    return "https://" + host + ":" + s.port() + path;
  }

  @ParameterizedTest(name = "{0} via {1}")
  @MethodSource("scenarios")
  void noCanaryReachesAnOriginItWasNotMeantFor(Variant v, int code) {
    String canary = "CANARY-" + v + "-" + code;
    String start;
    String landing;
    HaulConfig config = HaulConfig.defaults();
    switch (v) {
      case OTHER_HOST, CUSTOM_SENSITIVE_HEADER -> {
        start = http("api.example.test", a, "/start");
        landing = http("storage.example.test", a, "/landing");
      }
      case OTHER_PORT, COOKIE -> {
        start = http("api.example.test", a, "/start");
        landing = http("api.example.test", b, "/landing");
      }
      case HTTPS_TO_HTTP_ALLOWED -> {
        start = https("api.example.test", tls, "/start");
        landing = http("api.example.test", b, "/landing");
        config = HaulConfig.builder().redirectAllowHttpsToHttp(true).build();
      }
      case HTTP_TO_HTTPS -> {
        start = http("api.example.test", a, "/start");
        landing = https("api.example.test", tls, "/landing");
      }
      case SUBDOMAIN -> {
        start = http("api.example.test", a, "/start");
        landing = http("cdn.api.example.test", a, "/landing");
      }
      case IP_LITERAL -> {
        start = http("api.example.test", a, "/start");
        landing = http("127.0.0.1", a, "/landing");
      }
      case USER_INFO -> {
        start = http("api.example.test", a, "/start");
        landing = "http://api.example.test@storage.example.test:" + b.port() + "/landing";
      }
      default -> throw new AssertionError(v);
    }
    String location = landing;
    for (OriginServer s : List.of(a, b, tls)) {
      s.setDispatcher(req -> req.path().equals("/start")
          ? MockResponse.builder().status(code).header("Location", location).build()
          : MockResponse.ok("landed"));
    }
    Request.Builder req = Request.newBuilder(start);
    switch (v) {
      case COOKIE -> req.header("Cookie", "session=" + canary);
      case CUSTOM_SENSITIVE_HEADER -> req.header("X-Canary", canary).sensitiveHeader("X-Canary");
      default -> req.header("Authorization", "Bearer " + canary);
    }
    Response<String> r = client(config).send(req.build(), BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("landed");
    assertThat(r.redirects()).hasSize(1);

    List<RecordedRequest> all = new ArrayList<>();
    all.addAll(a.requests());
    all.addAll(b.requests());
    all.addAll(tls.requests());
    RecordedRequest first = all.stream().filter(x -> x.path().equals("/start")).findFirst().orElseThrow();
    assertThat(first.headerList().toString()).as("the canary reached the origin it was meant for").contains(canary);
    List<RecordedRequest> landed = all.stream().filter(x -> x.path().equals("/landing")).toList();
    assertThat(landed).hasSize(1);
    assertThat(landed.get(0).headerList().toString()).as("headers at the redirect target").doesNotContain(canary);
    assertThat(landed.get(0).target()).doesNotContain(canary);
    assertThat(landed.get(0).header("Authorization")).isNull();
  }

  @Test
  void sameOriginRedirectKeepsCredentials() {
    a.setDispatcher(req -> req.path().equals("/start")
        ? MockResponse.builder().status(302).header("Location", "/landing").build()
        : MockResponse.ok("landed"));
    client(HaulConfig.defaults()).send(Request.newBuilder(http("api.example.test", a, "/start"))
        .header("Authorization", "Bearer same").build(), BodyHandlers.ofString());
    assertThat(a.requests().get(1).header("Authorization")).isEqualTo("Bearer same");
  }

  @Test
  void explicitlyTrustedOriginKeepsCredentials() {
    a.setDispatcher(req -> MockResponse.builder().status(307)
        .header("Location", http("api.example.test", b, "/landing")).build());
    b.enqueue(MockResponse.ok("landed"));
    HaulConfig trusting = HaulConfig.builder()
        .redirectTrustedOrigins(Set.of(Origin.parse(http("api.example.test", b, "")))).build();
    client(trusting).send(Request.newBuilder(http("api.example.test", a, "/start"))
        .header("Authorization", "Bearer trusted").build(), BodyHandlers.ofString());
    assertThat(b.takeRequest().header("Authorization")).isEqualTo("Bearer trusted");
  }
}
