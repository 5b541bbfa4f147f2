package dev.haul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.spi.RawResponse;
import dev.haul.spi.RetryPolicy;
import dev.haul.testing.FakeTransport;
import dev.haul.testing.StallingBody;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The call deadline and client close end a call wherever it is, with the true send state. */
class CloseAndDeadlineTest {

  private static final Origin ORIGIN = Origin.parse("http://h");

  private final FakeTransport transport = new FakeTransport();
  private HaulClient client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  /** A transport attempt that reports it is waiting for a pool slot and never gets one. */
  private FakeTransport enqueueStuckInPool(CompletableFuture<RawResponse> hang) {
    return transport.enqueue(ex -> {
      ex.listener().poolAcquireStart(ORIGIN);
      return hang;
    });
  }

  private FakeTransport enqueueStalling(StallingBody body) {
    return transport.enqueue(ex -> CompletableFuture.completedFuture(
        RawResponse.builder().request(ex.request()).status(200).body(body).build()));
  }

  private static <T> Throwable failureOf(CompletableFuture<T> f) throws InterruptedException {
    try {
      f.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected the call to fail");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the call still hangs", e);
    }
  }

  /** Cancellation reaches an attempt's future just after the call fails: wait for it, bounded. */
  private static void awaitCancelled(CompletableFuture<?> f) {
    assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(java.util.concurrent.CancellationException.class);
  }

  @Test
  void deadlineSpansSeveralRetries() {
    // Issue 8 defect 7: the old "spans retries" test made one attempt. Two 503s with a short
    // backoff, then the third attempt hangs until the deadline.
    client = Haul.newBuilder().transport(transport)
        .retryPolicy(RetryPolicy.builder().settings(RetrySettings.builder().baseDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2)).build()).build())
        .build();
    CompletableFuture<RawResponse> third = new CompletableFuture<>();
    transport.enqueue(503, "busy").enqueue(503, "busy").enqueue(ex -> third);
    // Long enough for three attempts even in a cold JVM on a loaded machine.
    Request req = Request.newBuilder("http://h/").callTimeout(Duration.ofMillis(3000)).build();
    assertThatThrownBy(() -> client.send(req, BodyHandlers.ofString()))
        .isInstanceOfSatisfying(DeadlineExceededException.class, e -> {
          assertThat(e.attempts()).isGreaterThanOrEqualTo(3);
          assertThat(e.sendState()).isEqualTo(SendState.RESPONSE_STARTED); // the 503s were answers
        })
        .hasMessageContaining("3 attempts");
    assertThat(transport.exchanges()).hasSize(3);
    awaitCancelled(third);
  }

  @Test
  void deadlineWhileWaitingForAConnectionIsNotSent() {
    // Issue 8 defect 7: the deadline claimed SENT_NO_RESPONSE before anything was written.
    client = Haul.newBuilder().transport(transport).retryPolicy(RetryPolicy.none()).build();
    CompletableFuture<RawResponse> hang = new CompletableFuture<>();
    enqueueStuckInPool(hang);
    Request req = Request.newBuilder("http://h/").callTimeout(Duration.ofMillis(100)).build();
    assertThatThrownBy(() -> client.send(req, BodyHandlers.ofString()))
        .isInstanceOfSatisfying(DeadlineExceededException.class,
            e -> assertThat(e.sendState()).isEqualTo(SendState.NOT_SENT));
    awaitCancelled(hang);
  }

  @Test
  void deadlineAfterTheConnectionWasAcquiredMaySendTheRequest() {
    client = Haul.newBuilder().transport(transport).retryPolicy(RetryPolicy.none()).build();
    transport.enqueue(ex -> {
      ex.listener().poolAcquireStart(ORIGIN);
      ex.listener().poolAcquireEnd(ORIGIN, true, Duration.ZERO);
      return new CompletableFuture<>();
    });
    // Long enough that the pool events always come before the deadline, even under load.
    Request req = Request.newBuilder("http://h/").callTimeout(Duration.ofMillis(1000)).build();
    assertThatThrownBy(() -> client.send(req, BodyHandlers.ofString()))
        .isInstanceOfSatisfying(DeadlineExceededException.class,
            e -> assertThat(e.sendState()).isEqualTo(SendState.SENT_NO_RESPONSE));
  }

  @Test
  void deadlineCoversAStreamedBody() throws Exception {
    // Issue 8 defect 7: for ofInputStream the deadline stopped at the headers; a stalled body
    // then blocked the reader forever.
    client = Haul.newBuilder().transport(transport).retryPolicy(RetryPolicy.none()).build();
    StallingBody body = new StallingBody("first");
    enqueueStalling(body);
    // Long enough that the headers always arrive first, even in a cold JVM on a loaded machine.
    Request req = Request.newBuilder("http://h/").callTimeout(Duration.ofMillis(1500)).build();
    InputStream in = client.send(req, BodyHandlers.ofInputStream()).body();
    byte[] buf = new byte[5];
    assertThat(in.readNBytes(buf, 0, 5)).isEqualTo(5);
    CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
      try {
        return in.read();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    Throwable t = failureOf(read);
    assertThat(t).isInstanceOf(java.io.UncheckedIOException.class);
    assertThat(t.getCause()).isInstanceOf(IOException.class);
    assertThat(t.getCause().getCause()).isInstanceOfSatisfying(DeadlineExceededException.class,
        e -> assertThat(e.sendState()).isEqualTo(SendState.RESPONSE_STARTED));
    assertThat(body.isClosed()).isTrue();
    in.close();
  }

  @Test
  void deadlineCoversAResponseBodyConsumedLater() throws Exception {
    client = Haul.newBuilder().transport(transport).retryPolicy(RetryPolicy.none()).build();
    StallingBody stalling = new StallingBody("a");
    enqueueStalling(stalling);
    // Long enough that the headers always arrive first, even in a cold JVM on a loaded machine.
    Request req = Request.newBuilder("http://h/").callTimeout(Duration.ofMillis(1500)).build();
    ResponseBody body = client.send(req, BodyHandlers.ofResponseBody()).body();
    CompletableFuture<byte[]> bytes = BodyHandlers.ofByteArray().handle(
        RawResponse.builder().request(req).status(200).build(), body);
    assertThat(failureOf(bytes)).isInstanceOf(DeadlineExceededException.class);
    assertThat(stalling.isClosed()).isTrue();
  }

  @Test
  void aBodyConsumedInTimeIsNotFailedByTheDeadlineLater() throws Exception {
    client = Haul.newBuilder().transport(transport).retryPolicy(RetryPolicy.none()).build();
    transport.enqueue(200, "whole");
    Request req = Request.newBuilder("http://h/").callTimeout(Duration.ofMillis(1000)).build();
    try (InputStream in = client.send(req, BodyHandlers.ofInputStream()).body()) {
      assertThat(in.readAllBytes()).asString().isEqualTo("whole");
      Thread.sleep(1300); // past the deadline: the stream is at its end and stays there
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThat(transport.bodies().get(0).isCompleted()).isTrue();
  }

  @Test
  void closeEndsEveryCallWhereverItIs() throws Exception {
    // Issue 8 defect 5: close() shut the timer down with shutdownNow(), dropping the retry and
    // deadline tasks; calls in backoff, waiting for a connection or streaming a body hung forever.
    CountDownLatch backingOff = new CountDownLatch(1);
    client = Haul.newBuilder().transport(transport)
        .retryPolicy(RetryPolicy.builder().settings(RetrySettings.builder().baseDelay(Duration.ofMinutes(10)).maxDelay(Duration.ofMinutes(10)).build())
            .random(() -> 0.999).build())
        .addEventListener(new dev.haul.spi.EventListener() {
          @Override
          public void retryScheduled(Request request, int attempt, Duration delay, String reason) {
            backingOff.countDown();
          }
        })
        .build();
    // 1. In backoff after a 503.
    transport.enqueue(503, "busy");
    CompletableFuture<Response<String>> inBackoff = client.sendAsync(Request.get("http://h/backoff"), BodyHandlers.ofString());
    assertThat(backingOff.await(10, TimeUnit.SECONDS)).isTrue();
    // 2. Waiting for a pool slot.
    CompletableFuture<RawResponse> poolWait = new CompletableFuture<>();
    enqueueStuckInPool(poolWait);
    CompletableFuture<Response<String>> waiting = client.sendAsync(Request.get("http://h/wait"), BodyHandlers.ofString());
    // 3. Mid-body, collected as a string.
    StallingBody stringBody = new StallingBody("part");
    enqueueStalling(stringBody);
    CompletableFuture<Response<String>> midString = client.sendAsync(Request.get("http://h/s"), BodyHandlers.ofString());
    // 4. Mid-body, an InputStream partly read.
    StallingBody streamBody = new StallingBody("abc");
    enqueueStalling(streamBody);
    InputStream in = client.send(Request.get("http://h/in"), BodyHandlers.ofInputStream()).body();
    assertThat(in.read()).isEqualTo('a');
    CompletableFuture<byte[]> rest = CompletableFuture.supplyAsync(() -> {
      try {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });

    client.close();

    assertThat(failureOf(inBackoff)).isInstanceOfSatisfying(ClientClosedException.class,
        e -> assertThat(e.sendState()).isEqualTo(SendState.RESPONSE_STARTED));
    assertThat(failureOf(waiting)).isInstanceOfSatisfying(ClientClosedException.class,
        e -> assertThat(e.sendState()).isEqualTo(SendState.NOT_SENT));
    assertThat(failureOf(midString)).isInstanceOfSatisfying(ClientClosedException.class,
        e -> assertThat(e.sendState()).isEqualTo(SendState.RESPONSE_STARTED));
    assertThat(failureOf(rest).getCause().getCause()).isInstanceOf(ClientClosedException.class);
    awaitCancelled(poolWait);
    assertThat(stringBody.isClosed()).isTrue();
    assertThat(streamBody.isClosed()).isTrue();
    assertThat(transport.exchanges()).hasSize(4); // the retry never ran
    assertThatThrownBy(() -> client.send(Request.get("http://h/after"), BodyHandlers.ofString()))
        .isInstanceOf(ClientClosedException.class);
  }
  @Test
  void aDeadlineWhileTheTransportReacquiresAfterAStaleConnectionReportsNotSent() {
    // Issue 8 review 2: after the transport's own retry of a stale pooled connection (nothing
    // written: NOT_SENT), its new acquire's poolAcquireStart was ignored because the attempt had
    // already had a connection, so a deadline while the fresh connection was opening reported
    // SENT_NO_RESPONSE. Nothing of the request is on the wire while acquiring.
    transport.enqueue(ex -> {
      ex.listener().poolAcquireStart(ORIGIN);
      ex.listener().poolAcquireEnd(ORIGIN, true, Duration.ZERO); // a pooled connection: found dead
      ex.listener().connectionClosed(ORIGIN, "stale");
      ex.listener().poolAcquireStart(ORIGIN); // once more, on a fresh connection that never opens
      return new CompletableFuture<>();
    });
    client = Haul.newBuilder().transport(transport).retryPolicy(RetryPolicy.none()).build();
    Request req = Request.newBuilder("http://h/x").callTimeout(Duration.ofMillis(50)).build();
    assertThatThrownBy(() -> client.send(req, BodyHandlers.ofString())).isInstanceOf(DeadlineExceededException.class)
        .satisfies(e -> assertThat(((HaulException) e).sendState()).isEqualTo(SendState.NOT_SENT));
  }
}

