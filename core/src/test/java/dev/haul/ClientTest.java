package dev.haul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.spi.EventListener;
import dev.haul.spi.Interceptor;
import dev.haul.spi.RawResponse;
import dev.haul.spi.RetryPolicy;
import dev.haul.testing.FakeTransport;
import dev.haul.testing.RecordingEventListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientTest {

  private final FakeTransport transport = new FakeTransport();
  private final RecordingEventListener events = new RecordingEventListener();
  private final List<String> order = Collections.synchronizedList(new ArrayList<>());
  private HaulClient client;

  private static final RetryPolicy FAST = RetryPolicy.builder().settings(RetrySettings.builder().baseDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(5)).build()).build();

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
      assertThat(transport.isClosed()).isTrue();
    }
  }

  private Interceptor named(String name) {
    return chain -> {
      order.add(name + ">");
      return chain.proceed(chain.request()).thenApply(r -> {
        order.add("<" + name);
        return r;
      });
    };
  }

  @Test
  void interceptorsRunInTheFixedOrderAndSeeDefaultHeaders() {
    client = Haul.newBuilder().transport(transport).retryPolicy(FAST)
        .addInterceptor(named("app1")).addInterceptor(named("app2"))
        .addNetworkInterceptor(chain -> {
          order.add("net> UA=" + chain.request().headers().get("User-Agent"));
          return chain.proceed(chain.request());
        })
        .addEventListener(events)
        .build();
    transport.enqueue(200, "hello");
    Response<String> r = client.send(Request.get("http://api.test/x"), BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("hello");
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(order).containsExactly("app1>", "app2>", "net> UA=haul/0.1.0", "<app2", "<app1");
    assertThat(events.events()).containsExactly("callStart", "requestStart", "responseHeaders 200", "callEnd 200");
  }

  @Test
  void emptyUserAgentSettingSendsNoUserAgent() {
    // Issue 8 defect 12: User-Agent could not be left out.
    client = Haul.newBuilder().transport(transport).config(HaulConfig.builder().userAgent("").build()).build();
    transport.enqueue(200, "a").enqueue(200, "b");
    client.send(Request.get("http://h/"), BodyHandlers.ofString());
    assertThat(transport.exchanges().get(0).request().headers().contains("User-Agent")).isFalse();
    // A caller's own header still goes out.
    client.send(Request.newBuilder("http://h/").header("User-Agent", "mine/1").build(), BodyHandlers.ofString());
    assertThat(transport.exchanges().get(1).request().headers().get("User-Agent")).isEqualTo("mine/1");
  }

  @Test
  void interruptedSendReportsHowFarTheCallGot() throws Exception {
    // Issue 8 defect 12: the interrupt path claimed SENT_NO_RESPONSE even when nothing was sent
    // (here the call is still in the application interceptor, before any attempt).
    CompletableFuture<RawResponse> never = new CompletableFuture<>();
    client = Haul.newBuilder().transport(transport).addInterceptor(chain -> never).build();
    java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        client.send(Request.get("http://h/"), BodyHandlers.ofString());
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    t.start();
    t.interrupt();
    t.join(10_000);
    assertThat(thrown.get()).isInstanceOf(CallCancelledException.class);
    assertThat(((HaulException) thrown.get()).sendState()).isEqualTo(SendState.NOT_SENT);
    assertThat(transport.exchanges()).isEmpty();
  }

  @Test
  void networkInterceptorMustProceedExactlyOnce() {
    client = Haul.newBuilder().transport(transport).retryPolicy(RetryPolicy.none())
        .addNetworkInterceptor(chain -> {
          chain.proceed(chain.request());
          return chain.proceed(chain.request());
        }).build();
    transport.enqueue(200, "a").enqueue(200, "b");
    assertThatThrownBy(() -> client.send(Request.get("http://h/"), BodyHandlers.ofString()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly once");
    assertThat(transport.exchanges()).hasSize(1);
    // Issue 8 defect 11: this used to assert that the first response stays open (leaked until the
    // GC-based leak check); its body, and with it the connection, must be released at once.
    assertThat(transport.bodies().get(0).isClosed()).isTrue();
  }

  @Test
  void networkInterceptorThatSwallowsTheSecondProceedFailureStillReleasesTheFirstResponse() {
    // Issue 8 defect 11: the interceptor catches the refusal and answers with a response of its
    // own; the chain fails the call and closes the response the transport gave the first proceed.
    client = Haul.newBuilder().transport(transport).retryPolicy(RetryPolicy.none())
        .addNetworkInterceptor(chain -> {
          CompletableFuture<RawResponse> first = chain.proceed(chain.request());
          try {
            return chain.proceed(chain.request());
          } catch (IllegalStateException e) {
            return first.thenApply(r -> RawResponse.builder().request(r.request()).status(299).build());
          }
        }).build();
    transport.enqueue(200, "a");
    assertThatThrownBy(() -> client.send(Request.get("http://h/"), BodyHandlers.ofString()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("called 2 times");
    assertThat(transport.bodies().get(0).isClosed()).isTrue();
  }

  @Test
  void networkInterceptorThatShortCircuitsIsRejected() {
    client = Haul.newBuilder().transport(transport)
        .addNetworkInterceptor(chain -> CompletableFuture.completedFuture(RawResponse.builder()
            .request(chain.request()).status(200).build()))
        .build();
    assertThatThrownBy(() -> client.send(Request.get("http://h/"), BodyHandlers.ofString()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("called 0 times");
    assertThat(transport.exchanges()).isEmpty();
  }

  @Test
  void networkInterceptorMayNotChangeTheOrigin() {
    client = Haul.newBuilder().transport(transport)
        .addNetworkInterceptor(chain -> chain.proceed(Request.get("http://elsewhere/")))
        .build();
    assertThatThrownBy(() -> client.send(Request.get("http://h/"), BodyHandlers.ofString()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("origin");
  }

  @Test
  void applicationInterceptorMayShortCircuit() {
    client = Haul.newBuilder().transport(transport)
        .addInterceptor(chain -> CompletableFuture.completedFuture(RawResponse.builder()
            .request(chain.request()).status(204).build()))
        .build();
    assertThat(client.send(Request.get("http://h/"), BodyHandlers.discarding()).status()).isEqualTo(204);
    assertThat(transport.exchanges()).isEmpty();
  }

  @Test
  void throwingListenerNeverBreaksTheCallAndOthersStillHearEvents() {
    EventListener bad = new EventListener() {
      @Override
      public void callStart(Request request) {
        throw new IllegalStateException("boom");
      }

      @Override
      public void responseHeaders(Request request, ResponseInfo response) {
        throw new OutOfMemoryError("not really");
      }
    };
    client = Haul.newBuilder().transport(transport).addEventListener(bad).addEventListener(events).build();
    transport.enqueue(200, "ok").enqueue(200, "ok");
    assertThat(client.send(Request.get("http://h/"), BodyHandlers.ofString()).body()).isEqualTo("ok");
    assertThat(client.send(Request.get("http://h/"), BodyHandlers.ofString()).body()).isEqualTo("ok");
    assertThat(events.events()).filteredOn(e -> e.equals("callEnd 200")).hasSize(2);
  }

  @Test
  void notSentFailureIsRetriedAndDroppedBodiesAreClosed() {
    client = Haul.newBuilder().transport(transport).retryPolicy(FAST).addEventListener(events).build();
    transport.enqueueFailure(new ConnectFailedException("refused", null, SendState.NOT_SENT, null))
        .enqueue(503, "busy")
        .enqueue(200, "done");
    Response<String> r = client.send(Request.newBuilder("http://h/").POST(
        RequestBody.ofString("{}", "application/json")).build(), BodyHandlers.ofString());
    // POST is not repeatable: NOT_SENT retried, 503 is returned as it is.
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(events.events()).contains("attemptFailed ConnectFailedException", "retryScheduled 1", "retryGaveUp 2");

    Response<String> g = client.send(Request.get("http://h/"), BodyHandlers.ofString());
    assertThat(g.status()).isEqualTo(200);
    assertThat(transport.bodies()).hasSize(2);
  }

  @Test
  void retriedStatusClosesTheDroppedBody() {
    client = Haul.newBuilder().transport(transport).retryPolicy(FAST).build();
    transport.enqueue(503, "busy").enqueue(200, "done");
    Response<String> r = client.send(Request.get("http://h/"), BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("done");
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(transport.bodies().get(0).isClosed()).isTrue();
  }

  @Test
  void sentButUnansweredPostIsNotRetried() {
    client = Haul.newBuilder().transport(transport).retryPolicy(FAST).build();
    transport.enqueueFailure(new ConnectionClosedException("closed after request", null,
        SendState.SENT_NO_RESPONSE, null));
    assertThatThrownBy(() -> client.send(Request.newBuilder("http://h/")
        .POST(RequestBody.ofString("x", "text/plain")).build(), BodyHandlers.ofString()))
        .isInstanceOf(ConnectionClosedException.class);
    assertThat(transport.exchanges()).hasSize(1);
  }

  @Test
  void protocolErrorsAreNeverRetried() {
    client = Haul.newBuilder().transport(transport).retryPolicy(FAST).build();
    transport.enqueueFailure(new ProtocolException("bad status line", null, SendState.RESPONSE_STARTED, null));
    assertThatThrownBy(() -> client.send(Request.get("http://h/"), BodyHandlers.ofString()))
        .isInstanceOf(ProtocolException.class);
    assertThat(transport.exchanges()).hasSize(1);
  }

  @Test
  void attemptsNeverExceedMaxRetriesPlusOne() {
    client = Haul.newBuilder().transport(transport).retryPolicy(FAST).build();
    for (int i = 0; i < 10; i++) {
      transport.enqueue(500, "err");
    }
    Response<String> r = client.send(Request.get("http://h/"), BodyHandlers.ofString());
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.attempts()).isEqualTo(4);
    assertThat(transport.exchanges()).hasSize(4);
  }

  @Test
  void callDeadlineSpansRetriesAndCapsAttemptTimeouts() {
    client = Haul.newBuilder().transport(transport)
        .retryPolicy(RetryPolicy.builder().settings(RetrySettings.builder().baseDelay(Duration.ofMillis(50)).maxDelay(Duration.ofMillis(50)).build())
            .random(() -> 0.999).build())
        .build();
    // Every attempt hangs until cancelled.
    List<CompletableFuture<RawResponse>> hanging = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 5; i++) {
      transport.enqueue(ex -> {
        CompletableFuture<RawResponse> f = new CompletableFuture<>();
        hanging.add(f);
        return f;
      });
    }
    Request req = Request.newBuilder("http://h/").callTimeout(Duration.ofMillis(200)).build();
    assertThatThrownBy(() -> client.send(req, BodyHandlers.ofString()))
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("200ms")
        .hasMessageContaining("1 attempt");
    assertThat(transport.exchanges().get(0).timeouts().get(Timeouts.Kind.CONNECT))
        .isLessThanOrEqualTo(Duration.ofMillis(200));
    assertThat(hanging.get(0)).isCancelled();
  }

  @Test
  void cancellingTheFutureCancelsTheExchange() throws Exception {
    client = Haul.newBuilder().transport(transport).build();
    CompletableFuture<RawResponse> hanging = new CompletableFuture<>();
    transport.enqueue(ex -> hanging);
    CompletableFuture<Response<String>> f = client.sendAsync(Request.get("http://h/"), BodyHandlers.ofString());
    f.cancel(true);
    assertThat(hanging).isCancelled();
    assertThatThrownBy(() -> f.get(1, TimeUnit.SECONDS)).isInstanceOf(java.util.concurrent.CancellationException.class);
  }

  @Test
  void retryAfterAboveTheCapEndsWithATypedError() {
    client = Haul.newBuilder().transport(transport)
        .retryPolicy(RetryPolicy.builder().settings(RetrySettings.builder().maxRetryAfter(Duration.ofSeconds(5)).build()).build()).build();
    transport.enqueue(503, Headers.of("Retry-After", "3600"), "later");
    assertThatThrownBy(() -> client.send(Request.get("http://h/"), BodyHandlers.ofString()))
        .isInstanceOf(RetryAfterExceededException.class)
        .satisfies(e -> assertThat(((RetryAfterExceededException) e).retryAfter()).isEqualTo(Duration.ofHours(1)));
    assertThat(transport.bodies().get(0).isClosed()).isTrue();
  }

  @Test
  void retryAfterIsHonoured() throws ExecutionException, InterruptedException {
    RecordingDelays delays = new RecordingDelays();
    client = Haul.newBuilder().transport(transport).addEventListener(delays).build();
    transport.enqueue(429, Headers.of("Retry-After", "0"), "slow down").enqueue(200, "ok");
    assertThat(client.sendAsync(Request.get("http://h/"), BodyHandlers.ofString()).get().body()).isEqualTo("ok");
    assertThat(delays.delays).containsExactly(Duration.ZERO);
  }

  @Test
  void closedClientRejectsCalls() {
    client = Haul.newBuilder().transport(transport).build();
    client.close();
    // Issue 8 defect 5: a closed client fails calls typed (it threw IllegalStateException).
    assertThatThrownBy(() -> client.send(Request.get("http://h/"), BodyHandlers.ofString()))
        .isInstanceOf(ClientClosedException.class).hasMessageContaining("closed")
        .satisfies(e -> assertThat(((HaulException) e).sendState()).isEqualTo(SendState.NOT_SENT));
    assertThat(transport.exchanges()).isEmpty();
  }

  static final class RecordingDelays implements EventListener {
    final List<Duration> delays = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void retryScheduled(Request request, int attempt, Duration delay, String reason) {
      delays.add(delay);
    }
  }
}
