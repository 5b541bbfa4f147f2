package dev.haul.benchmarks.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.benchmarks.LoadModel;
import dev.haul.testkit.Fault;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The raw-Netty reference client against testkit's origin: framing, keep-alive, pool, failures. */
class RawNettyBenchTest {

  @TempDir
  Path dir;

  private OriginServer server;
  private RawNettyBench client;

  @BeforeEach
  void start() {
    server = OriginServer.start();
    client = new RawNettyBench();
    client.start(4);
  }

  @AfterEach
  void close() {
    client.close();
    server.close();
  }

  private static byte[] body(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  @Test
  void hasBothLoadModels() {
    assertThat(client.unsupported(LoadModel.BLOCKING)).isEmpty();
    assertThat(client.unsupported(LoadModel.INFLIGHT)).isEmpty();
  }

  @Test
  void readsEveryBodyWholeOverOneKeptAliveConnection() throws Exception {
    for (int i = 0; i < 300; i++) {
      // Sizes around the codec's and the array's boundaries, one of them empty.
      byte[] b = body(i % 3 == 0 ? 0 : 100 + i * 97, i);
      server.enqueue(MockResponse.builder().body(b).build());
      assertThat(client.getBody(server.url("/r" + i))).as("request %d", i).isEqualTo(b);
    }
    assertThat(server.connectionCount()).isEqualTo(1);
    assertThat(client.connectionsOpened()).isEqualTo(1);
    assertThat(server.requestsPerConnection().values()).containsExactly(300);
    assertThat(server.takeRequest().header("Host")).isEqualTo(server.hostAndPort());
  }

  @Test
  void readsChunkedBodiesAndKeepsTheConnection() throws Exception {
    byte[] small = body(7_001, 3);
    byte[] big = body(70_001, 5);
    server.enqueue(MockResponse.builder().body(small).chunked(7).build());
    server.enqueue(MockResponse.builder().body(big).chunked(65_536).build());
    server.enqueue(MockResponse.ok("after"));
    assertThat(client.getBody(server.url("/a"))).isEqualTo(small);
    assertThat(client.getBody(server.url("/b"))).isEqualTo(big);
    assertThat(client.getBody(server.url("/c"))).isEqualTo("after".getBytes(StandardCharsets.US_ASCII));
    assertThat(server.connectionCount()).isEqualTo(1);
  }

  @Test
  void aConnectionCloseHeaderEndsTheConnectionEvenIfTheServerKeepsItOpen() throws Exception {
    server.enqueue(MockResponse.builder().body("first").header("Connection", "close").build());
    server.enqueue(MockResponse.ok("second"));
    assertThat(client.getBody(server.url("/1"))).isEqualTo("first".getBytes(StandardCharsets.US_ASCII));
    assertThat(client.getBody(server.url("/2"))).isEqualTo("second".getBytes(StandardCharsets.US_ASCII));
    assertThat(server.requestsPerConnection().values()).containsExactly(1, 1);
    assertThat(client.connectionsOpened()).isEqualTo(2);
  }

  @Test
  void connectionCloseAndCloseDelimitedBodiesEndTheConnection() throws Exception {
    server.enqueue(MockResponse.builder().body("first").closeConnection(Duration.ZERO).build());
    server.enqueue(MockResponse.builder().body("until the close").closeDelimited().build());
    server.enqueue(MockResponse.ok("third"));
    assertThat(new String(client.getBody(server.url("/1")), StandardCharsets.US_ASCII)).isEqualTo("first");
    assertThat(new String(client.getBody(server.url("/2")), StandardCharsets.US_ASCII)).isEqualTo("until the close");
    assertThat(new String(client.getBody(server.url("/3")), StandardCharsets.US_ASCII)).isEqualTo("third");
    assertThat(server.connectionCount()).isEqualTo(3);
    assertThat(client.connectionsOpened()).isEqualTo(3);
    // Each close was known from the response itself: no request was sent on a closing connection.
    assertThat(client.retries()).isZero();
    assertThat(server.requestCount()).isEqualTo(3);
  }

  @Test
  void aBodyCutShortOfItsContentLengthFailsAndTheNextRequestGetsANewConnection() throws Exception {
    server.enqueue(MockResponse.builder().body(body(1000, 1)).fault(Fault.CLOSE_DURING_BODY, 400).build());
    server.enqueue(MockResponse.ok("fine"));
    assertThatThrownBy(() -> client.get(server.url("/cut"))).isInstanceOf(IOException.class);
    assertThat(client.getBody(server.url("/next"))).isEqualTo("fine".getBytes(StandardCharsets.US_ASCII));
    assertThat(client.connectionsOpened()).isEqualTo(2);
  }

  @Test
  void aClosedIdleConnectionIsNotUsedOrIsRetriedOnceOnANewOne() throws Exception {
    server.enqueue(MockResponse.ok("one"));
    server.enqueue(MockResponse.ok("two"));
    assertThat(client.getBody(server.url("/1"))).isEqualTo("one".getBytes(StandardCharsets.US_ASCII));
    assertThat(server.closeIdleConnections()).isEqualTo(1);
    // Whether the close arrived before the request or after it was written, the GET succeeds once.
    assertThat(client.getBody(server.url("/2"))).isEqualTo("two".getBytes(StandardCharsets.US_ASCII));
    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(client.connectionsOpened()).isEqualTo(2);
    assertThat(client.retries()).isLessThanOrEqualTo(1);
  }

  @Test
  void aFreshConnectionClosedWithoutAnAnswerIsNotRetried() {
    server.enqueue(MockResponse.fault(Fault.CLOSE_AFTER_REQUEST));
    server.enqueue(MockResponse.ok("never asked for"));
    assertThatThrownBy(() -> client.get(server.url("/x"))).isInstanceOf(IOException.class);
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void anErrorStatusFailsTheRequestAndTheNextOneWorksOnANewConnection() throws Exception {
    server.enqueue(MockResponse.builder().status(404).body("no").build());
    server.enqueue(MockResponse.ok("yes"));
    assertThatThrownBy(() -> client.get(server.url("/missing"))).isInstanceOf(IOException.class)
        .hasMessageContaining("404");
    assertThat(client.getBody(server.url("/there"))).isEqualTo("yes".getBytes(StandardCharsets.US_ASCII));
    // The 404's body is not read: its connection is closed rather than drained.
    assertThat(server.connectionCount()).isEqualTo(2);
  }

  @Test
  void requestsInFlightEachGetTheirOwnBodyOnTheirOwnConnection() throws Exception {
    int n = 32;
    server.setDispatcher(request -> MockResponse.builder().body(request.path().getBytes(StandardCharsets.US_ASCII))
        .headersDelay(Duration.ofMillis(50)).build());
    List<CompletableFuture<Long>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fs.add(client.getAsync(server.url("/in-flight-" + i)));
    }
    for (int i = 0; i < n; i++) {
      assertThat(fs.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(("/in-flight-" + i).length());
    }
    // No pipelining: one connection per outstanding request, all returned to the pool and reused.
    assertThat(client.connectionsOpened()).isEqualTo(n);
    assertThat(server.peakOpenConnections()).isEqualTo(n);
    assertThat(client.retries()).isZero();
    for (int i = 0; i < n; i++) {
      assertThat(client.get(server.url("/again-" + i))).isEqualTo(("/again-" + i).length());
    }
    assertThat(client.connectionsOpened()).isEqualTo(n);
  }

  @Test
  void downloadsToAFileInOneStream() throws Exception {
    long size = 3 * 1024 * 1024 + 5;
    server.enqueue(MockResponse.generated(size));
    Path file = dir.resolve("f.bin");
    assertThat(client.download(server.url("/f.bin"), file)).isEqualTo(size);
    byte[] got = Files.readAllBytes(file);
    assertThat(got).hasSize((int) size);
    for (int i = 0; i < got.length; i++) {
      if (got[i] != MockResponse.generatedByte(i)) {
        throw new AssertionError("byte " + i + " is " + got[i]);
      }
    }
  }

  @Test
  void onlyPlainHttp() {
    assertThatThrownBy(() -> client.get(URI.create("https://127.0.0.1:1/x"))).isInstanceOf(IllegalArgumentException.class);
  }
}
