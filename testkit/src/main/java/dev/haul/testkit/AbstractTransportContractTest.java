package dev.haul.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.haul.BodyHandlers;
import dev.haul.ConnectFailedException;
import dev.haul.ConnectionClosedException;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.HaulException;
import dev.haul.ReadIdleTimeoutException;
import dev.haul.Request;
import dev.haul.RequestBody;
import dev.haul.Response;
import dev.haul.ResponseBody;
import dev.haul.ResponseHeadersTimeoutException;
import dev.haul.RetrySettings;
import dev.haul.SendState;
import dev.haul.TlsException;
import dev.haul.spi.PoolStats;
import dev.haul.spi.RetryPolicy;
import dev.haul.spi.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link Transport} must have, proven end to end against the testkit origin
 * on 127.0.0.1. A transport's test class extends this and supplies {@link #createTransport}.
 * After every test, no connection may remain leased.
 */
public abstract class AbstractTransportContractTest {

  protected OriginServer server;
  protected Transport transport;
  protected HaulClient client;

  /** A transport that trusts {@code trusted} in addition to the JDK's defaults. */
  protected abstract Transport createTransport(List<X509Certificate> trusted);

  /** Short timeouts so failure tests end quickly; no retries unless a test asks. */
  protected HaulConfig config() {
    return HaulConfig.builder()
        .connectTimeout(Duration.ofSeconds(5))
        .responseHeadersTimeout(Duration.ofSeconds(5))
        .readIdleTimeout(Duration.ofSeconds(5))
        .build();
  }

  protected HaulClient newClient(Transport t) {
    return Haul.newBuilder().transport(t).config(config()).retryPolicy(RetryPolicy.none()).build();
  }

  @BeforeEach
  void startContract() {
    server = OriginServer.start();
    transport = createTransport(List.of());
    client = newClient(transport);
  }

  @AfterEach
  void stopContract() {
    try {
      awaitNoLeasedConnections(transport);
    } finally {
      client.close();
      server.close();
    }
  }

  /** Waits (bounded) until the transport reports no leased connection; fails otherwise. */
  protected static void awaitNoLeasedConnections(Transport t) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      int leased = t.poolStats().stream().mapToInt(PoolStats::leased).sum();
      if (leased == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("connections still leased: " + t.poolStats());
      }
      sleep(10);
    }
  }

  protected static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  protected Response<String> get(String path) {
    return client.send(Request.newBuilder(server.url(path)).build(), BodyHandlers.ofString());
  }

  protected static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void getReturnsStatusHeadersAndBody() {
    server.enqueue(MockResponse.builder().status(201).header("X-Answer", "42")
        .header("Content-Type", "text/plain; charset=utf-8").body("caf\u00e9").build());
    Response<String> r = get("/hello?x=1");
    assertEquals(201, r.status());
    assertEquals("42", r.headers().get("x-answer"));
    assertEquals("caf\u00e9", r.body());
    RecordedRequest rec = server.takeRequest();
    assertEquals("GET", rec.method());
    assertEquals("/hello?x=1", rec.target());
    assertEquals(server.hostAndPort(), rec.header("Host"));
    assertEquals("haul/0.1.0", rec.header("User-Agent"));
  }

  @Test
  void postSendsBodyWithContentLength() {
    server.enqueue(MockResponse.ok("ok"));
    Request req = Request.newBuilder(server.url("/upload"))
        .POST(RequestBody.ofString("{\"a\":1}", "application/json")).build();
    assertEquals("ok", client.send(req, BodyHandlers.ofString()).body());
    RecordedRequest rec = server.takeRequest();
    assertEquals("POST", rec.method());
    assertEquals("{\"a\":1}", rec.bodyAsString());
    assertEquals("7", rec.header("Content-Length"));
    assertEquals("application/json", rec.header("Content-Type"));
  }

  @Test
  void fileBodyIsStreamed(@TempDir Path dir) throws IOException {
    byte[] data = randomBytes(3 * 1024 * 1024 + 17, 7);
    Path f = dir.resolve("up.bin");
    Files.write(f, data);
    server.enqueue(MockResponse.ok("stored"));
    client.send(Request.newBuilder(server.url("/f")).PUT(RequestBody.ofFile(f, "application/octet-stream"))
        .build(), BodyHandlers.ofString());
    assertArrayEquals(data, server.takeRequest().body());
  }

  @Test
  void publisherBodyOfUnknownLengthIsSentChunked() {
    server.enqueue(MockResponse.ok("ok"));
    SubmissionPublisher<ByteBuffer> pub = new SubmissionPublisher<>();
    CompletableFuture<Response<String>> f = client.sendAsync(Request.newBuilder(server.url("/stream"))
        .POST(RequestBody.ofPublisher(pub, -1, "text/plain")).build(), BodyHandlers.ofString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (pub.getNumberOfSubscribers() == 0 && System.nanoTime() < deadline) {
      sleep(5); // SubmissionPublisher drops items submitted before anyone subscribed
    }
    for (int i = 0; i < 5; i++) {
      pub.submit(ByteBuffer.wrap(("part" + i + ";").getBytes(StandardCharsets.US_ASCII)));
    }
    pub.close();
    assertEquals(200, f.join().status());
    RecordedRequest rec = server.takeRequest();
    assertEquals("chunked", rec.header("Transfer-Encoding"));
    assertEquals("part0;part1;part2;part3;part4;", rec.bodyAsString());
  }

  @Test
  void headHasNoBodyAndKeepsTheConnection() {
    server.enqueue(MockResponse.builder().body("ignored body").build());
    server.enqueue(MockResponse.ok("second"));
    Response<String> r = client.send(Request.newBuilder(server.url("/h")).HEAD().build(), BodyHandlers.ofString());
    assertEquals("", r.body());
    assertEquals("12", r.headers().get("Content-Length"));
    assertEquals("second", get("/next").body());
    assertEquals(1, server.connectionCount());
  }

  @Test
  void chunkedResponseIsReassembled() {
    byte[] data = randomBytes(100_000, 3);
    server.enqueue(MockResponse.builder().body(data).chunked(777).build());
    Response<byte[]> r = client.send(Request.newBuilder(server.url("/c")).build(), BodyHandlers.ofByteArray());
    assertArrayEquals(data, r.body());
  }

  @Test
  void gzipIsDecodedTransparentlyWhenHaulAskedForIt() {
    String text = "model-file-metadata ".repeat(1000);
    server.enqueue(MockResponse.builder().body(text).gzip().build());
    assertEquals(text, get("/gz").body());
    String ae = server.takeRequest().header("Accept-Encoding");
    assertTrue(ae != null && ae.contains("gzip"), "Accept-Encoding: " + ae);
  }

  @Test
  void rangeRequestsCarryNoAcceptEncodingAndCallerEncodingIsLeftAlone() {
    server.enqueue(MockResponse.builder().status(206).body("abc").build());
    client.send(Request.newBuilder(server.url("/r")).header("Range", "bytes=0-2").build(), BodyHandlers.ofString());
    assertNull(server.takeRequest().header("Accept-Encoding"));

    // Issue 8 defect 14: the caller negotiated the encoding itself, so the body stays compressed.
    server.enqueue(MockResponse.builder().body("plain").gzip().build());
    Response<byte[]> r = client.send(Request.newBuilder(server.url("/raw")).header("Accept-Encoding", "gzip").build(),
        BodyHandlers.ofByteArray());
    assertEquals("gzip", r.headers().get("Content-Encoding"));
    assertEquals(0x1f, r.body()[0] & 0xff); // still compressed: the caller asked for gzip itself
  }

  @Test
  void keepAliveReusesOneConnection() {
    for (int i = 0; i < 10; i++) {
      server.enqueue(MockResponse.ok("r" + i));
    }
    for (int i = 0; i < 10; i++) {
      assertEquals("r" + i, get("/k" + i).body());
    }
    assertEquals(1, server.connectionCount());
    assertEquals(10, server.requestsPerConnection().get(1));
  }

  @Test
  void serverConnectionCloseIsHonoured() {
    server.enqueue(MockResponse.builder().body("bye").closeConnection(Duration.ZERO).build());
    server.enqueue(MockResponse.ok("again"));
    assertEquals("bye", get("/a").body());
    assertEquals("again", get("/b").body());
    assertEquals(2, server.connectionCount());
  }

  @Test
  void largeBodyTransfersToAFileAtAPosition(@TempDir Path dir) throws Exception {
    byte[] data = randomBytes(8 * 1024 * 1024 + 5, 11);
    server.enqueue(MockResponse.builder().body(data).build());
    Response<ResponseBody> r = client.send(Request.newBuilder(server.url("/big")).build(), BodyHandlers.ofResponseBody());
    Path out = dir.resolve("out.bin");
    try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long n = r.body().transferTo(ch, 100).get(30, TimeUnit.SECONDS);
      assertEquals(data.length, n);
    }
    byte[] written = Files.readAllBytes(out);
    assertEquals(100 + data.length, written.length);
    assertArrayEquals(data, java.util.Arrays.copyOfRange(written, 100, written.length));
  }

  @Test
  void inputStreamReadsAStreamingBody() throws IOException {
    byte[] data = randomBytes(2 * 1024 * 1024, 5);
    server.enqueue(MockResponse.builder().body(data).chunked(65536).build());
    Response<InputStream> r = client.send(Request.newBuilder(server.url("/is")).build(), BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      assertArrayEquals(data, in.readAllBytes());
    }
  }

  /** A consumer that asks for one buffer gets about one socket read, not the whole body. */
  @Test
  void slowConsumerBoundsWhatIsRead() throws Exception {
    byte[] data = new byte[64 * 1024 * 1024];
    server.enqueue(MockResponse.builder().body(data).build());
    AtomicLong received = new AtomicLong();
    List<Flow.Subscription> subs = new CopyOnWriteArrayList<>();
    CompletableFuture<Response<Void>> f = client.sendAsync(Request.newBuilder(server.url("/slow")).build(),
        (info, body) -> {
          body.subscribe(new Flow.Subscriber<List<ByteBuffer>>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
              subs.add(s);
              s.request(1);
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
              item.forEach(b -> received.addAndGet(b.remaining()));
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onComplete() {}
          });
          return CompletableFuture.completedFuture(null);
        });
    f.get(10, TimeUnit.SECONDS);
    sleep(300);
    long afterWait = received.get();
    assertTrue(afterWait > 0 && afterWait <= 4 * 1024 * 1024,
        "with demand for one item the client took " + afterWait + " bytes");
    subs.get(0).cancel();
    server.enqueue(MockResponse.ok("next"));
    assertEquals("next", get("/n").body());
    assertEquals(2, server.connectionCount(), "an abandoned body's connection is not reused");
  }

  @Test
  void connectionRefusedIsTypedAndNotSent() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    HaulException e = assertThrows(ConnectFailedException.class,
        () -> client.send(Request.newBuilder("http://127.0.0.1:" + port + "/").build(), BodyHandlers.ofString()));
    assertEquals(SendState.NOT_SENT, e.sendState());
    assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
  }

  @Test
  void tlsWithTrustedCertificateSucceeds() {
    try (OriginServer tls = OriginServer.builder().tls().start()) {
      Transport t = createTransport(List.of(tls.trustedCertificate()));
      try (HaulClient c = newClient(t)) {
        tls.enqueue(MockResponse.ok("secure"));
        tls.enqueue(MockResponse.ok("again"));
        assertEquals("secure", c.send(Request.newBuilder(tls.url("/s")).build(), BodyHandlers.ofString()).body());
        assertEquals("again", c.send(Request.newBuilder(tls.url("/s")).build(), BodyHandlers.ofString()).body());
        assertTrue(tls.takeRequest().isTls());
        assertEquals(1, tls.connectionCount());
        awaitNoLeasedConnections(t);
      }
    }
  }

  @Test
  void untrustedCertificateFailsTyped() {
    // Issue 8 defect 14: with the default retry policy (fast backoff), so that "certificate
    // errors are never retried" is proven: the server sees exactly one handshake attempt.
    try (OriginServer tls = OriginServer.builder().tls().start();
        HaulClient retrying = Haul.newBuilder().transport(transport).config(config())
            .retryPolicy(RetryPolicy.builder().settings(RetrySettings.builder().baseDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(1)).build()).build())
            .build()) {
      HaulException e = assertThrows(TlsException.class,
          () -> retrying.send(Request.newBuilder(tls.url("/s")).build(), BodyHandlers.ofString()));
      assertEquals(SendState.NOT_SENT, e.sendState());
      assertEquals(0, tls.requestCount());
      assertEquals(1, tls.connectionCount(), "handshake attempts");
    }
  }

  @Test
  void wrongHostNameFailsTyped() {
    try (OriginServer tls = OriginServer.builder().tls(TlsIdentity.forNames(List.of("other.example"))).start()) {
      Transport t = createTransport(List.of(tls.trustedCertificate()));
      try (HaulClient c = newClient(t)) {
        HaulException e = assertThrows(TlsException.class,
            () -> c.send(Request.newBuilder(tls.url("/s")).build(), BodyHandlers.ofString()));
        assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("tls"), e.getMessage());
        assertEquals(0, tls.requestCount());
        awaitNoLeasedConnections(t);
      }
    }
  }

  @Test
  void stallBeforeHeadersEndsInAResponseHeadersTimeout() {
    HaulClient quick = Haul.newBuilder().transport(transport).retryPolicy(RetryPolicy.none())
        .config(config().toBuilder().responseHeadersTimeout(Duration.ofMillis(300)).build()).build();
    server.enqueue(MockResponse.fault(Fault.STALL_BEFORE_HEADERS));
    HaulException e = assertThrows(ResponseHeadersTimeoutException.class,
        () -> quick.send(Request.newBuilder(server.url("/stall")).build(), BodyHandlers.ofString()));
    assertEquals(SendState.SENT_NO_RESPONSE, e.sendState());
    server.enqueue(MockResponse.ok("fresh"));
    assertEquals("fresh", get("/x").body());
    assertEquals(2, server.connectionCount());
  }

  @Test
  void stallInTheBodyEndsInAReadIdleTimeout() {
    HaulClient quick = Haul.newBuilder().transport(transport).retryPolicy(RetryPolicy.none())
        .config(config().toBuilder().readIdleTimeout(Duration.ofMillis(300)).build()).build();
    server.enqueue(MockResponse.builder().body(new byte[10_000]).fault(Fault.STALL_DURING_BODY, 5000).build());
    HaulException e = assertThrows(ReadIdleTimeoutException.class,
        () -> quick.send(Request.newBuilder(server.url("/stall")).build(), BodyHandlers.ofByteArray()));
    assertEquals(SendState.RESPONSE_STARTED, e.sendState());
  }

  @Test
  void slowDripIsNotAnIdleTimeout() {
    HaulClient quick = Haul.newBuilder().transport(transport).retryPolicy(RetryPolicy.none())
        .config(config().toBuilder().readIdleTimeout(Duration.ofSeconds(1)).build()).build();
    server.enqueue(MockResponse.builder().body("0123456789").throttle(1, Duration.ofMillis(100)).build());
    assertEquals("0123456789", quick.send(Request.newBuilder(server.url("/drip")).build(), BodyHandlers.ofString()).body());
  }

  @Test
  void eofInsideAContentLengthBodyIsNeverSuccess() {
    server.enqueue(MockResponse.builder().body(new byte[10_000]).fault(Fault.CLOSE_DURING_BODY, 4000).build());
    HaulException e = assertThrows(ConnectionClosedException.class,
        () -> client.send(Request.newBuilder(server.url("/eof")).build(), BodyHandlers.ofByteArray()));
    assertEquals(SendState.RESPONSE_STARTED, e.sendState());
  }

  @Test
  void eofInsideAChunkedBodyIsNeverSuccess() {
    server.enqueue(MockResponse.builder().body(new byte[10_000]).chunked(1000).fault(Fault.CLOSE_DURING_BODY, 4500).build());
    HaulException e = assertThrows(HaulException.class,
        () -> client.send(Request.newBuilder(server.url("/eof")).build(), BodyHandlers.ofByteArray()));
    assertInstanceOf(ConnectionClosedException.class, e, e.toString());
  }

  @Test
  void resetInsideTheBodyIsNeverSuccess() {
    server.enqueue(MockResponse.builder().body(new byte[200_000]).fault(Fault.RESET_DURING_BODY, 50_000).build());
    HaulException e = assertThrows(ConnectionClosedException.class,
        () -> client.send(Request.newBuilder(server.url("/rst")).build(), BodyHandlers.ofByteArray()));
    assertEquals(SendState.RESPONSE_STARTED, e.sendState());
  }

  @Test
  void closeDelimitedBodyIsAccepted() {
    server.enqueue(MockResponse.builder().body("until the end").closeDelimited().build());
    Response<String> r = get("/cd");
    assertEquals("until the end", r.body());
    assertFalse(r.headers().contains("Content-Length"));
  }

  @Test
  void oneByteSegmentsGiveTheSameResult() {
    server.enqueue(MockResponse.builder().header("X-Split", "yes").body("tiny segments").oneBytePerSegment().build());
    Response<String> r = get("/seg");
    assertEquals("tiny segments", r.body());
    assertEquals("yes", r.headers().get("X-Split"));
  }

  @Test
  void responseIsDeliveredBeforeASlowClose() {
    server.enqueue(MockResponse.builder().body("done").closeConnection(Duration.ofSeconds(3)).build());
    assertEquals("done", get("/slowclose").body());
    assertEquals(1, server.openConnections(), "the server has not closed yet, the response is complete anyway");
  }
}
