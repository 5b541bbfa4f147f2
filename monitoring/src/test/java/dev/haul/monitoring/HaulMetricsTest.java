package dev.haul.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.haul.BodyHandlers;
import dev.haul.CircuitState;
import dev.haul.ConnectFailedException;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.Headers;
import dev.haul.Origin;
import dev.haul.Request;
import dev.haul.RetrySettings;
import dev.haul.SendState;
import dev.haul.download.DownloadEvent;
import dev.haul.spi.Call;
import dev.haul.spi.EventListener;
import dev.haul.testing.FakeTransport;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every metric of {@link HaulMetrics} against scripted calls through a real client and a fake transport. */
class HaulMetricsTest {

  private static final String API = "haul.http_api_example_1234.";
  private static final String STORAGE = "haul.http_storage_example_80.";
  private static final HaulConfig FAST_RETRIES = HaulConfig.builder()
      .retry(RetrySettings.builder().baseDelay(Duration.ZERO).maxDelay(Duration.ZERO).build()).build();

  private final MetricRegistry registry = new MetricRegistry();
  private final HaulMetrics metrics = HaulMetrics.create(registry, MonitoringConfig.defaults());
  private final FakeTransport transport = new FakeTransport();
  private HaulClient client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  private HaulClient client(HaulConfig config) {
    client = metrics.installOn(Haul.newBuilder()).config(config).transport(transport).build();
    return client;
  }

  private static Request get(String url) {
    return Request.newBuilder(url).build();
  }

  private long count(String name) {
    var m = registry.getMetrics().get(name);
    assertThat(m).as(name).isNotNull();
    if (m instanceof Counter c) {
      return c.getCount();
    }
    if (m instanceof com.codahale.metrics.Counting c) {
      return c.getCount();
    }
    throw new AssertionError(name + " is a " + m.getClass());
  }

  private Object gauge(String name) {
    assertThat(registry.getGauges()).containsKey(name);
    return registry.getGauges().get(name).getValue();
  }

  @Test
  void aCallCountsOneRequestItsStatusClassItsTimeToHeadersAndItsBodyBytes() {
    transport.enqueue(200, "hello, world");
    client(HaulConfig.defaults()).send(get("http://api.example:1234/v1/models"), BodyHandlers.ofString());

    assertThat(count(API + "requests")).isEqualTo(1);
    assertThat(count(API + "attempts")).isEqualTo(1);
    assertThat(count(API + "time-to-headers")).isEqualTo(1);
    assertThat(count(API + "responses.2xx")).isEqualTo(1);
    assertThat(count(API + "responses.5xx")).isZero();
    assertThat(count(API + "requests-failed")).isZero();
    assertThat(count(API + "bytes-received")).isEqualTo("hello, world".length());
    assertThat(count("haul.requests")).isEqualTo(1);
    assertThat(count("haul.requests-active")).isZero();
    assertThat(registry.timer(API + "requests").getSnapshot().getMax()).isPositive();
  }

  @Test
  void aRetriedCallCountsOneCallTwoAttemptsAndOneRetryByItsStatus() {
    transport.enqueue(503, "busy").enqueue(200, "ok");
    var r = client(FAST_RETRIES).send(get("http://api.example:1234/v1/models"), BodyHandlers.ofString());
    assertThat(r.status()).isEqualTo(200);

    assertThat(count(API + "requests")).isEqualTo(1);
    assertThat(count(API + "attempts")).isEqualTo(2);
    assertThat(count(API + "responses.5xx")).isEqualTo(1);
    assertThat(count(API + "responses.2xx")).isEqualTo(1);
    assertThat(count(API + "retries.status-503")).isEqualTo(1);
    assertThat(count(API + "requests-failed")).as("the call succeeded in the end").isZero();
    assertThat(count(API + "retries-given-up")).isZero();
  }

  @Test
  void aFailedCallCountsItsErrorByTypeAndAFailureRetriedByItsType() {
    ConnectFailedException refused = new ConnectFailedException("refused", URI.create("http://api.example:1234/"),
        SendState.NOT_SENT, null);
    transport.enqueueFailure(refused).enqueueFailure(refused);
    HaulConfig oneRetry = FAST_RETRIES.toBuilder()
        .retry(FAST_RETRIES.retry().toBuilder().maxRetries(1).build()).build();
    assertThatThrownBy(() -> client(oneRetry).send(get("http://api.example:1234/x"), BodyHandlers.ofString()))
        .isInstanceOf(ConnectFailedException.class);

    assertThat(count(API + "requests")).isEqualTo(1);
    assertThat(count(API + "requests-failed")).isEqualTo(1);
    assertThat(count(API + "errors.ConnectFailedException")).isEqualTo(1);
    assertThat(count("haul.errors.ConnectFailedException")).isEqualTo(1);
    assertThat(count(API + "retries.ConnectFailedException")).isEqualTo(1);
    assertThat(count(API + "retries-given-up")).isEqualTo(1);
    assertThat(count("haul.requests-failed")).isEqualTo(1);
  }

  @Test
  void aCancelledCallIsCountedAsCancelledNeitherAsACallNorAsAFailure() {
    EventListener l = callListener("http://api.example:1234/");
    Request r = get("http://api.example:1234/");
    l.callStart(r);
    l.callFailed(r, new java.util.concurrent.CancellationException("cancelled"), Duration.ofMillis(5));
    EventListener closed = callListener("http://api.example:1234/");
    closed.callStart(r);
    closed.callFailed(r, new dev.haul.ClientClosedException(URI.create("http://api.example:1234/"), SendState.NOT_SENT),
        Duration.ofMillis(5));
    assertThat(count(API + "requests-cancelled")).isEqualTo(2);
    assertThat(count("haul.requests-cancelled")).isEqualTo(2);
    assertThat(count(API + "requests")).isZero();
    assertThat(count(API + "requests-failed")).isZero();
    assertThat(count("haul.requests-failed")).isZero();
    assertThat(count("haul.requests-active")).isZero();
    assertThat(registry.getNames()).noneMatch(n -> n.contains("errors."));
  }

  @Test
  void aFinal5xxIsAFailedCallAndAFinal4xxIsNot() {
    transport.enqueue(404, "no").enqueue(500, "boom");
    HaulConfig noRetry = HaulConfig.builder().retry(RetrySettings.builder().maxRetries(0).build()).build();
    client(noRetry).send(get("http://api.example:1234/a"), BodyHandlers.ofString());
    client.send(get("http://api.example:1234/b"), BodyHandlers.ofString());
    assertThat(count(API + "requests")).isEqualTo(2);
    assertThat(count(API + "responses.4xx")).isEqualTo(1);
    assertThat(count(API + "requests-failed")).isEqualTo(1);
  }

  @Test
  void aRedirectIsCountedOnTheOriginThatSentItAndTheCallOnTheOriginItStartedAt() {
    transport.enqueue(302, Headers.of("Location", "http://storage.example/file?X-Amz-Signature=secret"), "")
        .enqueue(200, "file");
    client(HaulConfig.defaults()).send(get("http://api.example:1234/v1/download"), BodyHandlers.ofString());

    assertThat(count(API + "redirects")).isEqualTo(1);
    assertThat(count(API + "requests")).as("the whole call, redirect included").isEqualTo(1);
    assertThat(count(API + "responses.3xx")).isEqualTo(1);
    assertThat(count(STORAGE + "responses.2xx")).isEqualTo(1);
    assertThat(count(STORAGE + "bytes-received")).isEqualTo(4);
    assertThat(count(STORAGE + "requests")).as("no call started there").isZero();
  }

  @Test
  void namesCarryTheOriginOnlyNeverAPathOrAQuery() {
    transport.enqueue(200, "a");
    client(HaulConfig.defaults()).send(get("http://api.example:1234/users/alice/secret-path?token=CANARY123&key=k"),
        BodyHandlers.ofString());
    assertThat(registry.getNames()).isNotEmpty().noneMatch(n -> n.contains("alice") || n.contains("secret")
        || n.contains("CANARY") || n.contains("token") || n.contains("users"));
  }

  @Test
  void originsPastTheCapAreCountedUnderOther() {
    HaulMetrics capped = HaulMetrics.create(registry, MonitoringConfig.builder().maxOrigins(2).build());
    client = capped.installOn(Haul.newBuilder()).transport(transport).build();
    for (String host : List.of("a.example", "b.example", "c.example", "d.example", "a.example")) {
      transport.enqueue(200, "x");
      client.send(get("http://" + host + "/"), BodyHandlers.ofString());
    }
    assertThat(count("haul.http_a_example_80.requests")).isEqualTo(2);
    assertThat(count("haul.http_b_example_80.requests")).isEqualTo(1);
    assertThat(count("haul.other.requests")).isEqualTo(2);
    assertThat(registry.getNames()).noneMatch(n -> n.contains("c_example") || n.contains("d_example"));
  }

  @Test
  void installedAsFactoryAndSharedListenerACallIsCountedOnce() {
    transport.enqueue(200, "x");
    client(HaulConfig.defaults()).send(get("http://api.example:1234/"), BodyHandlers.ofString());
    assertThat(count("haul.requests")).isEqualTo(1);
    assertThat(count(API + "responses.2xx")).isEqualTo(1);
  }

  @Test
  void requestBodyBytesAreCountedAsSent() {
    EventListener l = callListener("http://api.example:1234/upload");
    Request r = get("http://api.example:1234/upload");
    l.requestSent(r, 1234);
    assertThat(count(API + "bytes-sent")).isEqualTo(1234);
  }

  private EventListener callListener(String url) {
    Request request = get(url);
    return metrics.create(new Call() {
      @Override
      public long id() {
        return 1;
      }

      @Override
      public Request request() {
        return request;
      }

      @Override
      public long startNanos() {
        return 0;
      }
    });
  }

  @Test
  void connectionsNewAndReusedGiveTheReuseRatioAndTheAcquireWait() {
    EventListener l = callListener("http://api.example:1234/");
    Origin o = new Origin("http", "api.example", 1234);
    l.poolAcquireEnd(o, false, Duration.ofMillis(3));
    l.poolAcquireEnd(o, true, Duration.ofMillis(1));
    l.poolAcquireEnd(o, true, Duration.ofMillis(1));
    l.poolAcquireEnd(o, true, Duration.ZERO);
    assertThat(count(API + "connections.new")).isEqualTo(1);
    assertThat(count(API + "connections.reused")).isEqualTo(3);
    assertThat((Double) gauge(API + "connections.reuse-ratio")).isEqualTo(0.75);
    Timer wait = registry.timer(API + "pool.acquire-wait");
    assertThat(wait.getCount()).isEqualTo(4);
    assertThat(wait.getSnapshot().getMax()).isEqualTo(Duration.ofMillis(3).toNanos());
  }

  @Test
  void poolGaugesComeFromTheTransportsPoolStatistics() {
    transport.enqueue(200, "x").enqueue(200, "y");
    client(HaulConfig.defaults());
    client.send(get("http://fake/"), BodyHandlers.ofString());
    client.send(get("http://fake/"), BodyHandlers.ofString());
    metrics.refreshPools(client); // FakeTransport reports created = exchanges so far, closed none
    assertThat(gauge("haul.http_fake_80.connections.created")).isEqualTo(2L);
    assertThat(gauge("haul.http_fake_80.pool.leased")).isEqualTo(0);
    assertThat(gauge("haul.http_fake_80.pool.idle")).isEqualTo(0);
    assertThat(gauge("haul.http_fake_80.pool.pending")).isEqualTo(0);
  }

  @Test
  void closedConnectionsAreCountedByReason() {
    HaulClient withPools = new PoolingClient(List.of(new dev.haul.spi.PoolStats(new Origin("http", "api.example", 1234),
        3, 2, 1, 9, java.util.Map.of("idle", 4L, "error", 2L))));
    metrics.refreshPools(withPools);
    assertThat(gauge(API + "pool.leased")).isEqualTo(3);
    assertThat(gauge(API + "pool.idle")).isEqualTo(2);
    assertThat(gauge(API + "pool.pending")).isEqualTo(1);
    assertThat(gauge(API + "connections.created")).isEqualTo(9L);
    assertThat(gauge(API + "connections.closed.idle")).isEqualTo(4L);
    assertThat(gauge(API + "connections.closed.error")).isEqualTo(2L);
  }

  @Test
  void circuitStateAndRetryBudgetExhaustionAndStaleConnectionRetries() {
    EventListener l = callListener("http://api.example:1234/");
    Origin o = new Origin("http", "api.example", 1234);
    Request r = get("http://api.example:1234/");
    l.callStart(r);
    assertThat(gauge(API + "circuit-state")).isEqualTo(0);
    l.circuitStateChanged(o, CircuitState.CLOSED, CircuitState.OPEN);
    assertThat(gauge(API + "circuit-state")).isEqualTo(1);
    l.circuitStateChanged(o, CircuitState.OPEN, CircuitState.HALF_OPEN);
    assertThat(gauge(API + "circuit-state")).isEqualTo(2);
    l.retryGaveUp(r, 2, "retry budget exhausted for http://api.example:1234 (haul.retry.budget-ratio); status 503");
    l.retryGaveUp(r, 4, "gave up after 4 attempts (limit: haul.retry.max-retries = 3)");
    assertThat(count(API + "retries-given-up")).isEqualTo(2);
    assertThat(count(API + "retry-budget-exhausted")).isEqualTo(1);
    l.staleConnectionRetry(r, new ConnectFailedException("stale", URI.create("http://api.example:1234/"), SendState.NOT_SENT, null));
    assertThat(count(API + "stale-connection-retries")).isEqualTo(1);
  }

  @Test
  void aRetryBudgetOfZeroIsCountedAsExhausted() {
    transport.enqueue(503, "busy");
    HaulConfig noBudget = HaulConfig.builder().retry(RetrySettings.builder().baseDelay(Duration.ZERO)
        .maxDelay(Duration.ZERO).budget(0.0, 0.0).build()).build();
    var r = client(noBudget).send(get("http://api.example:1234/"), BodyHandlers.ofString());
    assertThat(r.status()).isEqualTo(503);
    assertThat(count(API + "retry-budget-exhausted")).isEqualTo(1);
    assertThat(count(API + "retries-given-up")).isEqualTo(1);
  }

  @Test
  void cacheEventsCountHitsMissesAndTheStoresSize() {
    EventListener l = callListener("http://api.example:1234/");
    Request r = get("http://api.example:1234/");
    assertThat(metrics.engine().cache().installed()).isFalse();
    l.cacheMiss(r);
    l.cacheStored(r, 1000);
    l.cacheHit(r, null);
    l.cacheHit(r, null);
    l.cacheConditionalHit(r, null);
    l.cacheStaleServed(r, null, "stale-if-error");
    metrics.cacheEvicted(URI.create("http://api.example:1234/"), 400, "size"); // no call: the shared listener
    assertThat(metrics.engine().cache().installed()).isTrue();
    assertThat(count("haul.cache.misses")).isEqualTo(1);
    assertThat(count("haul.cache.hits")).isEqualTo(2);
    assertThat(count("haul.cache.conditional-hits")).isEqualTo(1);
    assertThat(count("haul.cache.stale-served")).isEqualTo(1);
    assertThat(count("haul.cache.stores")).isEqualTo(1);
    assertThat(count("haul.cache.evictions")).isEqualTo(1);
    assertThat(gauge("haul.cache.size-bytes")).isEqualTo(600L);
  }

  /** The download module's own event records, read without a compile-time dependency on them. */
  @Test
  void downloadEventsFromTheDownloadModuleAreCounted() {
    metrics.moduleEvent(new DownloadEvent.Started("7", 1000, 0, 2));
    metrics.moduleEvent(new DownloadEvent.SegmentStarted("7", 0, 500, false));
    metrics.moduleEvent(new DownloadEvent.SegmentStarted("7", 500, 1000, false));
    metrics.moduleEvent(new DownloadEvent.Progress("7", 1000, 300, 0, 2, 150.0));
    assertThat(gauge("haul.downloads.active")).isEqualTo(1);
    assertThat(count("haul.downloads.segments-active")).isEqualTo(2);
    assertThat(count("haul.downloads.bytes")).isEqualTo(300);
    assertThat(gauge("haul.downloads.rate")).isEqualTo(150.0);
    var view = metrics.engine().downloads().active().get(0);
    assertThat(view.id()).isEqualTo("7");
    assertThat(view.received()).isEqualTo(300);
    assertThat(view.total()).isEqualTo(1000);
    assertThat(view.etaSeconds()).isEqualTo(4); // 700 bytes at 150/s

    metrics.moduleEvent(new DownloadEvent.SegmentFailed("7", 500, 1000, 100, "ReadIdleTimeoutException"));
    metrics.moduleEvent(new DownloadEvent.Restarted("7", "validator changed", 1));
    metrics.moduleEvent(new DownloadEvent.Progress("7", 1000, 200, 0, 1, 100.0));
    assertThat(count("haul.downloads.bytes")).as("after a restart, bytes count from zero again").isEqualTo(500);
    metrics.moduleEvent(new DownloadEvent.SegmentFinished("7", 0, 500, 500));
    metrics.moduleEvent(new DownloadEvent.Completed("7", 1000, 1234));
    assertThat(gauge("haul.downloads.active")).isEqualTo(0);
    assertThat(count("haul.downloads.segments-active")).isZero();
    assertThat(count("haul.downloads.segments-failed")).isEqualTo(1);
    assertThat(count("haul.downloads.restarts")).isEqualTo(1);
    assertThat(count("haul.downloads.completed")).isEqualTo(1);
    assertThat(count("haul.downloads.bytes")).as("the last 800 bytes, counted at completion").isEqualTo(1300);
    assertThat(metrics.engine().downloads().finished()).singleElement()
        .satisfies(d -> assertThat(d.state()).isEqualTo("completed"));
  }

  @Test
  void aResumedDownloadCountsAResumeAndOnlyTheBytesItFetched() {
    metrics.moduleEvent(new DownloadEvent.Started("9", 1000, 600, 1));
    metrics.moduleEvent(new DownloadEvent.Progress("9", 1000, 700, 600, 1, 10));
    metrics.moduleEvent(new DownloadEvent.Failed("9", 800, "DiskFullException"));
    assertThat(count("haul.downloads.resumes")).isEqualTo(1);
    assertThat(count("haul.downloads.failed")).isEqualTo(1);
    assertThat(count("haul.downloads.bytes")).isEqualTo(200);
    assertThat(metrics.engine().downloads().finished()).singleElement()
        .satisfies(d -> assertThat(d.failure()).isEqualTo("DiskFullException"));
  }

  @Test
  void aCancelledDownloadEndsWithoutCountingAsFailed() {
    metrics.moduleEvent(new DownloadEvent.Started("4", 1000, 0, 1));
    metrics.moduleEvent(new DownloadEvent.Cancelled("4", 100));
    assertThat(gauge("haul.downloads.active")).isEqualTo(0);
    assertThat(count("haul.downloads.cancelled")).isEqualTo(1);
    assertThat(count("haul.downloads.failed")).isZero();
    assertThat(count("haul.downloads.bytes")).isEqualTo(100);
    assertThat(metrics.engine().downloads().finished()).singleElement()
        .satisfies(d -> assertThat(d.state()).isEqualTo("cancelled"));
  }

  @Test
  void eventsOfOtherModulesAreIgnored() {
    metrics.moduleEvent(() -> "cache");
    metrics.moduleEvent(new Foreign("download")); // no downloadId
    assertThat(count("haul.downloads.started")).isZero();
    assertThat(metrics.engine().downloads().seen()).isFalse();
  }

  record Foreign(String module) implements dev.haul.spi.HaulEvent {}

  @Test
  void theJvmsHeapDirectBuffersAndGcAreInTheRegistry() {
    assertThat((Long) gauge("jvm.memory.heap.used")).isPositive();
    assertThat(registry.getGauges()).containsKey("jvm.buffers.direct.used");
    assertThat(registry.getNames()).anyMatch(n -> n.startsWith("jvm.gc.") && n.endsWith(".count"));
  }

  @Test
  void aSecondSinkOnTheSameRegistryAddsToTheSameMetrics() {
    HaulMetrics again = HaulMetrics.create(registry, MonitoringConfig.defaults());
    transport.enqueue(200, "x").enqueue(200, "y");
    client(HaulConfig.defaults()).send(get("http://api.example:1234/"), BodyHandlers.ofString());
    try (HaulClient other = again.installOn(Haul.newBuilder()).transport(transport).build()) {
      other.send(get("http://api.example:1234/"), BodyHandlers.ofString());
    }
    assertThat(count(API + "requests")).isEqualTo(2);
  }

  /** Many threads, many calls: every event counted, none lost (LongAdder meters, lock-free reservoirs). */
  @Test
  void concurrentCallsAreCountedExactly() throws Exception {
    int threads = 8;
    int calls = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    Origin o = new Origin("http", "api.example", 1234);
    for (int t = 0; t < threads; t++) {
      done.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < calls; i++) {
          EventListener l = callListener("http://api.example:1234/");
          Request r = get("http://api.example:1234/");
          l.callStart(r);
          l.requestStart(r);
          l.poolAcquireEnd(o, i % 2 == 0, Duration.ZERO);
          l.responseBodyEnd(r, 10);
          l.callFailed(r, new IllegalStateException("x"), Duration.ofMillis(1));
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    long total = (long) threads * calls;
    assertThat(count(API + "requests")).isEqualTo(total);
    assertThat(count(API + "attempts")).isEqualTo(total);
    assertThat(count(API + "bytes-received")).isEqualTo(total * 10);
    assertThat(count(API + "connections.reused") + count(API + "connections.new")).isEqualTo(total);
    assertThat(count(API + "errors.IllegalStateException")).isEqualTo(total);
    assertThat(count("haul.requests-active")).isZero();
  }

  /** A client whose only job is to report pool statistics. */
  private static final class PoolingClient implements HaulClient {
    private final List<dev.haul.spi.PoolStats> stats;

    PoolingClient(List<dev.haul.spi.PoolStats> stats) {
      this.stats = stats;
    }

    @Override
    public <T> dev.haul.Response<T> send(Request request, dev.haul.BodyHandler<T> handler) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <T> java.util.concurrent.CompletableFuture<dev.haul.Response<T>> sendAsync(Request request,
        dev.haul.BodyHandler<T> handler) {
      throw new UnsupportedOperationException();
    }

    @Override
    public HaulConfig config() {
      return HaulConfig.defaults();
    }

    @Override
    public List<dev.haul.spi.PoolStats> poolStats() {
      return stats;
    }

    @Override
    public EventListener events() {
      return EventListener.NONE;
    }

    @Override
    public void close() {}
  }

}
