package dev.haul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.internal.DefaultHaulClient;
import dev.haul.spi.EventListener;
import dev.haul.spi.RawResponse;
import dev.haul.spi.RetryPolicy;
import dev.haul.testing.FakeTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitAndBudgetTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final FakeTransport transport = new FakeTransport();
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

  private final EventListener recorder = new EventListener() {
    @Override
    public void circuitStateChanged(Origin origin, CircuitState from, CircuitState to) {
      events.add(from + "->" + to);
    }

    @Override
    public void retryGaveUp(Request request, int attempts, String reason) {
      events.add("gaveUp " + reason);
    }
  };

  @Test
  void opensAfterConsecutiveFailuresFailsFastAndProbesWhenHalfOpen() {
    HaulConfig config = HaulConfig.builder().circuit(CircuitBreakerSettings.builder().enabled(true)
        .failureRate(0.5).minimumCalls(100)
        .window(Duration.ofSeconds(10)).consecutiveFailures(3).openDuration(Duration.ofSeconds(30)).build()).build();
    try (HaulClient client = Haul.newBuilder().transport(transport).config(config).retryPolicy(RetryPolicy.none())
        .ticker(now::get).addEventListener(recorder).build()) {
      Origin origin = Origin.parse("http://flaky");
      for (int i = 0; i < 3; i++) {
        transport.enqueue(503, "down");
        assertThat(client.send(Request.get("http://flaky/x"), BodyHandlers.ofString()).status()).isEqualTo(503);
      }
      assertThat(((DefaultHaulClient) client).circuitState(origin)).isEqualTo(CircuitState.OPEN);
      assertThatThrownBy(() -> client.send(Request.get("http://flaky/x"), BodyHandlers.ofString()))
          .isInstanceOf(CircuitOpenException.class).hasMessageContaining("next probe in 30s")
          .satisfies(e -> assertThat(((HaulException) e).sendState()).isEqualTo(SendState.NOT_SENT));
      assertThat(transport.exchanges()).hasSize(3);

      now.addAndGet(Duration.ofSeconds(31).toNanos());
      transport.enqueue(503, "still down");
      client.send(Request.get("http://flaky/x"), BodyHandlers.ofString()); // the probe fails: open again
      assertThat(((DefaultHaulClient) client).circuitState(origin)).isEqualTo(CircuitState.OPEN);

      now.addAndGet(Duration.ofSeconds(31).toNanos());
      transport.enqueue(200, "back");
      assertThat(client.send(Request.get("http://flaky/x"), BodyHandlers.ofString()).body()).isEqualTo("back");
      assertThat(((DefaultHaulClient) client).circuitState(origin)).isEqualTo(CircuitState.CLOSED);
      assertThat(events).filteredOn(e -> e.contains("->")).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN",
          "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
      // Other origins are unaffected.
      transport.enqueue(200, "fine");
      assertThat(client.send(Request.get("http://other/x"), BodyHandlers.ofString()).body()).isEqualTo("fine");
    }
  }

  private static final Origin FLAKY = Origin.parse("http://flaky");

  private HaulClient breakerClient() {
    HaulConfig config = HaulConfig.builder().circuit(CircuitBreakerSettings.builder().enabled(true)
        .failureRate(0.5).minimumCalls(100)
        .window(Duration.ofSeconds(10)).consecutiveFailures(3).openDuration(Duration.ofSeconds(30)).build()).build();
    return Haul.newBuilder().transport(transport).config(config).retryPolicy(RetryPolicy.none())
        .ticker(now::get).addEventListener(recorder).build();
  }

  private void openAndWaitOut(HaulClient client) {
    for (int i = 0; i < 3; i++) {
      transport.enqueue(503, "down");
      client.send(Request.get("http://flaky/x"), BodyHandlers.ofString());
    }
    assertThat(((DefaultHaulClient) client).circuitState(FLAKY)).isEqualTo(CircuitState.OPEN);
    now.addAndGet(Duration.ofSeconds(31).toNanos());
  }

  private static RawResponse answer(Request request, int status) {
    return RawResponse.builder().request(request).status(status).build();
  }

  @Test
  void aCancelledProbeDecidesNothing() throws Exception {
    // Issue 8 defect 8: a cancelled call counted as a success, so a killed probe closed the circuit.
    try (HaulClient client = breakerClient()) {
      openAndWaitOut(client);
      CompletableFuture<RawResponse> probe = new CompletableFuture<>();
      transport.enqueue(ex -> probe);
      CompletableFuture<Response<String>> f = client.sendAsync(Request.get("http://flaky/x"), BodyHandlers.ofString());
      assertThat(((DefaultHaulClient) client).circuitState(FLAKY)).isEqualTo(CircuitState.HALF_OPEN);
      f.cancel(true);
      assertThatThrownBy(() -> probe.get(10, TimeUnit.SECONDS)).isInstanceOf(java.util.concurrent.CancellationException.class);
      assertThat(((DefaultHaulClient) client).circuitState(FLAKY)).isEqualTo(CircuitState.HALF_OPEN);
      // The probe slot is free again: the next call is the probe, and its failure reopens.
      transport.enqueue(503, "still down");
      assertThat(client.send(Request.get("http://flaky/x"), BodyHandlers.ofString()).status()).isEqualTo(503);
      assertThat(((DefaultHaulClient) client).circuitState(FLAKY)).isEqualTo(CircuitState.OPEN);
    }
  }

  @Test
  void aProbeStalledPastTheDeadlineReopensTheCircuit() {
    // Issue 8 review: a probe the origin never answered (the request went out, the deadline cut
    // it) counted as nothing, freed the slot, and the next probe waited out its deadline too.
    // It is a failure: the circuit reopens and callers fail fast again.
    try (HaulClient client = breakerClient()) {
      openAndWaitOut(client);
      transport.enqueue(ex -> new CompletableFuture<>());
      Request req = Request.newBuilder("http://flaky/x").callTimeout(Duration.ofMillis(500)).build();
      assertThatThrownBy(() -> client.send(req, BodyHandlers.ofString())).isInstanceOf(DeadlineExceededException.class);
      assertThat(((DefaultHaulClient) client).circuitState(FLAKY)).isEqualTo(CircuitState.OPEN);
      assertThat(events).filteredOn(e -> e.contains("->")).endsWith("OPEN->HALF_OPEN", "HALF_OPEN->OPEN");
      int sent = transport.exchanges().size();
      assertThatThrownBy(() -> client.send(req, BodyHandlers.ofString())).isInstanceOf(CircuitOpenException.class);
      assertThat(transport.exchanges()).hasSize(sent);
    }
  }

  @Test
  void aProbeKilledByTheDeadlineBeforeAnythingWasSentDecidesNothing() {
    // Issue 8 review: a deadline that fires while the probe still waits for a connection says
    // nothing about the origin: the circuit stays half-open and the slot is free again.
    try (HaulClient client = breakerClient()) {
      openAndWaitOut(client);
      transport.enqueue(ex -> {
        ex.listener().poolAcquireStart(ex.request().origin()); // never gets its connection
        return new CompletableFuture<>();
      });
      Request req = Request.newBuilder("http://flaky/x").callTimeout(Duration.ofMillis(500)).build();
      assertThatThrownBy(() -> client.send(req, BodyHandlers.ofString())).isInstanceOf(DeadlineExceededException.class)
          .satisfies(e -> assertThat(((HaulException) e).sendState()).isEqualTo(SendState.NOT_SENT));
      assertThat(((DefaultHaulClient) client).circuitState(FLAKY)).isEqualTo(CircuitState.HALF_OPEN);
      transport.enqueue(200, "back"); // the next call is the probe
      assertThat(client.send(Request.get("http://flaky/x"), BodyHandlers.ofString()).body()).isEqualTo("back");
      assertThat(((DefaultHaulClient) client).circuitState(FLAKY)).isEqualTo(CircuitState.CLOSED);
    }
  }

  @Test
  void anOriginThatNeverAnswersOpensTheCircuitWhenTheDeadlineIsShorterThanTheTimeouts() {
    // Issue 8 review: with a call timeout shorter than the response-headers timeout every stalled
    // attempt ended as a DeadlineExceededException, counted as nothing: the circuit never opened.
    try (HaulClient client = breakerClient()) {
      Request req = Request.newBuilder("http://flaky/x").callTimeout(Duration.ofMillis(500)).build();
      for (int i = 0; i < 3; i++) {
        transport.enqueue(ex -> new CompletableFuture<>());
        assertThatThrownBy(() -> client.send(req, BodyHandlers.ofString())).isInstanceOf(DeadlineExceededException.class);
      }
      assertThat(((DefaultHaulClient) client).circuitState(FLAKY)).isEqualTo(CircuitState.OPEN);
    }
  }

  @Test
  void aResponseHeadersTimeoutCappedByTheDeadlineCountsAsAFailure() {
    // Issue 8 review: the transport's own timeout, capped by the deadline, becomes a
    // DeadlineExceededException; the request was sent and unanswered, so it is a failure.
    try (HaulClient client = breakerClient()) {
      Request req = Request.newBuilder("http://flaky/x").callTimeout(Duration.ofSeconds(5)).build();
      for (int i = 0; i < 3; i++) {
        transport.enqueue(ex -> CompletableFuture.failedFuture(new ResponseHeadersTimeoutException(ex.request().uri(),
            SendState.SENT_NO_RESPONSE, ex.timeouts().get(Timeouts.Kind.RESPONSE_HEADERS), null)));
        assertThatThrownBy(() -> client.send(req, BodyHandlers.ofString())).isInstanceOf(DeadlineExceededException.class);
      }
      assertThat(((DefaultHaulClient) client).circuitState(FLAKY)).isEqualTo(CircuitState.OPEN);
    }
  }

  @Test
  void aCallFromBeforeTheCircuitOpenedIsNotTheProbe() throws Exception {
    // Issue 8 defect 8: in half-open, any call that completed was taken as the probe's result,
    // even one that started while the circuit was still closed.
    try (HaulClient client = breakerClient()) {
      CompletableFuture<RawResponse> old = new CompletableFuture<>();
      transport.enqueue(ex -> old);
      Request stale = Request.get("http://flaky/slow");
      CompletableFuture<Response<String>> staleCall = client.sendAsync(stale, BodyHandlers.ofString());
      openAndWaitOut(client);
      CompletableFuture<RawResponse> probe = new CompletableFuture<>();
      transport.enqueue(ex -> probe);
      Request probeRequest = Request.get("http://flaky/probe");
      CompletableFuture<Response<String>> probeCall = client.sendAsync(probeRequest, BodyHandlers.ofString());
      assertThat(((DefaultHaulClient) client).circuitState(FLAKY)).isEqualTo(CircuitState.HALF_OPEN);

      old.complete(answer(stale, 200)); // the stale call succeeds: not the probe's answer
      assertThat(staleCall.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(((DefaultHaulClient) client).circuitState(FLAKY)).isEqualTo(CircuitState.HALF_OPEN);

      probe.complete(answer(probeRequest, 503)); // the probe's own answer decides
      assertThat(probeCall.get(10, TimeUnit.SECONDS).status()).isEqualTo(503);
      assertThat(((DefaultHaulClient) client).circuitState(FLAKY)).isEqualTo(CircuitState.OPEN);
    }
  }

  @Test
  void halfOpenLetsExactlyOneProbeThroughUnderConcurrency() throws Exception {
    // Issue 8 defect 8: N concurrent calls in half-open, exactly one reaches the transport.
    try (HaulClient client = breakerClient()) {
      openAndWaitOut(client);
      int before = transport.exchanges().size();
      CompletableFuture<RawResponse> probe = new CompletableFuture<>();
      transport.enqueue(ex -> probe);
      int n = 16;
      CyclicBarrier start = new CyclicBarrier(n);
      ExecutorService pool = Executors.newFixedThreadPool(n);
      try {
        List<Future<CompletableFuture<Response<String>>>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          calls.add(pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            return client.sendAsync(Request.get("http://flaky/x"), BodyHandlers.ofString());
          }));
        }
        int rejected = 0;
        CompletableFuture<Response<String>> admitted = null;
        for (Future<CompletableFuture<Response<String>>> c : calls) {
          CompletableFuture<Response<String>> f = c.get(10, TimeUnit.SECONDS);
          try {
            f.get(200, TimeUnit.MILLISECONDS);
          } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(CircuitOpenException.class);
            rejected++;
          } catch (TimeoutException e) {
            assertThat(admitted).as("a second call got through").isNull();
            admitted = f;
          }
        }
        assertThat(rejected).isEqualTo(n - 1);
        assertThat(transport.exchanges()).hasSize(before + 1);
        probe.complete(answer(transport.exchanges().get(before).request(), 200));
        assertThat(admitted.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(((DefaultHaulClient) client).circuitState(FLAKY)).isEqualTo(CircuitState.CLOSED);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void opensOnFailureRateOverTheWindow() {
    HaulConfig config = HaulConfig.builder().circuit(CircuitBreakerSettings.builder().enabled(true)
        .failureRate(0.5).minimumCalls(4)
        .window(Duration.ofSeconds(10)).consecutiveFailures(0).openDuration(Duration.ofSeconds(5)).build()).build();
    try (HaulClient client = Haul.newBuilder().transport(transport).config(config).retryPolicy(RetryPolicy.none())
        .ticker(now::get).addEventListener(recorder).build()) {
      int[] statuses = {200, 500, 200, 502};
      for (int s : statuses) {
        transport.enqueue(s, "x");
        client.send(Request.get("http://svc/x"), BodyHandlers.ofString());
      }
      assertThat(((DefaultHaulClient) client).circuitState(Origin.parse("http://svc"))).isEqualTo(CircuitState.OPEN);
    }
  }

  @Test
  void failuresOutsideTheWindowAreForgotten() {
    HaulConfig config = HaulConfig.builder().circuit(CircuitBreakerSettings.builder().enabled(true)
        .failureRate(0.5).minimumCalls(4)
        .window(Duration.ofSeconds(10)).consecutiveFailures(0).openDuration(Duration.ofSeconds(5)).build()).build();
    try (HaulClient client = Haul.newBuilder().transport(transport).config(config).retryPolicy(RetryPolicy.none())
        .ticker(now::get).build()) {
      for (int s : new int[] {500, 500, 500}) {
        transport.enqueue(s, "x");
        client.send(Request.get("http://svc/x"), BodyHandlers.ofString());
      }
      now.addAndGet(Duration.ofSeconds(20).toNanos());
      transport.enqueue(500, "x");
      client.send(Request.get("http://svc/x"), BodyHandlers.ofString());
      assertThat(((DefaultHaulClient) client).circuitState(Origin.parse("http://svc"))).isEqualTo(CircuitState.CLOSED);
    }
  }

  @Test
  void retryBudgetStopsARetryStorm() {
    RetryPolicy policy = RetryPolicy.builder().settings(RetrySettings.builder().baseDelay(Duration.ZERO).maxDelay(Duration.ZERO).budget(0.2, 0.2).build()).ticker(now::get).build(); // floor: 2 retries per 10 s window
    try (HaulClient client = Haul.newBuilder().transport(transport).retryPolicy(policy)
        .ticker(now::get).addEventListener(recorder).build()) {
      for (int i = 0; i < 10; i++) {
        transport.enqueue(503, "down");
      }
      // 5 calls = 5 requests: budget 2 + 0.2 * 5 = 3 retries in the window.
      int attempts = 0;
      for (int call = 0; call < 5 && transport.exchanges().size() < 10; call++) {
        attempts += client.send(Request.get("http://down/x"), BodyHandlers.ofString()).attempts();
      }
      assertThat(transport.exchanges().size()).isLessThanOrEqualTo(5 + 3);
      assertThat(events).anyMatch(e -> e.contains("retry budget exhausted"));
      assertThat(dev.haul.spi.TestingRetryPolicies.budgetExhaustions(policy)).isPositive();
      assertThat(attempts).isEqualTo(transport.exchanges().size());
    }
  }

  // ---- Issue 8 review 2 ----

  private CircuitState state(HaulClient client) {
    return ((DefaultHaulClient) client).circuitState(FLAKY);
  }

  @Test
  void aProbeFailingWithPoolExhaustedDecidesNothing() {
    // Issue 8 review 2: any non-transient HaulException counted as a success, so a probe that
    // never left the client (the pool exhausted) closed the circuit.
    try (HaulClient client = breakerClient()) {
      openAndWaitOut(client);
      transport.enqueue(ex -> CompletableFuture.failedFuture(
          new PoolExhaustedException("pool full", ex.request().uri(), 4, 0, null)));
      assertThatThrownBy(() -> client.send(Request.get("http://flaky/x"), BodyHandlers.ofString()))
          .isInstanceOf(PoolExhaustedException.class);
      assertThat(state(client)).isEqualTo(CircuitState.HALF_OPEN);
      transport.enqueue(200, "back"); // a real answer is the probe that decides
      assertThat(client.send(Request.get("http://flaky/x"), BodyHandlers.ofString()).body()).isEqualTo("back");
      assertThat(state(client)).isEqualTo(CircuitState.CLOSED);
    }
  }

  @Test
  void aPoolAcquireTimeoutDoesNotResetTheConsecutiveFailures() {
    // Issue 8 review 2: in CLOSED a pool acquire timeout (the origin never contacted) counted as a
    // success and reset the streak of consecutive failures.
    try (HaulClient client = breakerClient()) {
      for (int i = 0; i < 2; i++) {
        transport.enqueue(503, "down");
        client.send(Request.get("http://flaky/x"), BodyHandlers.ofString());
      }
      transport.enqueue(ex -> CompletableFuture.failedFuture(
          new PoolAcquireTimeoutException(ex.request().uri(), Duration.ofSeconds(1), 4, 2)));
      assertThatThrownBy(() -> client.send(Request.get("http://flaky/x"), BodyHandlers.ofString()))
          .isInstanceOf(PoolAcquireTimeoutException.class);
      transport.enqueue(503, "down");
      client.send(Request.get("http://flaky/x"), BodyHandlers.ofString());
      assertThat(state(client)).isEqualTo(CircuitState.OPEN);
    }
  }

  @Test
  void aConnectTimeoutCappedByTheDeadlineCountsAsAFailure() {
    // Issue 8 review 2: with the call timeout at most the connect timeout, an origin that never
    // accepts connections fails every attempt with a capped ConnectTimeoutException, which became
    // a DeadlineExceededException(NOT_SENT) and counted as nothing: the circuit never opened.
    try (HaulClient client = breakerClient()) {
      Request req = Request.newBuilder("http://flaky/x").callTimeout(Duration.ofSeconds(5)).build();
      assertThreeUnsentDeadlinesOpenTheCircuit(client, req, ex -> CompletableFuture.failedFuture(
          new ConnectTimeoutException(ex.request().uri(), SendState.NOT_SENT,
              ex.timeouts().get(Timeouts.Kind.CONNECT), null)));
    }
  }

  @Test
  void aPoolAcquireTimeoutCappedByTheDeadlineStillDecidesNothing() {
    // Issue 8 review 2 (the other side of the capped connect timeout): the capped pool acquire
    // timeout never reached the origin; a half-open probe ending so leaves the circuit half-open.
    try (HaulClient client = breakerClient()) {
      openAndWaitOut(client);
      Request req = Request.newBuilder("http://flaky/x").callTimeout(Duration.ofSeconds(5)).build();
      transport.enqueue(ex -> CompletableFuture.failedFuture(new PoolAcquireTimeoutException(ex.request().uri(),
          ex.timeouts().get(Timeouts.Kind.POOL_ACQUIRE), 4, 2)));
      assertThatThrownBy(() -> client.send(req, BodyHandlers.ofString())).isInstanceOf(DeadlineExceededException.class);
      assertThat(state(client)).isEqualTo(CircuitState.HALF_OPEN);
    }
  }

  @Test
  void aDeadlineThatCutsAConnectCountsAsAFailure() {
    // Issue 8 review 2: when the deadline timer wins while the attempt is still connecting (no
    // connection yet, so NOT_SENT) the attempt counted as nothing: an origin that never accepts
    // connections never opened the circuit.
    try (HaulClient client = breakerClient()) {
      Request req = Request.newBuilder("http://flaky/x").callTimeout(Duration.ofMillis(500)).build();
      assertThreeUnsentDeadlinesOpenTheCircuit(client, req, ex -> {
        ex.listener().poolAcquireStart(ex.request().origin());
        ex.listener().connectStart(ex.request().origin(), new java.net.InetSocketAddress("127.0.0.1", 9));
        return new CompletableFuture<>(); // the connect never completes
      });
    }
  }

  /** Three calls whose attempt ends as {@code attempt} says fail with a NOT_SENT deadline and open the circuit. */
  private void assertThreeUnsentDeadlinesOpenTheCircuit(HaulClient client, Request req,
      java.util.function.Function<dev.haul.spi.Exchange, CompletableFuture<RawResponse>> attempt) {
    for (int i = 0; i < 3; i++) {
      transport.enqueue(attempt);
      assertThatThrownBy(() -> client.send(req, BodyHandlers.ofString())).isInstanceOf(DeadlineExceededException.class)
          .satisfies(e -> assertThat(((HaulException) e).sendState()).isEqualTo(SendState.NOT_SENT));
    }
    assertThat(state(client)).isEqualTo(CircuitState.OPEN);
  }
}
