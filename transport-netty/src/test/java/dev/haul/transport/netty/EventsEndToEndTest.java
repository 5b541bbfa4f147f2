package dev.haul.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.BodyHandlers;
import dev.haul.ConnectionClosedException;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulException;
import dev.haul.Request;
import dev.haul.RequestBody;
import dev.haul.Response;
import dev.haul.ResponseInfo;
import dev.haul.spi.Call;
import dev.haul.spi.EventListener;
import dev.haul.spi.RetryPolicy;
import dev.haul.testkit.Fault;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import io.netty.channel.Channel;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 events for sinks, end to end through {@link NettyTransport}: request and response body
 * byte counts, the transport's own stale-connection retry, and per-call listeners of concurrent
 * calls.
 */
class EventsEndToEndTest extends EndToEndTestBase {

  /** Records the body and transport events as short strings. */
  static final class BodyEvents implements EventListener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void requestSent(Request request, long bodyBytes) {
      events.add("sent " + request.method() + " " + bodyBytes);
    }

    @Override
    public void responseBodyEnd(Request request, long bytes) {
      events.add("bodyEnd " + bytes);
    }

    @Override
    public void responseBodyFailed(Request request, long bytes, Throwable failure) {
      events.add("bodyFailed " + bytes + " " + failure.getClass().getSimpleName());
    }

    @Override
    public void staleConnectionRetry(Request request, HaulException cause) {
      events.add("staleRetry " + cause.getClass().getSimpleName() + " " + cause.sendState());
    }
  }

  @Test
  void requestAndResponseBodyBytesAreReported() {
    OriginServer server = server();
    BodyEvents events = new BodyEvents();
    HaulClient client = client(Haul.newBuilder().transport(NettyTransport.create()).addEventListener(events));
    server.enqueue(MockResponse.generated(300_001));
    server.enqueue(MockResponse.ok("done"));

    Response<byte[]> r = client.send(Request.get(server.url("/big").toString()), BodyHandlers.ofByteArray());
    assertThat(r.body()).hasSize(300_001);
    byte[] upload = new byte[70_000];
    client.send(Request.newBuilder(server.url("/up").toString()).POST(RequestBody.ofBytes(upload, "application/octet-stream")).build(), BodyHandlers.ofString());

    assertThat(events.events).containsExactly("sent GET 0", "bodyEnd 300001", "sent POST 70000", "bodyEnd 4");
  }

  @Test
  void aBodyCutShortReportsTheBytesDeliveredBeforeTheCut() {
    OriginServer server = server();
    BodyEvents events = new BodyEvents();
    HaulClient client = client(Haul.newBuilder().transport(NettyTransport.create())
        .retryPolicy(RetryPolicy.none()).addEventListener(events));
    server.enqueue(MockResponse.builder().status(200).generatedBody(200_000)
        .fault(Fault.CLOSE_DURING_BODY, 50_000).build());

    assertThatThrownBy(() -> client.send(Request.get(server.url("/cut").toString()), BodyHandlers.ofByteArray()))
        .isInstanceOf(HaulException.class);
    assertThat(events.events).hasSize(2);
    assertThat(events.events.get(0)).isEqualTo("sent GET 0");
    // Every byte the server sent before closing reached the handler, and nothing more.
    assertThat(events.events.get(1)).isEqualTo("bodyFailed 50000 ConnectionClosedException");
  }

  @Test
  void theTransportsOwnStaleConnectionRetryIsReported() throws Exception {
    OriginServer server = server();
    BodyEvents events = new BodyEvents();
    NettyTransport transport = NettyTransport.create();
    HaulClient client = client(Haul.newBuilder().transport(transport)
        .retryPolicy(RetryPolicy.none()).addEventListener(events));
    server.enqueue(MockResponse.ok("a"));
    server.enqueue(MockResponse.ok("b"));
    client.send(Request.get(server.url("/a").toString()), BodyHandlers.ofString());
    await(() -> transport.poolStats().get(0).idle() == 1, "an idle connection");
    Channel idle = idleChannel(transport);

    // Hold the idle connection's event loop, hand the connection to the next call (its exchange
    // queues behind), and close it first: the exchange finds it dead before writing a byte.
    CountDownLatch queued = new CountDownLatch(1);
    CompletableFuture<Void> closed = new CompletableFuture<>();
    idle.eventLoop().execute(() -> {
      try {
        queued.await(10, TimeUnit.SECONDS);
        idle.close();
        closed.complete(null);
      } catch (InterruptedException e) {
        closed.completeExceptionally(e);
      }
    });
    CompletableFuture<Response<String>> b =
        client.sendAsync(Request.get(server.url("/b").toString()), BodyHandlers.ofString());
    queued.countDown();
    closed.get(10, TimeUnit.SECONDS);

    assertThat(b.get(10, TimeUnit.SECONDS).body()).isEqualTo("b");
    assertThat(events.events).contains("staleRetry ConnectionClosedException NOT_SENT");
    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(server.connectionCount()).isEqualTo(2);
  }

  @Test
  void concurrentCallsEachHaveTheirOwnListenerAndIdentity() throws Exception {
    OriginServer server = server();
    Map<Long, List<String>> perCall = new ConcurrentHashMap<>();
    List<Call> calls = new CopyOnWriteArrayList<>();
    HaulClient client = client(Haul.newBuilder().transport(NettyTransport.create())
        .addEventListenerFactory(call -> {
          calls.add(call);
          List<String> mine = new CopyOnWriteArrayList<>();
          perCall.put(call.id(), mine);
          return new EventListener() {
            @Override
            public void requestStart(Request request) {
              mine.add("request " + request.uri().getPath());
            }

            @Override
            public void responseHeaders(Request request, ResponseInfo response) {
              mine.add("headers " + response.request().uri().getPath());
            }

            @Override
            public void responseBodyEnd(Request request, long bytes) {
              mine.add("bodyEnd " + request.uri().getPath() + " " + bytes);
            }
          };
        }));
    int n = 16;
    for (int i = 0; i < n; i++) {
      // Slow answers keep the calls in flight together on their own connections.
      server.enqueue(MockResponse.builder().status(200).body("x".repeat(i + 1))
          .headersDelay(Duration.ofMillis(50)).build());
    }
    List<CompletableFuture<Response<String>>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(client.sendAsync(Request.get(server.url("/c" + i).toString()), BodyHandlers.ofString()));
    }
    for (CompletableFuture<Response<String>> f : futures) {
      f.get(10, TimeUnit.SECONDS);
    }
    await(() -> perCall.values().stream().allMatch(l -> l.size() == 3), "every body's end");
    assertThat(calls).extracting(Call::id).doesNotHaveDuplicates().hasSize(n);
    for (Call c : calls) {
      String path = c.request().uri().getPath();
      List<String> mine = perCall.get(c.id());
      assertThat(mine).hasSize(3);
      assertThat(mine.get(0)).isEqualTo("request " + path);
      assertThat(mine.get(1)).isEqualTo("headers " + path);
      assertThat(mine.get(2)).startsWith("bodyEnd " + path + " ");
    }
  }

  @Test
  void aTransferCutShortReportsTheBytesItWroteToTheCallerAndTheListeners() throws Exception {
    // Issue 9 review: the body events of a transfer (ofFileChannel, ofFile) said 0 bytes.
    OriginServer server = server();
    BodyEvents events = new BodyEvents();
    HaulClient client = client(Haul.newBuilder().transport(NettyTransport.create())
        .retryPolicy(RetryPolicy.none()).addEventListener(events));
    server.enqueue(MockResponse.builder().status(200).generatedBody(200_000)
        .fault(Fault.CLOSE_DURING_BODY, 50_000).build());
    java.nio.file.Path f = dir.resolve("cut.bin");
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f,
        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
      assertThatThrownBy(() -> client.send(Request.get(server.url("/cut").toString()),
          BodyHandlers.ofFileChannel(ch, 10)))
          .isInstanceOfSatisfying(dev.haul.PartialTransferException.class,
              e -> assertThat(e.bytesTransferred()).isEqualTo(50_000));
    }
    assertThat(java.nio.file.Files.size(f)).isEqualTo(50_010);
    assertThat(events.events).containsExactly("sent GET 0", "bodyFailed 50000 ConnectionClosedException");
  }

  @Test
  void aTransferPastItsBoundWritesExactlyUpToTheBoundAndReportsTheTypedCause() throws Exception {
    // Issue 9 review: the write crossing the bound was refused whole (the count ended on a buffer
    // boundary below it) and listeners saw an internal exception type.
    OriginServer server = server();
    BodyEvents events = new BodyEvents();
    HaulClient client = client(Haul.newBuilder().transport(NettyTransport.create())
        .retryPolicy(RetryPolicy.none()).addEventListener(events));
    server.enqueue(MockResponse.builder().status(200).generatedBody(200_000).chunked(8192).build());
    java.nio.file.Path f = dir.resolve("bounded.bin");
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f,
        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
      assertThatThrownBy(() -> client.send(Request.get(server.url("/big").toString()),
          BodyHandlers.ofFileChannel(ch, 0, 100_000)))
          .isInstanceOfSatisfying(dev.haul.PartialTransferException.class, e -> {
            assertThat(e.bytesTransferred()).isEqualTo(100_000);
            assertThat(e.getCause()).isInstanceOf(dev.haul.BodyTooLargeException.class);
          });
    }
    assertThat(java.nio.file.Files.size(f)).isEqualTo(100_000);
    byte[] bytes = java.nio.file.Files.readAllBytes(f);
    for (int i = 0; i < bytes.length; i += 997) {
      assertThat(bytes[i]).isEqualTo(MockResponse.generatedByte(i));
    }
    assertThat(events.events).containsExactly("sent GET 0", "bodyFailed 100000 BodyTooLargeException");
  }

  @Test
  void aPooledConnectionReportsToTheSharedListenersOnceItsCallIsOver() {
    // Issue 9 review: the pool kept the call's own listener with the idle connection and fed it
    // the connection's later close (and kept the call's request reachable).
    OriginServer server = server();
    List<String> perCall = new CopyOnWriteArrayList<>();
    List<String> shared = new CopyOnWriteArrayList<>();
    NettyTransport transport = new NettyTransport(NettyTransportConfig.builder()
        .idleTimeout(Duration.ofMillis(200)).evictionInterval(Duration.ofMillis(50)).build());
    HaulClient client = client(Haul.newBuilder().transport(transport)
        .addEventListener(new EventListener() {
          @Override
          public void connectionClosed(dev.haul.Origin origin, String reason) {
            shared.add("closed " + reason);
          }
        })
        .addEventListenerFactory(call -> new EventListener() {
          @Override
          public void callEnd(Request request, ResponseInfo response, Duration elapsed) {
            perCall.add("callEnd");
          }

          @Override
          public void connectionClosed(dev.haul.Origin origin, String reason) {
            perCall.add("closed " + reason);
          }
        }));
    server.enqueue(MockResponse.ok("a"));
    client.send(Request.get(server.url("/a").toString()), BodyHandlers.ofString());
    await(() -> shared.contains("closed idle-timeout"), "the idle connection's close");
    assertThat(perCall).containsExactly("callEnd");
  }

  /** The client channel of the transport's only idle connection (test-only reflection). */
  private static Channel idleChannel(NettyTransport transport) throws Exception {
    Object pool = field(transport, "pool");
    Map<?, ?> pools = (Map<?, ?>) field(pool, "pools");
    Object originPool = pools.values().iterator().next();
    Collection<?> idle = (Collection<?>) field(originPool, "idle");
    assertThat(idle).hasSize(1);
    Object connection = idle.iterator().next();
    return (Channel) connection.getClass().getMethod("channel").invoke(connection);
  }

  private static Object field(Object target, String name) throws Exception {
    Field f = target.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(target);
  }

  static ConnectionClosedException unused() {
    return null;
  }
}
