package dev.haul.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.benchmarks.clients.RawNettyBench;
import dev.haul.testkit.OriginServer;
import dev.haul.testkit.StaticContent;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The two load models with fake clients: how many requests are outstanding, counted and failed. */
class LoadRunnerTest {

  private static final URI URL = URI.create("http://127.0.0.1:1/x");

  /** A client whose asynchronous requests complete only when the test says so. */
  static class ManualAsync implements BenchClient {
    final LinkedBlockingQueue<CompletableFuture<Long>> pending = new LinkedBlockingQueue<>();
    final AtomicInteger outstanding = new AtomicInteger();
    final AtomicInteger maxOutstanding = new AtomicInteger();
    final AtomicLong started = new AtomicLong();

    @Override
    public String name() {
      return "manual";
    }

    @Override
    public void start(int concurrency) {}

    @Override
    public Optional<String> unsupported(LoadModel model) {
      return Optional.empty();
    }

    @Override
    public long get(URI uri) throws Exception {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Long> getAsync(URI uri) {
      started.incrementAndGet();
      maxOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
      CompletableFuture<Long> f = new CompletableFuture<>();
      pending.add(f);
      return f;
    }

    /** Completes {@code f} on this thread (it is no longer outstanding when its lane starts the next). */
    void finish(CompletableFuture<Long> f, long bytes) {
      outstanding.decrementAndGet();
      f.complete(bytes);
    }

    @Override
    public long download(URI uri, Path file) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }

  @Test
  void inFlightKeepsExactlyNRequestsOutstandingUntilTheLanesRunOut() throws Exception {
    int n = 8;
    int total = 96; // 12 per lane: every lane has one to start until the last round has started
    ManualAsync client = new ManualAsync();
    try (LoadRunner runner = new LoadRunner(client, URL, LoadModel.INFLIGHT, n)) {
      CompletableFuture<LoadRunner.Phase> phase = CompletableFuture.supplyAsync(() -> {
        try {
          return runner.run(total);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (client.started.get() < n && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertThat(client.started.get()).as("every lane's first request").isEqualTo(n);
      for (int done = 0; done < total; done++) {
        CompletableFuture<Long> f = client.pending.poll(30, TimeUnit.SECONDS);
        assertThat(f).as("request %d started", done).isNotNull();
        if (client.started.get() < total) {
          // Until every request has started, each completion has started the next one at once.
          assertThat(client.outstanding.get()).as("after %d completions", done).isEqualTo(n);
        }
        client.finish(f, 10L); // on this thread, which starts the lane's next request
      }
      LoadRunner.Phase p = phase.get(30, TimeUnit.SECONDS);
      assertThat(p.requests()).isEqualTo(total);
      assertThat(p.bytes()).isEqualTo(10L * total);
      assertThat(p.errors()).isZero();
      assertThat(client.started.get()).isEqualTo(total);
      assertThat(client.maxOutstanding.get()).isEqualTo(n);
      assertThat(client.outstanding.get()).isZero();
      assertThat(client.pending).isEmpty();
    }
  }

  @Test
  void againstARealOriginInFlightHoldsNConnectionsAndBlockingAtMostN() throws Exception {
    int n = 8;
    try (OriginServer server = OriginServer.builder()
        .dispatcher(StaticContent.create().add("/f", new byte[100], "application/octet-stream")).start()) {
      for (LoadModel model : LoadModel.values()) {
        try (RawNettyBench client = new RawNettyBench()) {
          client.start(n);
          int before = server.connectionCount();
          try (LoadRunner runner = new LoadRunner(client, server.url("/f"), model, n)) {
            LoadRunner.Phase p = runner.run(400);
            assertThat(p.requests()).isEqualTo(400);
            assertThat(p.bytes()).isEqualTo(400 * 100);
            assertThat(p.errors()).isZero();
          }
          if (model == LoadModel.INFLIGHT) {
            // N requests at once from the start, each on its own connection, and never more.
            assertThat(client.connectionsOpened()).as(model.id()).isEqualTo(n);
          } else {
            assertThat(client.connectionsOpened()).as(model.id()).isBetween(1L, (long) n);
          }
          assertThat(server.connectionCount() - before).isEqualTo((int) client.connectionsOpened());
        }
      }
    }
  }

  @Test
  void inFlightLoopsOverRequestsThatCompleteAtOnceWithoutGrowingTheStack() throws Exception {
    BenchClient instant = new ManualAsync() {
      @Override
      public CompletableFuture<Long> getAsync(URI uri) {
        return CompletableFuture.completedFuture(1L);
      }
    };
    try (LoadRunner runner = new LoadRunner(instant, URL, LoadModel.INFLIGHT, 2)) {
      LoadRunner.Phase p = runner.run(300_001); // lanes of 150 001 and 150 000
      assertThat(p.requests()).isEqualTo(300_001);
      assertThat(p.bytes()).isEqualTo(300_001);
    }
  }

  @Test
  void inFlightCountsFailuresApartAndGivesUpAfterTooMany() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    BenchClient everyThirdFails = new ManualAsync() {
      @Override
      public CompletableFuture<Long> getAsync(URI uri) {
        return calls.incrementAndGet() % 3 == 0 ? CompletableFuture.failedFuture(new IOException("boom"))
            : CompletableFuture.supplyAsync(() -> 5L);
      }
    };
    try (LoadRunner runner = new LoadRunner(everyThirdFails, URL, LoadModel.INFLIGHT, 4)) {
      LoadRunner.Phase p = runner.run(200);
      assertThat(p.requests()).isEqualTo(200);
      assertThat(p.bytes()).isEqualTo(1000);
      assertThat(p.errors()).isEqualTo(calls.get() - 200).isPositive();
    }
    BenchClient alwaysFails = new ManualAsync() {
      @Override
      public CompletableFuture<Long> getAsync(URI uri) {
        return CompletableFuture.failedFuture(new IOException("down"));
      }
    };
    try (LoadRunner runner = new LoadRunner(alwaysFails, URL, LoadModel.INFLIGHT, 2)) {
      assertThatThrownBy(() -> runner.run(10)).hasMessageContaining("too many errors");
    }
  }

  @Test
  void blockingRunsNCallerThreadsAtOnceAndExactlyTheRequestsAsked() throws Exception {
    int n = 6;
    CountDownLatch allIn = new CountDownLatch(n);
    Set<Thread> callers = ConcurrentHashMap.newKeySet();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    AtomicLong calls = new AtomicLong();
    BenchClient blocking = new ManualAsync() {
      @Override
      public long get(URI uri) throws Exception {
        calls.incrementAndGet();
        callers.add(Thread.currentThread());
        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
        try {
          if (allIn.getCount() > 0) {
            allIn.countDown();
            // Each caller's first call waits for the others: N callers are blocked at once.
            assertThat(allIn.await(30, TimeUnit.SECONDS)).isTrue();
          }
          return 3;
        } finally {
          inside.decrementAndGet();
        }
      }
    };
    try (LoadRunner runner = new LoadRunner(blocking, URL, LoadModel.BLOCKING, n)) {
      LoadRunner.Phase p = runner.run(1001);
      assertThat(p.requests()).isEqualTo(1001);
      assertThat(p.bytes()).isEqualTo(3003);
      assertThat(calls.get()).isEqualTo(1001);
      assertThat(maxInside.get()).isEqualTo(n);
      assertThat(callers).hasSize(n);
      // The same caller threads serve the next phase (their allocation is counted across phases).
      runner.run(60);
      assertThat(callers).hasSize(n);
    }
  }

  @Test
  void aPhaseNeedsARequestPerLane() {
    try (LoadRunner runner = new LoadRunner(new ManualAsync(), URL, LoadModel.INFLIGHT, 4)) {
      assertThatThrownBy(() -> runner.run(3)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void settledMeansTwoWindowsWithinTheTolerance() {
    assertThat(LoadRunner.settled(100, 104.9, 0.05)).isTrue();
    assertThat(LoadRunner.settled(104.9, 100, 0.05)).isTrue();
    assertThat(LoadRunner.settled(100, 106, 0.05)).isFalse();
    assertThat(LoadRunner.settled(Double.NaN, 100, 0.05)).isFalse();
    assertThat(LoadRunner.settled(0, 0, 0.05)).isFalse();
  }

  @Test
  void warmUpRunsAtLeastTheMinimumAndStopsAtTheMaximumWhenItNeverSettles() throws Exception {
    BenchClient instant = new ManualAsync() {
      @Override
      public CompletableFuture<Long> getAsync(URI uri) {
        return CompletableFuture.completedFuture(1L);
      }
    };
    try (LoadRunner runner = new LoadRunner(instant, URL, LoadModel.INFLIGHT, 2)) {
      // Any two windows are within 100 %: settles as soon as the minimum is reached.
      LoadRunner.Warmup w = runner.warmUp(2_000, 500, 1.0, 100_000);
      assertThat(w.settled()).isTrue();
      assertThat(w.requests()).isEqualTo(2_000);
      assertThat(w.windowRates()).hasSize(4);
      // A negative tolerance is never met: stops at the maximum.
      LoadRunner.Warmup never = runner.warmUp(1_000, 500, -1, 3_000);
      assertThat(never.settled()).isFalse();
      assertThat(never.requests()).isEqualTo(3_000);
    }
  }
}
