package dev.haul.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.haul.BodyHandlers;
import dev.haul.ConnectFailedException;
import dev.haul.ConnectTimeoutException;
import dev.haul.ConnectionClosedException;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.HaulException;
import dev.haul.ProtocolException;
import dev.haul.Request;
import dev.haul.RequestBody;
import dev.haul.Response;
import dev.haul.RetrySettings;
import dev.haul.SendState;
import dev.haul.Timeouts;
import dev.haul.TlsException;
import dev.haul.config.ConfigSource;
import dev.haul.spi.EventListener;
import dev.haul.spi.PoolStats;
import dev.haul.spi.RetryPolicy;
import dev.haul.transport.netty.internal.Failures;
import dev.haul.testkit.Fault;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import io.netty.channel.epoll.Epoll;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Regression tests for the transport side of issue 8, end to end against a real origin server. */
class Issue8TransportTest {

  private static final int MIB = 1 << 20;

  private OriginServer server;
  private final TestResources resources = new TestResources();

  @BeforeEach
  void start() {
    server = OriginServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    resources.close();
    server.close();
  }

  private NettyTransport transport(NettyTransportConfig config) {
    return resources.transport(config);
  }

  private HaulClient client(NettyTransport t, RetryPolicy policy) {
    return resources.client(Haul.newBuilder().transport(t).retryPolicy(policy).build());
  }

  private static RetryPolicy quickRetries() {
    return RetryPolicy.builder().settings(RetrySettings.builder().baseDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(5)).build()).build();
  }

  static int leased(NettyTransport t) {
    return t.poolStats().stream().mapToInt(PoolStats::leased).sum();
  }

  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  // ---- Issue 8 defect 1: the decoded-bytes cap counted every body, also plain ones. ----

  private NettyTransport smallDecodeCap() {
    return transport(NettyTransportConfig.from(ConfigSource.fromMap(
        Map.of("haul.transport.max-decoded-bytes", "1MiB"))));
  }

  @Test
  void defect1PlainBodyJustOverTheDecodeCapPasses() throws Exception {
    NettyTransport t = smallDecodeCap();
    HaulClient c = client(t, RetryPolicy.none());
    server.enqueue(MockResponse.generated(MIB + 1L));
    Response<byte[]> r = c.send(Request.get(server.url("/plain").toString()), BodyHandlers.ofByteArray());
    assertThat(r.body()).hasSize(MIB + 1);
    for (int i = 0; i < r.body().length; i++) {
      if (r.body()[i] != MockResponse.generatedByte(i)) {
        throw new AssertionError("byte " + i + " differs");
      }
    }
    // The request carried Haul's own Accept-Encoding, yet an identity answer is not decoded.
    assertThat(server.takeRequest().header("Accept-Encoding")).isEqualTo("gzip, deflate");
  }

  @Test
  void defect1GzipBodyDecodingJustOverTheCapFailsTyped() {
    NettyTransport t = smallDecodeCap();
    HaulClient c = client(t, quickRetries());
    byte[] incompressible = new byte[MIB + 1];
    new Random(8).nextBytes(incompressible);
    server.enqueue(MockResponse.builder().body(incompressible).gzip().build());
    assertThatThrownBy(() -> c.send(Request.get(server.url("/gz").toString()), BodyHandlers.ofByteArray()))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("haul.transport.max-decoded-bytes");
    assertThat(server.requestCount()).as("a protocol error is not retried").isEqualTo(1);
    await(() -> leased(t) == 0, "the connection to be released");
  }

  @Test
  void defect1GzipBodyDecodingExactlyToTheCapPasses() throws Exception {
    NettyTransport t = smallDecodeCap();
    HaulClient c = client(t, RetryPolicy.none());
    byte[] incompressible = new byte[MIB];
    new Random(8).nextBytes(incompressible);
    server.enqueue(MockResponse.builder().body(incompressible).gzip().build());
    assertThat(c.send(Request.get(server.url("/gz").toString()), BodyHandlers.ofByteArray()).body())
        .isEqualTo(incompressible);
  }

  @Test
  void defect1BodyOverOneGibStreamsWithTheDefaultCap() throws Exception {
    NettyTransport t = transport(NettyTransportConfig.defaults());
    HaulClient c = client(t, RetryPolicy.none());
    long length = (1L << 30) + 1;
    server.enqueue(MockResponse.generated(length));
    Response<InputStream> r = c.send(Request.get(server.url("/big").toString()), BodyHandlers.ofInputStream());
    long total = 0;
    int expected = 0; // generatedByte(total), kept incrementally
    byte[] buf = new byte[256 * 1024];
    try (InputStream in = r.body()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          if (buf[i] != (byte) expected) {
            throw new AssertionError("byte " + (total + i) + " differs");
          }
          expected = expected == 250 ? 0 : expected + 1;
        }
        total += n;
      }
    }
    assertThat(total).isEqualTo(length);
    await(() -> leased(t) == 0, "the connection to be released");
  }

  // ---- Issue 8 defect 2: a reset after the request was written was reported NOT_SENT and replayed. ----

  @Test
  void defect2PostResetAfterTheServerReadItIsSentOnce() {
    NettyTransport t = transport(NettyTransportConfig.defaults());
    HaulClient c = client(t, quickRetries());
    server.enqueue(MockResponse.fault(Fault.RESET_AFTER_REQUEST));
    server.enqueue(MockResponse.ok("replayed"));
    Request post = Request.newBuilder(server.url("/order")).POST(RequestBody.ofString("buy", "text/plain")).build();
    assertThatThrownBy(() -> c.send(post, BodyHandlers.ofString()))
        .isInstanceOf(ConnectionClosedException.class)
        .satisfies(e -> assertThat(((HaulException) e).sendState()).isEqualTo(SendState.SENT_NO_RESPONSE));
    assertThat(server.requestCount()).as("the server saw the POST exactly once").isEqualTo(1);
    await(() -> leased(t) == 0, "the connection to be released");
  }

  @Test
  void defect2ReusedConnectionClosedAfterTheRequestIsNotResentWithRetriesDisabled() {
    NettyTransport t = transport(NettyTransportConfig.defaults());
    HaulClient c = client(t, RetryPolicy.none());
    server.enqueue(MockResponse.ok("a"));
    server.enqueue(MockResponse.fault(Fault.CLOSE_AFTER_REQUEST));
    server.enqueue(MockResponse.ok("must not be asked for"));
    assertThat(c.send(Request.get(server.url("/a").toString()), BodyHandlers.ofString()).body()).isEqualTo("a");
    assertThatThrownBy(() -> c.send(Request.get(server.url("/b").toString()), BodyHandlers.ofString()))
        .isInstanceOf(ConnectionClosedException.class)
        .satisfies(e -> {
          ConnectionClosedException cc = (ConnectionClosedException) e;
          assertThat(cc.sendState()).isEqualTo(SendState.SENT_NO_RESPONSE);
          assertThat(cc.onReusedConnection()).isTrue();
        });
    assertThat(server.requests()).extracting(r -> r.path()).containsExactly("/a", "/b");
    await(() -> leased(t) == 0, "the connection to be released");
  }

  @Test
  void defect2ReusedConnectionClosedAfterTheRequestIsAnImmediateVisibleRetryByDefault() throws Exception {
    NettyTransport t = transport(NettyTransportConfig.defaults());
    List<Duration> delays = new CopyOnWriteArrayList<>();
    EventListener retries = new EventListener() {
      @Override
      public void retryScheduled(Request request, int attempt, Duration delay, String reason) {
        delays.add(delay);
      }
    };
    // The default policy with its real (1 s) base delay: the stale-connection retry must not wait.
    HaulClient c = resources.client(Haul.newBuilder().transport(t).addEventListener(retries).build());
    server.enqueue(MockResponse.ok("a"));
    server.enqueue(MockResponse.fault(Fault.CLOSE_AFTER_REQUEST));
    server.enqueue(MockResponse.ok("b"));
    c.send(Request.get(server.url("/a").toString()), BodyHandlers.ofString());
    assertThat(c.sendAsync(Request.get(server.url("/b").toString()), BodyHandlers.ofString())
        .get(10, TimeUnit.SECONDS).body()).isEqualTo("b");
    assertThat(delays).containsExactly(Duration.ZERO);
    assertThat(server.connectionCount()).isEqualTo(2);

    // A POST on a connection that dies the same way is not repeated, whatever the policy.
    server.enqueue(MockResponse.fault(Fault.CLOSE_AFTER_REQUEST));
    server.enqueue(MockResponse.ok("must not be asked for"));
    Request post = Request.newBuilder(server.url("/order")).POST(RequestBody.ofString("buy", "text/plain")).build();
    assertThatThrownBy(() -> c.send(post, BodyHandlers.ofString()))
        .isInstanceOf(ConnectionClosedException.class);
    assertThat(server.requests().stream().filter(r -> r.method().equals("POST")).count()).isEqualTo(1);
  }

  // Issue 8 review B: the immediate retry after a reused connection the server had closed went
  // back through a normal acquire, so it took another dead idle connection and burned the retry.
  // Four idle connections the server has silently dropped (each resets its next request, which
  // the client sees only after writing): with one retry the GET must succeed, on a new connection.
  @ParameterizedTest(name = "{0}")
  @EnumSource(NettyTransportConfig.Order.class)
  void reviewBRetryAfterADeadPooledConnectionUsesAFreshOne(NettyTransportConfig.Order order) throws Exception {
    NettyTransport t = transport(NettyTransportConfig.builder().order(order).maxPerHost(8).build());
    HaulClient c = client(t, RetryPolicy.builder().settings(RetrySettings.builder().maxRetries(1).build()).build());
    int pooled = 4;
    server.setDispatcher(r -> r.connectionId() <= pooled && r.sequenceOnConnection() >= 1
        ? MockResponse.fault(Fault.RESET_AFTER_REQUEST)
        : MockResponse.builder().body("ok").headersDelay(Duration.ofMillis(200)).build());
    List<CompletableFuture<Response<String>>> warmUp = new ArrayList<>();
    for (int i = 0; i < pooled; i++) {
      warmUp.add(c.sendAsync(Request.get(server.url("/warm" + i).toString()), BodyHandlers.ofString()));
    }
    for (CompletableFuture<Response<String>> f : warmUp) {
      assertThat(f.get(10, TimeUnit.SECONDS).body()).isEqualTo("ok");
    }
    await(() -> stats(t, server).idle() == pooled, "four idle pooled connections");
    assertThat(server.connectionCount()).isEqualTo(pooled);

    Response<String> r = c.sendAsync(Request.get(server.url("/get").toString()), BodyHandlers.ofString())
        .get(10, TimeUnit.SECONDS);
    assertThat(r.body()).isEqualTo("ok");
    assertThat(r.attempts()).isEqualTo(2);
    // One dead pooled connection tried, then a new one: no second idle connection was risked.
    assertThat(server.requests().stream().filter(q -> q.path().equals("/get")))
        .extracting(q -> q.connectionId()).hasSize(2).last().isEqualTo(pooled + 1);
  }

  // ---- Issue 8 defect 3: waiters held back by max-total were woken only by their own origin. ----

  static PoolStats stats(NettyTransport t, OriginServer s) {
    return t.poolStats().stream().filter(p -> p.origin().port() == s.port()).findFirst()
        .orElse(new PoolStats(dev.haul.Origin.of(s.url("/")), 0, 0, 0, 0, Map.of()));
  }

  /** Two calls to origin A (/a1, /a2) whose answers, "a", take {@code headersDelay} to start. */
  private List<CompletableFuture<Response<String>>> twoCallsToA(HaulClient c, Duration headersDelay) {
    server.queue().setFallback(MockResponse.builder().body("a").headersDelay(headersDelay).build());
    return List.of(c.sendAsync(Request.get(server.url("/a1").toString()), BodyHandlers.ofString()),
        c.sendAsync(Request.get(server.url("/a2").toString()), BodyHandlers.ofString()));
  }

  private HaulClient patientClient(NettyTransport t) {
    return resources.client(Haul.newBuilder().transport(t).retryPolicy(RetryPolicy.none())
        .config(HaulConfig.builder().timeout(Timeouts.Kind.POOL_ACQUIRE, Duration.ofSeconds(30)).build())
        .build());
  }

  // A guard, not a regression test: this case passed before the defect 3 fix too (an acquire
  // that finds max-total reached has always closed another origin's idle connection). The
  // regression tests of defect 3 are the waiter cases below.
  @Test
  void defect3IdleConnectionsOfAnotherOriginMakeRoomAtOnce() throws Exception {
    try (OriginServer b = OriginServer.start()) {
      NettyTransport t = transport(NettyTransportConfig.builder().maxTotal(2).maxPerHost(2).build());
      HaulClient c = patientClient(t);
      var a = twoCallsToA(c, Duration.ofMillis(200));
      assertThat(a.get(0).get(10, TimeUnit.SECONDS).body()).isEqualTo("a");
      assertThat(a.get(1).get(10, TimeUnit.SECONDS).body()).isEqualTo("a");
      await(() -> stats(t, server).idle() == 2, "both slots idle on origin A");
      b.enqueue(MockResponse.ok("b"));
      assertThat(c.sendAsync(Request.get(b.url("/b").toString()), BodyHandlers.ofString())
          .get(5, TimeUnit.SECONDS).body()).isEqualTo("b");
      assertThat(stats(t, server).closedByReason()).containsEntry("evicted-for-capacity", 1L);
    }
  }

  @Test
  void defect3ReleaseOnOneOriginWakesAWaiterOfAnother() throws Exception {
    try (OriginServer b = OriginServer.start()) {
      NettyTransport t = transport(NettyTransportConfig.builder().maxTotal(2).maxPerHost(2).build());
      HaulClient c = patientClient(t);
      var a = twoCallsToA(c, Duration.ofMillis(500));
      await(() -> stats(t, server).leased() == 2, "both slots leased on origin A");
      b.enqueue(MockResponse.ok("b"));
      var call = c.sendAsync(Request.get(b.url("/b").toString()), BodyHandlers.ofString());
      await(() -> stats(t, b).pending() == 1, "the call to B to wait for a slot");
      assertThat(a.get(0).get(10, TimeUnit.SECONDS).body()).isEqualTo("a");
      assertThat(a.get(1).get(10, TimeUnit.SECONDS).body()).isEqualTo("a");
      // A's connections went idle: one is closed for B well within the 30 s acquire timeout.
      assertThat(call.get(5, TimeUnit.SECONDS).body()).isEqualTo("b");
      await(() -> leased(t) == 0, "no leased connections");
      assertThat(t.poolStats().stream().mapToInt(p -> p.leased() + p.idle()).sum()).isLessThanOrEqualTo(2);
    }
  }

  // Issue 8 review C: a waiter whose call was cancelled stayed queued until its acquire timeout,
  // and a slot freed meanwhile closed another origin's idle connection to connect for nobody.
  @Test
  void reviewCCancelledWaiterClosesNoConnectionOfAnotherOrigin() throws Exception {
    try (OriginServer b = OriginServer.start()) {
      NettyTransport t = transport(NettyTransportConfig.builder().maxTotal(1).maxPerHost(1).build());
      HaulClient c = patientClient(t);
      server.queue().setFallback(MockResponse.builder().body("a").headersDelay(Duration.ofMillis(300)).build());
      var a = c.sendAsync(Request.get(server.url("/a").toString()), BodyHandlers.ofString());
      await(() -> stats(t, server).leased() == 1, "the only slot leased on origin A");
      b.enqueue(MockResponse.ok("b"));
      var call = c.sendAsync(Request.get(b.url("/b").toString()), BodyHandlers.ofString());
      await(() -> stats(t, b).pending() == 1, "the call to B to wait for a slot");
      call.cancel(true);
      await(() -> stats(t, b).pending() == 0, "the cancelled call to leave the pool's queue");
      assertThat(a.get(10, TimeUnit.SECONDS).body()).isEqualTo("a");
      await(() -> stats(t, server).idle() == 1, "A's connection idle, not closed for the cancelled call");
      assertThat(stats(t, server).closedByReason()).doesNotContainKey("evicted-for-capacity");
      assertThat(b.connectionCount()).isZero();
    }
  }

  // Issue 8 review C: the pool kept one entry per origin ever used, and every release scanned them all.
  @Test
  void reviewCOriginsWithNothingLeftAreForgotten() throws Exception {
    try (OriginServer b = OriginServer.start()) {
      PoolTest.FakeTicker ticker = new PoolTest.FakeTicker();
      NettyTransport t = transport(NettyTransportConfig.builder().ticker(ticker)
          .idleTimeout(Duration.ofSeconds(30)).evictionInterval(Duration.ofMillis(20)).build());
      HaulClient c = client(t, RetryPolicy.none());
      server.enqueue(MockResponse.ok("a"));
      b.enqueue(MockResponse.ok("b"));
      assertThat(c.send(Request.get(server.url("/a").toString()), BodyHandlers.ofString()).body()).isEqualTo("a");
      assertThat(c.send(Request.get(b.url("/b").toString()), BodyHandlers.ofString()).body()).isEqualTo("b");
      await(() -> leased(t) == 0, "both connections released");
      assertThat(t.poolStats()).hasSize(2);
      ticker.set(Duration.ofSeconds(31).toNanos());
      await(() -> t.poolStats().stream().allMatch(p -> p.idle() == 0
          && p.closedByReason().getOrDefault("idle-timeout", 0L) == 1), "idle eviction on both origins");
      // Empty now; their statistics stay for an idle timeout, then the entries go.
      ticker.set(Duration.ofSeconds(62).toNanos());
      await(() -> t.poolStats().isEmpty(), "the empty origins to be forgotten");
      // And an origin used again starts afresh.
      server.enqueue(MockResponse.ok("again"));
      assertThat(c.send(Request.get(server.url("/a").toString()), BodyHandlers.ofString()).body()).isEqualTo("again");
      assertThat(t.poolStats()).hasSize(1);
    }
  }

  // Issue 8 review D: a slot freed by the pool's own clock on origin A (connections past their
  // lifetime on the pool's ticker, retired instead of pooled) wakes B's waiter held back by
  // max-total. (An idle connection on A and a waiter on B never coexist: the waiter closes it at
  // once, as above; so the eviction task itself never finds a waiter to wake, and this is the
  // ticker-driven way a slot comes free.)
  @Test
  void reviewDConnectionsRetiredByThePoolTickerOnOneOriginWakeAWaiterOfAnother() throws Exception {
    try (OriginServer b = OriginServer.start()) {
      PoolTest.FakeTicker ticker = new PoolTest.FakeTicker();
      NettyTransport t = transport(NettyTransportConfig.builder().ticker(ticker).maxTotal(2).maxPerHost(2)
          .maxLifetime(Duration.ofSeconds(10)).evictionInterval(Duration.ofHours(1)).build());
      HaulClient c = patientClient(t);
      var a = twoCallsToA(c, Duration.ofMillis(500));
      await(() -> stats(t, server).leased() == 2, "both slots leased on origin A");
      b.enqueue(MockResponse.ok("b"));
      var call = c.sendAsync(Request.get(b.url("/b").toString()), BodyHandlers.ofString());
      await(() -> stats(t, b).pending() == 1, "the call to B to wait for a slot");
      ticker.set(Duration.ofSeconds(20).toNanos()); // past A's lifetime, jitter included
      assertThat(a.get(0).get(10, TimeUnit.SECONDS).body()).isEqualTo("a");
      assertThat(a.get(1).get(10, TimeUnit.SECONDS).body()).isEqualTo("a");
      assertThat(call.get(5, TimeUnit.SECONDS).body()).isEqualTo("b");
      await(() -> stats(t, server).closedByReason().getOrDefault("lifetime", 0L) == 2, "A's connections retired");
      assertThat(stats(t, server).closedByReason()).doesNotContainKey("evicted-for-capacity");
    }
  }

  // ---- Issue 8 defect 4: nothing read an idle connection (late stray bytes, missed FIN). ----

  @Test
  void defect4StrayBytesInALaterSegmentNeverBecomeTheNextResponse() throws Exception {
    NettyTransport t = transport(NettyTransportConfig.defaults());
    HaulClient c = client(t, RetryPolicy.none());
    MockResponse first = MockResponse.builder().body("a")
        .trailingBytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil".getBytes(StandardCharsets.ISO_8859_1),
            Duration.ofMillis(100))
        .build();
    server.enqueue(first);
    server.enqueue(MockResponse.ok("b"));
    assertThat(c.send(Request.get(server.url("/a").toString()), BodyHandlers.ofString()).body()).isEqualTo("a");
    first.trailingBytesSent().get(5, TimeUnit.SECONDS);
    await(() -> stats(t, server).closedByReason().containsKey("unexpected-data"),
        "the idle connection to be closed on the stray bytes");
    assertThat(c.send(Request.get(server.url("/b").toString()), BodyHandlers.ofString()).body()).isEqualTo("b");
    assertThat(server.requests().get(1).connectionId()).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = NettyTransportConfig.Io.class, names = {"NIO", "EPOLL"})
  void defect4AnIdleFinIsSeenBeforeBorrow(NettyTransportConfig.Io io) {
    assumeTrue(io != NettyTransportConfig.Io.EPOLL || Epoll.isAvailable(), "epoll");
    NettyTransport t = transport(NettyTransportConfig.builder().io(io).build());
    HaulClient c = client(t, RetryPolicy.none());
    server.enqueue(MockResponse.ok("a"));
    server.enqueue(MockResponse.ok("b"));
    assertThat(c.send(Request.get(server.url("/a").toString()), BodyHandlers.ofString()).body()).isEqualTo("a");
    await(() -> stats(t, server).idle() == 1, "an idle connection");
    assertThat(server.closeIdleConnections()).isEqualTo(1);
    await(() -> stats(t, server).idle() == 0 && stats(t, server).closedByReason().containsKey("remote-closed"),
        "the FIN to take the idle connection out of the pool");
    assertThat(c.send(Request.get(server.url("/b").toString()), BodyHandlers.ofString()).body()).isEqualTo("b");
    assertThat(server.connectionCount()).isEqualTo(2);
  }

  // ---- Issue 8 defect 9: only UnknownHostException was handled while connecting; no DNS timeout. ----

  private HaulClient resolverClient(NettyTransport t) {
    return resources.client(Haul.newBuilder().transport(t).retryPolicy(RetryPolicy.none())
        .config(HaulConfig.builder().connectTimeout(Duration.ofMillis(300))
            .timeout(Timeouts.Kind.POOL_ACQUIRE, Duration.ofSeconds(30)).build())
        .build());
  }

  @Test
  void defect9ResolverThatThrowsFailsTypedAndFreesThePoolSlot() throws Exception {
    NettyTransport t = transport(NettyTransportConfig.builder().maxPerHost(1)
        .resolver(host -> {
          throw new IllegalStateException("resolver broken");
        }).build());
    HaulClient c = resolverClient(t);
    String url = "http://broken-resolver.test:" + server.port() + "/";
    // Twice with one slot per host: a leaked slot would make the second call wait for the pool.
    for (int i = 0; i < 2; i++) {
      var call = c.sendAsync(Request.get(url), BodyHandlers.ofString());
      assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(ConnectFailedException.class)
          .hasMessageContaining("resolver")
          .satisfies(e -> assertThat(((HaulException) e).sendState()).isEqualTo(SendState.NOT_SENT));
    }
    PoolStats s = t.poolStats().get(0);
    assertThat(s.leased()).isZero();
    assertThat(s.pending()).isZero();
  }

  @Test
  void defect9ResolverThatNeverAnswersTimesOutWithinTheConnectTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    NettyTransport t = transport(NettyTransportConfig.builder().maxPerHost(1)
        .resolver(host -> {
          try {
            release.await(); // hangs like a resolver whose server never answers
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new java.net.UnknownHostException(host);
        }).build());
    HaulClient c = resolverClient(t);
    String url = "http://hanging-resolver.test:" + server.port() + "/";
    try {
      for (int i = 0; i < 2; i++) {
        var call = c.sendAsync(Request.get(url), BodyHandlers.ofString());
        assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(ConnectTimeoutException.class)
            .satisfies(e -> assertThat(((HaulException) e).sendState()).isEqualTo(SendState.NOT_SENT));
      }
      PoolStats s = t.poolStats().get(0);
      assertThat(s.leased()).isZero();
      assertThat(s.pending()).isZero();
    } finally {
      release.countDown();
    }
  }

  // Issue 8 review A: lookups ran on the unbounded file executor and a timed-out lookup was
  // cancel(true)ed, which a system lookup ignores: every attempt against a hanging resolver kept
  // one more thread for good. Lookups are bounded, shared per host, and fail fast when saturated.
  @Test
  void reviewAHangingResolverHoldsABoundedNumberOfThreads() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    java.util.Set<Thread> resolving = java.util.concurrent.ConcurrentHashMap.newKeySet();
    NettyTransport t = transport(NettyTransportConfig.builder()
        .resolver(host -> {
          resolving.add(Thread.currentThread());
          while (release.getCount() > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L); // deaf to interrupts
          }
          throw new java.net.UnknownHostException(host);
        }).build());
    HaulClient c = resolverClient(t);
    int lookupThreads = dev.haul.transport.netty.internal.Connector.LOOKUP_THREADS;
    try {
      List<CompletableFuture<Response<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        // 100 distinct hosts: more than the lookup threads and their queue can take.
        calls.add(c.sendAsync(Request.get("http://hanging-" + i + ".test:" + server.port() + "/"),
            BodyHandlers.ofString()));
        calls.add(c.sendAsync(Request.get("http://hanging-" + (i + 50) + ".test:" + server.port() + "/"),
            BodyHandlers.ofString()));
      }
      for (int i = 0; i < 20; i++) {
        // The same host again and again shares the lookup already in flight.
        calls.add(c.sendAsync(Request.get("http://hanging-0.test:" + server.port() + "/"), BodyHandlers.ofString()));
      }
      for (CompletableFuture<Response<String>> call : calls) {
        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOfAny(ConnectFailedException.class, ConnectTimeoutException.class)
            .satisfies(e -> assertThat(((HaulException) e).sendState()).isEqualTo(SendState.NOT_SENT));
      }
      assertThat(resolving.stream().filter(Thread::isAlive).count()).isLessThanOrEqualTo(lookupThreads);
      assertThat(Thread.getAllStackTraces().keySet().stream()
          .filter(th -> th.getName().startsWith("haul-dns-")).count())
          .isLessThanOrEqualTo(lookupThreads);
      // Issue 8 review 2: anySatisfy("busy") passed when a single call saturated. How many
      // saturate here depends on how many queued lookups the 300 ms timeouts have freed by then;
      // the exact counts are asserted with long timeouts in Issue8Review2TransportTest
      // (review2SaturatedLookupsFailAsALocalNonTransientConditionWithExactCounts).
      long busy = 0;
      for (CompletableFuture<Response<String>> call : calls) {
        Throwable e = call.handle((r, x) -> x).join();
        if (e instanceof java.util.concurrent.CompletionException) {
          e = e.getCause();
        }
        if (e instanceof HostLookupsBusyException) {
          assertThat(e).hasMessageContaining("host lookups busy (" + lookupThreads + " running, ");
          assertThat(((HaulException) e).isTransient()).isFalse();
          busy++;
        }
      }
      assertThat(busy).isPositive();
      await(() -> leased(t) == 0 && t.poolStats().stream().mapToInt(PoolStats::pending).sum() == 0,
          "no slot held by a failed connect");
    } finally {
      release.countDown();
    }
  }

  // ---- Issue 8 defect 12 (transport parts). ----

  @Test
  void defect12TlsErrorMidResponseKeepsTheTrueSendState() {
    // Every SSLException was mapped NOT_SENT, even after the response had started.
    URI uri = URI.create("https://example.test/");
    HaulException mid = Failures.map(new SSLException("bad record MAC"), uri, SendState.RESPONSE_STARTED, null, null);
    assertThat(mid).isInstanceOf(TlsException.class);
    assertThat(mid.sendState()).isEqualTo(SendState.RESPONSE_STARTED);
    HaulException wrapped = Failures.map(new io.netty.handler.codec.DecoderException(new SSLException("bad record")),
        uri, SendState.SENT_NO_RESPONSE, null, null);
    assertThat(wrapped).isInstanceOf(TlsException.class);
    assertThat(wrapped.sendState()).isEqualTo(SendState.SENT_NO_RESPONSE);
    assertThat(Failures.map(new SSLException("handshake"), uri, SendState.NOT_SENT, null, null).sendState())
        .isEqualTo(SendState.NOT_SENT);
  }

  @Test
  void defect12TlsFailureInTheMiddleOfTheBodyIsNotNotSent() throws Exception {
    try (OriginServer tls = OriginServer.builder().tls().start()) {
      NettyTransport t = transport(NettyTransportConfig.builder().trust(tls.trustedCertificate()).build());
      HaulClient c = client(t, quickRetries());
      tls.enqueue(MockResponse.builder().body(new byte[100_000]).fault(Fault.CORRUPT_TLS_DURING_BODY, 1000).build());
      tls.enqueue(MockResponse.ok("must not be asked for"));
      assertThatThrownBy(() -> c.send(Request.get(tls.url("/tls").toString()), BodyHandlers.ofByteArray()))
          .isInstanceOf(TlsException.class)
          .satisfies(e -> assertThat(((HaulException) e).sendState()).isEqualTo(SendState.RESPONSE_STARTED));
      assertThat(tls.requestCount()).isEqualTo(1);
      await(() -> leased(t) == 0, "the connection to be released");
    }
  }

  /** An endless upload of 64 KiB buffers that records its subscription's cancellation. */
  private static final class RecordingPublisher implements Flow.Publisher<ByteBuffer> {
    final CompletableFuture<Void> cancelled = new CompletableFuture<>();
    final AtomicLong sent = new AtomicLong();

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          for (long i = 0; i < n && !cancelled.isDone(); i++) {
            sent.addAndGet(64 * 1024);
            s.onNext(ByteBuffer.allocate(64 * 1024));
          }
        }

        @Override
        public void cancel() {
          cancelled.complete(null);
        }
      });
    }
  }

  @Test
  void defect12EarlyAnswerCancelsTheUpload() throws Exception {
    // A server that answers 413 as soon as it has the request head, then keeps draining the
    // upload without closing: only the client can stop it.
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread drain = new Thread(() -> {
        try (Socket s = listener.accept()) {
          InputStream in = s.getInputStream();
          byte[] head = new byte[4];
          int matched = 0;
          while (matched < 4) { // read up to the blank line that ends the head
            int b = in.read();
            if (b < 0) {
              return;
            }
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
          }
          s.getOutputStream().write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          byte[] sink = new byte[64 * 1024];
          while (in.read(sink) >= 0) {
            // drain until the client closes
          }
        } catch (java.io.IOException ignored) {
          // the client closed
        }
      }, "early-answer-server");
      drain.setDaemon(true);
      drain.start();
      NettyTransport t = transport(NettyTransportConfig.defaults());
      HaulClient c = client(t, RetryPolicy.none());
      RecordingPublisher upload = new RecordingPublisher();
      long declared = 1L << 40;
      Request post = Request.newBuilder(URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/upload"))
          .POST(RequestBody.ofPublisher(upload, declared, "application/octet-stream")).build();
      Response<String> r = c.sendAsync(post, BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(413);
      upload.cancelled.get(5, TimeUnit.SECONDS);
      await(() -> leased(t) == 0, "the connection to be released");
      assertThat(t.poolStats().get(0).closedByReason()).containsKey("request-body-not-sent");
      drain.join(5000);
      assertThat(drain.isAlive()).as("the client closed the connection").isFalse();
    }
  }

  @Test
  void defect12DecompressionCanBeSwitchedOff() throws Exception {
    NettyTransport t = transport(NettyTransportConfig.from(ConfigSource.fromMap(
        Map.of("haul.transport.decompress", "false"))));
    HaulClient c = client(t, RetryPolicy.none());
    MockResponse gz = MockResponse.builder().body("hello, untouched").gzip().build();
    server.enqueue(gz);
    Response<byte[]> r = c.send(Request.get(server.url("/gz").toString()), BodyHandlers.ofByteArray());
    assertThat(server.takeRequest().header("Accept-Encoding")).isNull();
    assertThat(r.headers().get("Content-Encoding")).isEqualTo("gzip");
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(r.body()))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello, untouched");
    }
  }
}
