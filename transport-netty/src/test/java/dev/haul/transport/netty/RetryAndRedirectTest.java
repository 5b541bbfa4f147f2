package dev.haul.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.BearerAuth;
import dev.haul.BodyHandlers;
import dev.haul.ConnectFailedException;
import dev.haul.ConnectionClosedException;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.HaulException;
import dev.haul.Origin;
import dev.haul.RedirectException;
import dev.haul.Request;
import dev.haul.RequestBody;
import dev.haul.Response;
import dev.haul.RetryAfterExceededException;
import dev.haul.RetrySettings;
import dev.haul.TooManyRedirectsException;
import dev.haul.WriteTimeoutException;
import dev.haul.spi.EventListener;
import dev.haul.spi.PoolStats;
import dev.haul.spi.RetryPolicy;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import dev.haul.testkit.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Retry, Retry-After, redirects and Bearer scoping end to end through Netty against testkit. */
class RetryAndRedirectTest {

  private OriginServer server;
  private NettyTransport transport;
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final List<Duration> delays = Collections.synchronizedList(new ArrayList<>());
  private final List<HaulClient> clients = new ArrayList<>();

  private final EventListener recorder = new EventListener() {
    @Override
    public void retryScheduled(Request request, int attempt, Duration delay, String reason) {
      delays.add(delay);
      events.add("retry " + attempt + ": " + reason);
    }

    @Override
    public void retryGaveUp(Request request, int attempts, String reason) {
      events.add("gaveUp " + attempts + ": " + reason);
    }

    @Override
    public void redirect(Request from, dev.haul.Redirect redirect) {
      events.add("redirect " + redirect.status());
    }
  };

  @BeforeEach
  void start() {
    server = OriginServer.start();
    transport = NettyTransport.create();
  }

  @AfterEach
  void stop() {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (transport.poolStats().stream().mapToInt(PoolStats::leased).sum() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(transport.poolStats().stream().mapToInt(PoolStats::leased).sum()).isZero();
    clients.forEach(HaulClient::close);
    transport.close();
    server.close();
  }

  private HaulClient client(RetryPolicy policy, HaulConfig config) {
    HaulClient c = Haul.newBuilder().transport(transport).retryPolicy(policy).config(config)
        .addEventListener(recorder).build();
    clients.add(c);
    return c;
  }

  private static RetryPolicy fast() {
    return RetryPolicy.builder().settings(RetrySettings.builder().baseDelay(Duration.ofMillis(5)).maxDelay(Duration.ofMillis(20)).build()).noBudget().build();
  }

  private HaulClient fastClient() {
    return client(fast(), HaulConfig.defaults());
  }

  @Test
  void f1ConnectionRefusedIsRetriedWithBackoffThenFailsTyped() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    int p = port;
    assertThatThrownBy(() -> fastClient().send(Request.get("http://127.0.0.1:" + p + "/"), BodyHandlers.ofString()))
        .isInstanceOf(ConnectFailedException.class);
    assertThat(delays).hasSize(3).allSatisfy(d -> assertThat(d).isBetween(Duration.ZERO, Duration.ofMillis(20)));
    assertThat(events.get(0)).contains("ConnectFailedException (NOT_SENT)");
    assertThat(events).last().asString().startsWith("gaveUp 4");
  }

  @Test
  void f17RetryAfterDeltaSecondsAndHttpDateAreHonoured() {
    server.enqueue(MockResponse.builder().status(503).header("Retry-After", "1").build());
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2));
    server.enqueue(MockResponse.builder().status(429).header("Retry-After", date).build());
    server.enqueue(MockResponse.ok("finally"));
    Response<String> r = fastClient().send(Request.get(server.url("/busy").toString()), BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("finally");
    assertThat(r.attempts()).isEqualTo(3);
    assertThat(delays.get(0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(delays.get(1)).isBetween(Duration.ZERO, Duration.ofSeconds(2));
    assertThat(server.connectionCount()).as("retried on the kept-alive connection").isEqualTo(1);
  }

  @Test
  void f17RetryAfterAboveTheCapEndsTypedAndWithinTheDeadlineGivesUp() {
    server.enqueue(MockResponse.builder().status(503).header("Retry-After", "3600").build());
    assertThatThrownBy(() -> fastClient().send(Request.get(server.url("/x").toString()), BodyHandlers.ofString()))
        .isInstanceOf(RetryAfterExceededException.class).hasMessageContaining("haul.retry.max-retry-after");

    server.enqueue(MockResponse.builder().status(503).header("Retry-After", "5").build());
    Request withDeadline = Request.newBuilder(server.url("/y")).callTimeout(Duration.ofSeconds(1)).build();
    Response<String> r = fastClient().send(withDeadline, BodyHandlers.ofString());
    assertThat(r.status()).isEqualTo(503);
    assertThat(events).anyMatch(e -> e.startsWith("gaveUp 1") && e.contains("deadline"));
  }

  @Test
  void f18BurstOf5xxThenSuccess() {
    server.enqueue(MockResponse.builder().status(500).build());
    server.enqueue(MockResponse.builder().status(502).build());
    server.enqueue(MockResponse.builder().status(503).build());
    server.enqueue(MockResponse.ok("recovered"));
    Response<String> r = fastClient().send(Request.get(server.url("/burst").toString()), BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("recovered");
    assertThat(r.attempts()).isEqualTo(4);
    assertThat(delays).hasSize(3).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofMillis(20)));

    // Not for a POST that is not marked safe to retry.
    server.enqueue(MockResponse.builder().status(503).build());
    Response<String> post = fastClient().send(Request.newBuilder(server.url("/order"))
        .POST(RequestBody.ofString("x", "text/plain")).build(), BodyHandlers.ofString());
    assertThat(post.status()).isEqualTo(503);
    assertThat(post.attempts()).isEqualTo(1);
  }

  @ParameterizedTest(name = "B16 Retry-After [{0}] falls back to backoff")
  @ValueSource(strings = {"-5", "soon", "Wed, 21 Oct 2015 07:28:00 GMT", "1.5", ""})
  void b16BadRetryAfterFallsBackToBackoff(String value) {
    server.enqueue(MockResponse.builder().status(503).header("Retry-After", value).build());
    server.enqueue(MockResponse.ok("ok"));
    assertThat(fastClient().send(Request.get(server.url("/b16").toString()), BodyHandlers.ofString()).body()).isEqualTo("ok");
    assertThat(delays).hasSize(1).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofMillis(20)));
  }

  @Test
  void f20OneShotUploadIsNeverReplayedWhenTheServerClosesDuringIt() throws Exception {
    try (ServerSocket rude = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      AtomicInteger accepted = new AtomicInteger();
      Thread t = new Thread(() -> {
        while (!rude.isClosed()) {
          try (Socket s = rude.accept()) {
            accepted.incrementAndGet();
            InputStream in = s.getInputStream();
            in.read(new byte[4096]); // read a little of the upload, then close with the rest unread
          } catch (IOException e) {
            return;
          }
        }
      });
      t.setDaemon(true);
      t.start();
      AtomicInteger subscriptions = new AtomicInteger();
      Flow.Publisher<ByteBuffer> big = subscriber -> {
        subscriptions.incrementAndGet();
        subscriber.onSubscribe(new Flow.Subscription() {
          int sent;

          @Override
          public void request(long n) {
            for (long i = 0; i < n && sent < 2000; i++, sent++) {
              subscriber.onNext(ByteBuffer.allocate(16 * 1024));
            }
            if (sent == 2000) {
              sent++;
              subscriber.onComplete();
            }
          }

          @Override
          public void cancel() {
            sent = Integer.MAX_VALUE;
          }
        });
      };
      Request req = Request.newBuilder("http://127.0.0.1:" + rude.getLocalPort() + "/upload")
          .PUT(RequestBody.ofPublisher(big, 2000L * 16 * 1024, "application/octet-stream")).build();
      assertThatThrownBy(() -> fastClient().send(req, BodyHandlers.ofString()))
          .isInstanceOf(HaulException.class);
      assertThat(subscriptions.get()).as("a one-shot body is sent at most once").isEqualTo(1);
      assertThat(accepted.get()).isEqualTo(1);
      assertThat(events).anyMatch(e -> e.contains("one-shot"));
    }
  }

  @Test
  void uploadToAServerThatNeverReadsEndsInAWriteTimeout() throws Exception {
    try (ServerSocket deaf = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      List<Socket> held = Collections.synchronizedList(new ArrayList<>());
      Thread t = new Thread(() -> {
        try {
          held.add(deaf.accept()); // accept and never read
        } catch (IOException ignored) {
          // closed
        }
      });
      t.setDaemon(true);
      t.start();
      HaulClient c = client(RetryPolicy.none(), HaulConfig.builder()
          .timeout(dev.haul.Timeouts.Kind.WRITE, Duration.ofMillis(500)).build());
      Request req = Request.newBuilder("http://127.0.0.1:" + deaf.getLocalPort() + "/upload")
          .PUT(RequestBody.ofBytes(new byte[64 * 1024 * 1024], "application/octet-stream")).build();
      assertThatThrownBy(() -> c.send(req, BodyHandlers.ofString()))
          .isInstanceOf(WriteTimeoutException.class).hasMessageContaining("haul.timeout.write");
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void redirectChainIsRecordedAndPostBecomesGetOn303() {
    server.enqueue(MockResponse.builder().status(303).header("Location", "/step2").build());
    server.enqueue(MockResponse.builder().status(301).header("Location", "step3").build());
    server.enqueue(MockResponse.builder().status(308).header("Location", server.url("/final").toString()).build());
    server.enqueue(MockResponse.ok("arrived"));
    Response<String> r = fastClient().send(Request.newBuilder(server.url("/form"))
        .POST(RequestBody.ofString("a=1", "application/x-www-form-urlencoded")).build(), BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("arrived");
    assertThat(r.redirects()).extracting(dev.haul.Redirect::status).containsExactly(303, 301, 308);
    assertThat(r.request().uri().getPath()).isEqualTo("/final");
    List<RecordedRequest> reqs = server.requests();
    assertThat(reqs).extracting(RecordedRequest::method).containsExactly("POST", "GET", "GET", "GET");
    assertThat(reqs.get(1).body()).isEmpty();
    assertThat(events).filteredOn(e -> e.startsWith("redirect")).hasSize(3);
  }

  @Test
  void b17RedirectLoopHopLimitAndBadLocations() {
    server.setDispatcher(req -> switch (req.path()) {
      case "/a" -> MockResponse.builder().status(302).header("Location", "/b").build();
      case "/b" -> MockResponse.builder().status(302).header("Location", "/a").build();
      case "/none" -> MockResponse.builder().status(302).build();
      case "/js" -> MockResponse.builder().status(302).header("Location", "javascript:alert(1)").build();
      case "/crlf" -> MockResponse.builder().status(302).header("Location", "/x%0d%0aSet-Cookie:%20a=1").build();
      case "/ambiguous" -> MockResponse.builder().status(302).header("Location", "http://a@evil@good/").build();
      default -> {
        int n = Integer.parseInt(req.path().substring(2));
        yield MockResponse.builder().status(307).header("Location", "/n" + (n + 1)).build();
      }
    });
    HaulClient c = fastClient();
    assertThatThrownBy(() -> c.send(Request.get(server.url("/a").toString()), BodyHandlers.ofString()))
        .isInstanceOf(RedirectException.class).hasMessageContaining("loop");
    assertThatThrownBy(() -> c.send(Request.get(server.url("/n0").toString()), BodyHandlers.ofString()))
        .isInstanceOf(TooManyRedirectsException.class).hasMessageContaining("haul.redirect.max-hops = 20");
    for (String bad : List.of("/none", "/js", "/crlf", "/ambiguous")) {
      assertThatThrownBy(() -> c.send(Request.get(server.url(bad).toString()), BodyHandlers.ofString()))
          .as(bad).isInstanceOf(RedirectException.class);
    }
    HaulClient off = client(fast(), HaulConfig.builder().redirectMaxHops(0).build());
    assertThat(off.send(Request.get(server.url("/a").toString()), BodyHandlers.ofString()).status()).isEqualTo(302);
  }

  @Test
  void b20HeaderInjectionNeverLeavesTheClient() {
    assertThatThrownBy(() -> Request.newBuilder(server.url("/x")).header("X-Evil", "a\r\nHost: evil").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("X-Evil").hasMessageNotContaining("evil");
    assertThatThrownBy(() -> Request.newBuilder("http://127.0.0.1:" + server.port() + "/x\r\nX: y"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Request.newBuilder("http://a@evil@127.0.0.1:" + server.port() + "/"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ambiguous");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void civitaiFlowSendsTheKeyToTheApiAndNeverToStorage() {
    try (OriginServer storage = OriginServer.start()) {
      byte[] model = new byte[256 * 1024];
      new java.util.Random(9).nextBytes(model);
      storage.enqueue(MockResponse.builder().body(model).build());
      server.enqueue(MockResponse.builder().status(307)
          .header("Location", storage.url("/files/model.safetensors?X-Amz-Signature=abc123&X-Amz-Expires=3600").toString())
          .build());
      BearerAuth key = BearerAuth.of("civitai-canary-key", Origin.of(server.url("/")));
      HaulClient c = Haul.newBuilder().transport(transport).retryPolicy(fast()).bearerAuth(key).build();
      clients.add(c);
      Response<byte[]> r = c.send(Request.get(server.url("/api/download/models/42").toString()), BodyHandlers.ofByteArray());
      assertThat(r.body()).isEqualTo(model);
      assertThat(r.redirects()).hasSize(1);
      assertThat(server.takeRequest().header("Authorization")).isEqualTo("Bearer civitai-canary-key");
      RecordedRequest atStorage = storage.takeRequest();
      assertThat(atStorage.header("Authorization")).isNull();
      assertThat(atStorage.headerList().toString()).doesNotContain("civitai-canary-key");
      assertThat(atStorage.target()).contains("X-Amz-Signature=abc123");
    }
  }

  @Test
  void bearerFromConfigurationIsScopedAndRedactedInErrors() {
    HaulConfig config = HaulConfig.builder().bearer("cfg-canary", java.util.Set.of(Origin.of(server.url("/")))).build();
    HaulClient c = client(RetryPolicy.none(), config);
    server.enqueue(MockResponse.builder().status(302).header("Location", "ftp://elsewhere/").build());
    assertThatThrownBy(() -> c.send(Request.get(server.url("/x?api_key=secret-q").toString()), BodyHandlers.ofString()))
        .isInstanceOf(RedirectException.class)
        .hasMessageNotContaining("cfg-canary")
        .hasMessageNotContaining("secret-q");
    assertThat(server.takeRequest().header("Authorization")).isEqualTo("Bearer cfg-canary");
    assertThat(config.toString()).doesNotContain("cfg-canary");
  }

  @Test
  void closedAfterRequestForPostIsNotRetriedButGetIs() {
    server.enqueue(MockResponse.fault(dev.haul.testkit.Fault.CLOSE_AFTER_REQUEST));
    assertThatThrownBy(() -> fastClient().send(Request.newBuilder(server.url("/p"))
        .POST(RequestBody.ofString("x", "text/plain")).build(), BodyHandlers.ofString()))
        .isInstanceOf(ConnectionClosedException.class);
    assertThat(server.requestCount()).isEqualTo(1);
  }
}
