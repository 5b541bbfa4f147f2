package dev.haul.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.BodyHandlers;
import dev.haul.ConnectFailedException;
import dev.haul.ConnectTimeoutException;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.HaulException;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.SendState;
import dev.haul.Timeouts;
import dev.haul.spi.EventListener;
import dev.haul.spi.Exchange;
import dev.haul.spi.RawResponse;
import dev.haul.spi.RetryPolicy;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import dev.haul.transport.netty.internal.Connector;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Regression tests for the second review of issue 8's transport work, end to end. */
class Issue8Review2TransportTest {

  private OriginServer server;
  private final TestResources resources = new TestResources();
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger resolving = new AtomicInteger();

  @BeforeEach
  void start() {
    server = OriginServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    resources.close();
    server.close();
  }

  private NettyTransport transport(NettyTransportConfig config) {
    return resources.transport(config);
  }

  private HaulClient client(NettyTransport t, Duration connectTimeout) {
    return resources.client(Haul.newBuilder().transport(t).retryPolicy(RetryPolicy.none())
        .config(HaulConfig.builder().connectTimeout(connectTimeout)
            .timeout(Timeouts.Kind.POOL_ACQUIRE, Duration.ofSeconds(30)).build())
        .build());
  }

  /** Hangs until the test ends, deaf to interrupts like a system lookup. */
  private HostResolver hanging() {
    return host -> {
      resolving.incrementAndGet();
      while (release.getCount() > 0) {
        LockSupport.parkNanos(10_000_000L);
      }
      throw new java.net.UnknownHostException(host);
    };
  }

  private static Timeouts timeouts() {
    Map<Timeouts.Kind, Duration> m = new EnumMap<>(Timeouts.Kind.class);
    for (Timeouts.Kind k : Timeouts.Kind.values()) {
      m.put(k, Duration.ofSeconds(30));
    }
    return Timeouts.of(m);
  }

  private static void assertTypedNotSent(Throwable cause) {
    assertThat(cause).isInstanceOf(HaulException.class);
    assertThat(((HaulException) cause).sendState()).isEqualTo(SendState.NOT_SENT);
  }

  // Issue 8 review 2: closing the transport dropped queued lookups without completing them, and
  // the connect-timeout timers died with the event-loop group: exchanges still resolving a host
  // never completed. Four lookups run (and hang), two are queued; closing completes all six.
  @Test
  void review2CloseCompletesExchangesStillResolving() throws Exception {
    NettyTransport t = transport(NettyTransportConfig.builder().resolver(hanging()).build());
    HaulClient c = client(t, Duration.ofSeconds(60));
    List<CompletableFuture<Response<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(c.sendAsync(Request.get("http://closing-" + i + ".test:" + server.port() + "/"),
          BodyHandlers.ofString()));
    }
    // Every lookup thread hangs, so the other two are queued (or about to be: either way they
    // must complete).
    Issue8TransportTest.await(() -> resolving.get() == Connector.LOOKUP_THREADS, "four hanging lookups");
    t.close();
    for (CompletableFuture<Response<String>> call : calls) {
      assertThatThrownBy(() -> call.get(3, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().satisfies(Issue8Review2TransportTest::assertTypedNotSent);
    }
  }

  // Issue 8 review 2: a saturated lookup pool was a transient ConnectFailedException, so it was
  // retried and counted against a healthy origin by the circuit breaker. It is a local condition:
  // not transient, and the counts in its message are exact.
  @Test
  void review2SaturatedLookupsFailAsALocalNonTransientConditionWithExactCounts() throws Exception {
    NettyTransport t = transport(NettyTransportConfig.builder().resolver(hanging()).build());
    HaulClient c = client(t, Duration.ofSeconds(60));
    int capacity = Connector.LOOKUP_THREADS + Connector.LOOKUP_QUEUE;
    List<CompletableFuture<Response<String>>> calls = new ArrayList<>();
    for (int i = 0; i < capacity + 10; i++) {
      calls.add(c.sendAsync(Request.get("http://busy-" + i + ".test:" + server.port() + "/"),
          BodyHandlers.ofString()));
    }
    int busy = 0;
    for (CompletableFuture<Response<String>> call : calls) {
      try {
        call.get(200, TimeUnit.MILLISECONDS);
        throw new AssertionError("a lookup that hangs answered");
      } catch (java.util.concurrent.TimeoutException stillResolving) {
        continue;
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(ConnectFailedException.class)
            .hasMessageContaining("host lookups busy (" + Connector.LOOKUP_THREADS + " running, "
                + Connector.LOOKUP_QUEUE + " queued)");
        HaulException h = (HaulException) e.getCause();
        assertThat(h.isTransient()).isFalse();
        assertThat(h.sendState()).isEqualTo(SendState.NOT_SENT);
        busy++;
      }
    }
    assertThat(busy).isEqualTo(10);
  }

  // Issue 8 review 2: a waiter in the pool did not remember freshConnection, so a release handed
  // it a reused connection (and the transport skipped its stale retry as the lease was reused).
  @Test
  void review2FreshConnectionIsHonouredForARequestThatWaitsInThePool() throws Exception {
    NettyTransport t = transport(NettyTransportConfig.builder().maxPerHost(1).build());
    HaulClient c = client(t, Duration.ofSeconds(10));
    server.setDispatcher(r -> r.path().equals("/a")
        ? MockResponse.builder().body("a").headersDelay(Duration.ofMillis(300)).build()
        : MockResponse.ok("b"));
    CompletableFuture<Response<String>> a = c.sendAsync(Request.get(server.url("/a").toString()),
        BodyHandlers.ofString());
    Issue8TransportTest.await(() -> server.requestCount() == 1, "A on the wire");
    CompletableFuture<RawResponse> b = t.execute(new Exchange(Request.get(server.url("/b").toString()),
        timeouts(), EventListener.NONE, true));
    assertThat(a.get(10, TimeUnit.SECONDS).body()).isEqualTo("a");
    RawResponse rb = b.get(10, TimeUnit.SECONDS);
    rb.body().close();
    assertThat(server.requests()).extracting(q -> q.path() + "@" + q.connectionId())
        .containsExactly("/a@1", "/b@2");
    // The released connection was closed to make room (one per host), and no slot leaked.
    Issue8TransportTest.await(() -> Issue8TransportTest.leased(t) == 0
        && Issue8TransportTest.stats(t, server).idle() == 1, "connection 2 idle, nothing leased");
  }

  // Issue 8 review 2: one caller giving up on a shared lookup (its own connect timeout) must not
  // take the answer from the others: they still get the address when it comes within theirs.
  @Test
  void review2OneCallersTimeoutLeavesTheOtherCallersOfASharedLookupUnaffected() throws Exception {
    CountDownLatch answer = new CountDownLatch(1);
    AtomicInteger lookups = new AtomicInteger();
    NettyTransport t = transport(NettyTransportConfig.builder().resolver(host -> {
      lookups.incrementAndGet();
      try {
        answer.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return InetAddress.getLoopbackAddress();
    }).build());
    HaulClient impatient = client(t, Duration.ofMillis(200));
    HaulClient patient = client(t, Duration.ofSeconds(30));
    String url = "http://shared.test:" + server.port() + "/";
    server.setDispatcher(r -> MockResponse.ok("ok"));
    CompletableFuture<Response<String>> p1 = patient.sendAsync(Request.get(url), BodyHandlers.ofString());
    CompletableFuture<Response<String>> gaveUp = impatient.sendAsync(Request.get(url), BodyHandlers.ofString());
    CompletableFuture<Response<String>> p2 = patient.sendAsync(Request.get(url), BodyHandlers.ofString());
    assertThatThrownBy(() -> gaveUp.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(ConnectTimeoutException.class);
    answer.countDown();
    assertThat(p1.get(10, TimeUnit.SECONDS).body()).isEqualTo("ok");
    assertThat(p2.get(10, TimeUnit.SECONDS).body()).isEqualTo("ok");
    assertThat(lookups).hasValue(1);
  }

  // Issue 8 review 2: a failed lookup is not remembered; the next connect asks again.
  @Test
  void review2AHostIsLookedUpAgainAfterAFailure() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    NettyTransport t = transport(NettyTransportConfig.builder().resolver(host -> {
      if (lookups.incrementAndGet() == 1) {
        throw new java.net.UnknownHostException(host + " (not yet)");
      }
      return InetAddress.getLoopbackAddress();
    }).build());
    HaulClient c = client(t, Duration.ofSeconds(10));
    server.setDispatcher(r -> MockResponse.ok("ok"));
    String url = "http://flaky.test:" + server.port() + "/";
    assertThatThrownBy(() -> c.send(Request.get(url), BodyHandlers.ofString()))
        .isInstanceOf(ConnectFailedException.class);
    assertThat(c.send(Request.get(url), BodyHandlers.ofString()).body()).isEqualTo("ok");
    assertThat(lookups).hasValue(2);
  }
}
