package dev.haul.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.BodyHandlers;
import dev.haul.ClientClosedException;
import dev.haul.DeadlineExceededException;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.RetrySettings;
import dev.haul.SendState;
import dev.haul.RecordingFileOps;
import dev.haul.spi.EventListener;
import dev.haul.spi.RetryPolicy;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 defects 5, 6 and 7 end to end: the client's close, the body handlers' threads and the
 * call deadline over streamed bodies, through {@link NettyTransport} against testkit's server.
 */
class CoreDefectsEndToEndTest extends EndToEndTestBase {

  /** A body of {@code n} bytes that drips {@code bytes} per {@code period}. */
  private static MockResponse drip(int n, long bytes, Duration period) {
    return MockResponse.builder().status(200).body(new byte[n]).throttle(bytes, period).build();
  }

  private static Throwable failureOf(CompletableFuture<?> f) throws InterruptedException {
    try {
      f.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("still hanging after 10s", e);
    }
  }

  private static CompletableFuture<byte[]> readRest(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** Netty's event loop threads (the transport names them haul-io-*). */
  private static boolean isEventLoop(Thread t) {
    return t instanceof FastThreadLocalThread || t.getName().startsWith("haul-io-");
  }

  // ---- defect 6 ----

  @Test
  void ofFileNeverTouchesTheFileSystemOnAnEventLoop() throws Exception {
    // Issue 8 defect 6: ofFile created, opened, synced, closed and renamed its file on the Netty
    // event loop. Every file-system step of the handler (and every write and the close of its
    // channel) is recorded with its thread.
    OriginServer server = server();
    byte[] content = new byte[3 * 1024 * 1024 + 17];
    new Random(8).nextBytes(content);
    server.enqueue(MockResponse.builder().status(200).body(content).chunked(64 * 1024).build());
    HaulClient client = client(Haul.newBuilder().transport(NettyTransport.create()).retryPolicy(RetryPolicy.none()));
    RecordingFileOps ops = new RecordingFileOps();
    Path target = dir.resolve("download.bin");

    Response<Path> r = client.sendAsync(Request.newBuilder(server.url("/f")).build(), ops.ofFile(target))
        .get(30, TimeUnit.SECONDS);

    assertThat(r.body()).isEqualTo(target);
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(ops.threads.keySet()).contains("createTemp", "open", "write", "force", "close", "move");
    assertThat(ops.threads).allSatisfy((op, threads) -> assertThat(threads)
        .as("threads that ran %s", op).noneMatch(CoreDefectsEndToEndTest::isEventLoop));
  }

  @Test
  void ofFileCleansUpOffTheEventLoopWhenTheBodyFails() throws Exception {
    OriginServer server = server();
    server.enqueue(MockResponse.builder().status(200).body(new byte[256 * 1024])
        .fault(dev.haul.testkit.Fault.CLOSE_DURING_BODY, 100_000).build());
    HaulClient client = client(Haul.newBuilder().transport(NettyTransport.create()).retryPolicy(RetryPolicy.none()));
    RecordingFileOps ops = new RecordingFileOps();
    Path target = dir.resolve("broken.bin");

    assertThat(failureOf(client.sendAsync(Request.newBuilder(server.url("/f")).build(),
        ops.ofFile(target)))).isInstanceOf(dev.haul.HaulException.class);

    assertThat(target).doesNotExist();
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty(); // the temporary file is gone too
    }
    assertThat(ops.threads.keySet()).contains("createTemp", "open", "close", "delete");
    assertThat(ops.threads).allSatisfy((op, threads) -> assertThat(threads)
        .as("threads that ran %s", op).noneMatch(CoreDefectsEndToEndTest::isEventLoop));
  }

  @Test
  void ofFileStaysOffTheEventLoopWhenTheCallbackExecutorRejectsWork() throws Exception {
    // Issue 8 review: when the callback executor refused work (shut down while the client closes,
    // or a user's bounded executor), the blocking steps ran inline, on the event loop that
    // delivered the headers or completed the transfer. They must go to a thread of their own.
    OriginServer server = server();
    byte[] content = new byte[512 * 1024 + 3];
    new Random(9).nextBytes(content);
    server.enqueue(MockResponse.builder().status(200).body(content).chunked(64 * 1024).build());
    java.util.concurrent.Executor rejecting = task -> {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    };
    HaulClient client = client(Haul.newBuilder().transport(NettyTransport.create()).retryPolicy(RetryPolicy.none())
        .callbackExecutor(rejecting));
    RecordingFileOps ops = new RecordingFileOps();
    Path target = dir.resolve("rejected.bin");

    Response<Path> r = client.send(Request.newBuilder(server.url("/f")).build(), ops.ofFile(target));

    assertThat(r.body()).isEqualTo(target);
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(ops.threads.keySet()).contains("createTemp", "open", "force", "close", "move");
    assertThat(ops.threads).allSatisfy((op, threads) -> assertThat(threads)
        .as("threads that ran %s", op).noneMatch(CoreDefectsEndToEndTest::isEventLoop));
  }


  // ---- defect 7 ----

  @Test
  void theDeadlineCoversAnInputStreamBody() throws Exception {
    // Issue 8 defect 7: the deadline was cancelled when the headers arrived, so a slow body read
    // through ofInputStream was unbounded.
    OriginServer server = server();
    server.enqueue(MockResponse.ok("warm"));
    server.enqueue(drip(20_000, 100, Duration.ofMillis(100))); // 20 s to send it all
    HaulClient client = client(Haul.newBuilder().transport(NettyTransport.create()).retryPolicy(RetryPolicy.none()));
    // A first call warms the connection up, so the deadline below is not spent on class loading.
    assertThat(client.send(Request.newBuilder(server.url("/warm")).build(), BodyHandlers.ofString()).body())
        .isEqualTo("warm");
    Request req = Request.newBuilder(server.url("/slow")).callTimeout(Duration.ofMillis(1500)).build();
    InputStream in = client.send(req, BodyHandlers.ofInputStream()).body();
    assertThat(in.read()).isEqualTo(0); // the body started

    Throwable t = failureOf(readRest(in));
    assertThat(t).isInstanceOf(UncheckedIOException.class);
    assertThat(t.getCause().getCause()).isInstanceOfSatisfying(DeadlineExceededException.class,
        e -> assertThat(e.sendState()).isEqualTo(SendState.RESPONSE_STARTED));
    in.close();
  }

  @Test
  void theDeadlineOfACallWaitingForAConnectionReportsNotSent() throws Exception {
    // Issue 8 defect 7: a call that never got a connection was reported as SENT_NO_RESPONSE.
    OriginServer server = server();
    server.enqueue(drip(20_000, 100, Duration.ofMillis(100)));
    HaulClient client = client(Haul.newBuilder()
        .transport(new NettyTransport(NettyTransportConfig.builder().maxPerHost(1).build()))
        .retryPolicy(RetryPolicy.none()));
    try (InputStream holder = client.send(Request.newBuilder(server.url("/hold")).build(),
        BodyHandlers.ofInputStream()).body()) {
      Request req = Request.newBuilder(server.url("/wait")).callTimeout(Duration.ofMillis(300)).build();
      assertThatThrownBy(() -> client.send(req, BodyHandlers.ofString()))
          .isInstanceOfSatisfying(DeadlineExceededException.class,
              e -> assertThat(e.sendState()).isEqualTo(SendState.NOT_SENT));
      assertThat(holder.read()).isEqualTo(0);
    }
    assertThat(server.requestCount()).isEqualTo(1);
  }

  // ---- defect 5 ----

  @Test
  void closeEndsCallsInBackoffMidBodyAndWaitingForThePool() throws Exception {
    // Issue 8 defect 5: close() dropped the timer's tasks; calls in backoff, streaming a body or
    // waiting for a connection never completed.
    OriginServer a = server();
    OriginServer b = server();
    CountDownLatch backingOff = new CountDownLatch(1);
    CountDownLatch stringHeaders = new CountDownLatch(1);
    HaulClient client = client(Haul.newBuilder()
        .transport(new NettyTransport(NettyTransportConfig.builder().maxPerHost(1).build()))
        .config(HaulConfig.defaults())
        .retryPolicy(RetryPolicy.builder().settings(RetrySettings.builder().baseDelay(Duration.ofMinutes(10)).maxDelay(Duration.ofMinutes(10)).build())
            .random(() -> 0.999).build())
        .addEventListener(new EventListener() {
          @Override
          public void retryScheduled(Request request, int attempt, Duration delay, String reason) {
            backingOff.countDown();
          }

          @Override
          public void responseHeaders(Request request, dev.haul.ResponseInfo response) {
            if (request.uri().getPath().equals("/s")) {
              stringHeaders.countDown();
            }
          }
        }));
    // On b: a 503 then a retry in 10 minutes; then an InputStream over a drip, partly read.
    b.enqueue(MockResponse.builder().status(503).body("busy").build());
    CompletableFuture<Response<String>> inBackoff = client.sendAsync(Request.newBuilder(b.url("/retry")).build(),
        BodyHandlers.ofString());
    assertThat(backingOff.await(10, TimeUnit.SECONDS)).isTrue();
    b.enqueue(drip(20_000, 100, Duration.ofMillis(100)));
    InputStream in = client.send(Request.newBuilder(b.url("/stream")).build(), BodyHandlers.ofInputStream()).body();
    assertThat(in.read()).isEqualTo(0);
    CompletableFuture<byte[]> rest = readRest(in);
    // On a: a string over a drip holds the only connection; another call waits for it.
    a.enqueue(drip(20_000, 100, Duration.ofMillis(100)));
    CompletableFuture<Response<String>> midString = client.sendAsync(Request.newBuilder(a.url("/s")).build(),
        BodyHandlers.ofString());
    assertThat(stringHeaders.await(10, TimeUnit.SECONDS)).isTrue(); // its body is dripping now
    CompletableFuture<Response<String>> waiting = client.sendAsync(Request.newBuilder(a.url("/wait")).build(),
        BodyHandlers.ofString());

    client.close();

    assertThat(failureOf(inBackoff)).isInstanceOfSatisfying(ClientClosedException.class,
        e -> assertThat(e.sendState()).isEqualTo(SendState.RESPONSE_STARTED));
    assertThat(failureOf(midString)).isInstanceOfSatisfying(ClientClosedException.class,
        e -> assertThat(e.sendState()).isEqualTo(SendState.RESPONSE_STARTED));
    assertThat(failureOf(waiting)).isInstanceOfSatisfying(ClientClosedException.class,
        e -> assertThat(e.sendState()).isEqualTo(SendState.NOT_SENT));
    assertThat(failureOf(rest).getCause().getCause()).isInstanceOf(ClientClosedException.class);
    in.close();
    assertThat(a.requestCount()).isEqualTo(1);
    assertThat(b.requestCount()).isEqualTo(2); // the retry never ran
    assertThatThrownBy(() -> client.send(Request.newBuilder(a.url("/after")).build(), BodyHandlers.ofString()))
        .isInstanceOf(ClientClosedException.class);
  }
}
