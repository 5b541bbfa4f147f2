package dev.haul.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.BodyHandlers;
import dev.haul.BodyTooLargeException;
import dev.haul.ConnectionClosedException;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulException;
import dev.haul.ProtocolException;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.RetrySettings;
import dev.haul.spi.PoolStats;
import dev.haul.spi.RetryPolicy;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bad inputs of RELIABILITY.md (B1-B14, B18, B22), each sent as raw bytes by the testkit
 * origin: a typed error, no retry of a protocol error, the connection never reused, and the next
 * call on the same client succeeds.
 */
class BadInputTest {

  private OriginServer server;
  private NettyTransport transport;
  private HaulClient client;

  @BeforeEach
  void start() {
    server = OriginServer.start();
    transport = new NettyTransport(NettyTransportConfig.defaults());
    // The default retry policy: protocol errors must not be retried even so.
    client = Haul.newBuilder().transport(transport)
        .retryPolicy(RetryPolicy.builder().settings(RetrySettings.builder().baseDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(1)).build()).build())
        .build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  /** Sends {@code raw}, expects {@code type}, then proves the next call works on a new connection. */
  private HaulException rejects(String raw, Class<? extends HaulException> type) {
    server.enqueue(MockResponse.builder().raw(raw.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).keepOpen().build());
    server.enqueue(MockResponse.ok("healthy"));
    HaulException e = (HaulException) org.junit.jupiter.api.Assertions.assertThrows(type,
        () -> client.send(Request.get(server.url("/bad").toString()), BodyHandlers.ofString()));
    assertThat(server.requestCount()).as("a protocol error is not retried").isEqualTo(1);
    Response<String> next = client.send(Request.get(server.url("/good").toString()), BodyHandlers.ofString());
    assertThat(next.body()).isEqualTo("healthy");
    assertThat(server.requests().get(1).connectionId()).as("the bad connection was not reused").isEqualTo(2);
    awaitIdle();
    return e;
  }

  private void awaitIdle() {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (transport.poolStats().stream().mapToInt(PoolStats::leased).sum() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(transport.poolStats().stream().mapToInt(PoolStats::leased).sum()).isZero();
  }

  @ParameterizedTest(name = "B1 status line {0}")
  @ValueSource(strings = {"HTTP/1.1 OK\r\n\r\n", "garbage\r\n\r\n", "hello world, this is HTTP/0.9\r\n\r\n",
      "HTTP/2.0 200 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n"})
  void b1GarbageStatusLine(String statusLine) {
    assertThat(rejects(statusLine, ProtocolException.class)).hasMessageContaining("status");
  }

  @ParameterizedTest(name = "B2 status code {0}")
  @ValueSource(strings = {"099", "1000", "-1", "2x0"})
  void b2BadStatusCodes(String code) {
    rejects("HTTP/1.1 " + code + " X\r\nContent-Length: 0\r\n\r\n", ProtocolException.class);
  }

  @Test
  void b2StatusLineOverFourKib() {
    assertThat(rejects("HTTP/1.1 200 " + "x".repeat(5000) + "\r\n\r\n", ProtocolException.class))
        .hasMessageContaining("status line exceeded");
  }

  @Test
  void b3HeaderBlockOverTheLimit() {
    String big = "X-Big: " + "a".repeat(70 * 1024) + "\r\n";
    assertThat(rejects("HTTP/1.1 200 OK\r\n" + big + "Content-Length: 0\r\n\r\n", ProtocolException.class))
        .hasMessageContaining("haul.transport.max-header-size");
  }

  @Test
  void b3HundredThousandHeaderFields() {
    StringBuilder sb = new StringBuilder("HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 100_000; i++) {
      sb.append("A:b\r\n");
    }
    sb.append("\r\n");
    rejects(sb.toString(), ProtocolException.class);
  }

  @ParameterizedTest(name = "B4 {0}")
  @ValueSource(strings = {"NoColonHere", "Name : value", "X-A: one\r\n  folded", "\tX-B: tab"})
  void b4MalformedHeaderLines(String line) {
    rejects("HTTP/1.1 200 OK\r\n" + line + "\r\nContent-Length: 0\r\n\r\n", ProtocolException.class);
  }

  @ParameterizedTest(name = "B5 {0}")
  @ValueSource(strings = {"X-Nul: a\u0000b", "X-Ctl: a\u0001b", "X\u0000Name: v", "X-Del: a\u007fb", "X-Cr: a\rb"})
  void b5ControlCharacters(String line) {
    rejects("HTTP/1.1 200 OK\r\n" + line + "\r\nContent-Length: 0\r\n\r\n", ProtocolException.class);
  }

  @ParameterizedTest(name = "B6 Content-Length [{0}]")
  @ValueSource(strings = {"-6", "6abc", "6 ", "9223372036854775808", "", "0x10"})
  void b6MalformedContentLength(String value) {
    rejects("HTTP/1.1 200 OK\r\nContent-Length: " + value + "\r\n\r\nhello!", ProtocolException.class);
  }

  @Test
  void b7ContentLengthAboveTheCallersCap() {
    server.enqueue(MockResponse.builder().body(new byte[100_000]).build());
    assertThatThrownBy(() -> client.send(Request.get(server.url("/big").toString()), BodyHandlers.ofByteArray(1000)))
        .isInstanceOf(BodyTooLargeException.class).hasMessageContaining("Content-Length 100000");
    awaitIdle();
  }

  @ParameterizedTest(name = "B8 {0}")
  @ValueSource(strings = {"Content-Length: 5\r\nContent-Length: 6", "Content-Length: 1,", "Content-Length: 5, 6"})
  void b8ConflictingLengths(String lines) {
    rejects("HTTP/1.1 200 OK\r\n" + lines + "\r\n\r\nhello!", ProtocolException.class);
  }

  @Test
  void b8IdenticalDuplicateLengthsMayPass() {
    server.enqueue(MockResponse.raw("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"));
    assertThat(client.send(Request.get(server.url("/dup").toString()), BodyHandlers.ofString()).body()).isEqualTo("hello");
  }

  @Test
  void b9ContentLengthWithTransferEncoding() {
    rejects("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        ProtocolException.class);
  }

  @ParameterizedTest(name = "B10 Transfer-Encoding: {0}")
  @ValueSource(strings = {"chunked, identity", "chunked, chunked", "gzip", "chunked, gzip"})
  void b10BadTransferCodings(String te) {
    rejects("HTTP/1.1 200 OK\r\nTransfer-Encoding: " + te + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n", ProtocolException.class);
  }

  @Test
  void b10ChunkedTwiceInSeparateFields() {
    rejects("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        ProtocolException.class);
  }

  @ParameterizedTest(name = "B11 chunk size line [{0}]")
  @ValueSource(strings = {"ffffffffffffffffffff\r\n", "-5\r\n", "zz\r\n", "5\n"})
  void b11BadChunkSizes(String sizeLine) {
    rejects("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + sizeLine + "hello\r\n0\r\n\r\n",
        ProtocolException.class);
  }

  @Test
  void b12ChunkLongerThanDeclared() {
    rejects("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n", ProtocolException.class);
  }

  @Test
  void b12ChunkShorterThanDeclared() {
    // Issue 8 defect 14: a typed protocol error, not just any HaulException. The declared 9
    // bytes swallow "hello\r\n0\r", so what follows is no chunk-size line.
    rejects("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nhello\r\n0\r\n\r\n", ProtocolException.class);
  }

  @Test
  void b12ShortChunkThenCloseIsATruncatedBody() {
    // The server closes inside a chunk: indistinguishable from a cut connection (F8), so a typed
    // premature close with the response started, never success and never NOT_SENT.
    server.enqueue(MockResponse.raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nhello\r\n"));
    assertThatThrownBy(() -> client.send(Request.get(server.url("/short").toString()), BodyHandlers.ofString()))
        .isInstanceOf(dev.haul.ConnectionClosedException.class)
        .satisfies(e -> assertThat(((HaulException) e).sendState()).isEqualTo(dev.haul.SendState.RESPONSE_STARTED));
    awaitIdle();
  }

  @Test
  void b13ExtraBytesAfterACompleteResponse() {
    server.enqueue(MockResponse.builder()
        .raw("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK garbage".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
        .keepOpen().build());
    server.enqueue(MockResponse.ok("next"));
    assertThat(client.send(Request.get(server.url("/204").toString()), BodyHandlers.ofString()).status()).isEqualTo(204);
    assertThat(client.send(Request.get(server.url("/next").toString()), BodyHandlers.ofString()).body()).isEqualTo("next");
    assertThat(server.requests().get(1).connectionId()).isEqualTo(2);
    awaitIdle();
  }

  @ParameterizedTest(name = "B14 {0} with a body")
  @ValueSource(strings = {"204 No Content", "304 Not Modified"})
  void b14BodyOnBodilessStatus(String status) {
    server.enqueue(MockResponse.builder()
        .raw(("HTTP/1.1 " + status + "\r\nContent-Length: 5\r\n\r\nhello").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
        .keepOpen().build());
    server.enqueue(MockResponse.ok("next"));
    Response<String> r = client.send(Request.get(server.url("/x").toString()), BodyHandlers.ofString());
    assertThat(r.body()).isEmpty();
    assertThat(client.send(Request.get(server.url("/next").toString()), BodyHandlers.ofString()).body()).isEqualTo("next");
    assertThat(server.requests().get(1).connectionId()).isEqualTo(2);
    awaitIdle();
  }

  @Test
  void b14BodyOnHead() {
    server.enqueue(MockResponse.builder()
        .raw("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
        .keepOpen().build());
    server.enqueue(MockResponse.ok("next"));
    Response<String> r = client.send(Request.newBuilder(server.url("/h")).HEAD().build(), BodyHandlers.ofString());
    assertThat(r.body()).isEmpty();
    assertThat(client.send(Request.get(server.url("/next").toString()), BodyHandlers.ofString()).body()).isEqualTo("next");
    assertThat(server.requests().get(1).connectionId()).isEqualTo(2);
    awaitIdle();
  }

  @Test
  void b18GzipBombStopsAtTheRatioCap() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 512; i++) {
        gz.write(zeros); // 512 MiB of zeros, about 500 KiB compressed
      }
    }
    server.enqueue(MockResponse.builder().header("Content-Encoding", "gzip").body(out.toByteArray()).build());
    long before = usedHeap();
    assertThatThrownBy(() -> client.send(Request.get(server.url("/bomb").toString()), BodyHandlers.discarding()))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("haul.transport.max-compression-ratio");
    assertThat(usedHeap() - before).isLessThan(256L << 20);
    awaitIdle();
  }

  @Test
  void b18DecodedBytesCap() {
    NettyTransport small = new NettyTransport(NettyTransportConfig.builder().maxDecodedBytes(10_000).build());
    try (HaulClient c = Haul.newBuilder().transport(small).build()) {
      server.enqueue(MockResponse.builder().body("x".repeat(50_000)).gzip().build());
      assertThatThrownBy(() -> c.send(Request.get(server.url("/gz").toString()), BodyHandlers.ofString()))
          .isInstanceOf(ProtocolException.class).hasMessageContaining("haul.transport.max-decoded-bytes");
    }
  }

  @Test
  void b18StackedAndCorruptEncodings() {
    server.enqueue(MockResponse.builder().header("Content-Encoding", "gzip, gzip").body("abc").build());
    assertThatThrownBy(() -> client.send(Request.get(server.url("/stacked").toString()), BodyHandlers.ofString()))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("stacked");
    server.enqueue(MockResponse.builder().header("Content-Encoding", "gzip").body(new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8}).build());
    assertThatThrownBy(() -> client.send(Request.get(server.url("/corrupt").toString()), BodyHandlers.ofString()))
        .isInstanceOf(ProtocolException.class);
    awaitIdle();
  }

  @Test
  void b22EndlessBodyWithoutLengthIsStoppedByTheCap() {
    server.enqueue(MockResponse.builder().body(new byte[50 * 1024 * 1024]).closeDelimited().build());
    assertThatThrownBy(() -> client.send(Request.get(server.url("/endless").toString()), BodyHandlers.ofByteArray(1 << 20)))
        .isInstanceOf(BodyTooLargeException.class);
    awaitIdle();
  }

  @Test
  void prematureEofInTheHeadersIsATypedCloseAndRetriedForGet() {
    server.enqueue(MockResponse.raw("HTTP/1.1 200 OK\r\nContent-Le"));
    server.enqueue(MockResponse.ok("second try"));
    Response<String> r = client.send(Request.get(server.url("/f6").toString()), BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("second try");
    assertThat(r.attempts()).isEqualTo(2);

    HaulClient noRetry = Haul.newBuilder().transport(transport).retryPolicy(RetryPolicy.none()).build();
    server.enqueue(MockResponse.raw("HTTP/1.1 200 OK\r\nContent-Le"));
    assertThatThrownBy(() -> noRetry.send(Request.get(server.url("/f6").toString()), BodyHandlers.ofString()))
        .isInstanceOf(ConnectionClosedException.class);
    awaitIdle();
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
