package dev.haul.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.haul.BodyHandlers;
import dev.haul.ConnectTimeoutException;
import dev.haul.ConnectionClosedException;
import dev.haul.CoreModule;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.HaulException;
import dev.haul.Request;
import dev.haul.RequestBody;
import dev.haul.Response;
import dev.haul.RetrySettings;
import dev.haul.SendState;
import dev.haul.spi.PoolStats;
import dev.haul.spi.RetryPolicy;
import dev.haul.testkit.Fault;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import dev.haul.testkit.RecordingLeakDetector;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Faults of RELIABILITY.md not covered by the contract suite, and the transport's wiring. */
class FaultsTest {

  private OriginServer server;
  private NettyTransport transport;
  private HaulClient client;

  @BeforeEach
  void start() {
    server = OriginServer.start();
    transport = NettyTransport.create();
    client = Haul.newBuilder().transport(transport)
        .retryPolicy(RetryPolicy.builder().settings(RetrySettings.builder().baseDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(5)).build()).build())
        .build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private int leased() {
    return transport.poolStats().stream().mapToInt(PoolStats::leased).sum();
  }

  @Test
  void f2ConnectThatNeverCompletesTimesOut() throws IOException {
    // A listener that never accepts, its backlog filled: further SYNs are dropped and connect hangs.
    try (ServerSocket silent = new ServerSocket()) {
      silent.bind(new InetSocketAddress("127.0.0.1", 0), 1);
      List<Socket> fillers = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          Socket s = new Socket();
          try {
            s.connect(silent.getLocalSocketAddress(), 200);
            fillers.add(s);
          } catch (IOException full) {
            s.close();
            break;
          }
        }
        HaulClient quick = Haul.newBuilder().transport(transport).retryPolicy(RetryPolicy.none())
            .config(HaulConfig.builder().connectTimeout(Duration.ofMillis(300)).build()).build();
        assertThatThrownBy(() -> quick.send(Request.get("http://127.0.0.1:" + silent.getLocalPort() + "/"),
            BodyHandlers.ofString()))
            .isInstanceOf(ConnectTimeoutException.class)
            .hasMessageContaining("haul.timeout.connect")
            .satisfies(e -> assertThat(((HaulException) e).sendState()).isEqualTo(SendState.NOT_SENT));
      } finally {
        for (Socket s : fillers) {
          s.close();
        }
      }
    }
    assertThat(leased()).isZero();
  }

  @Test
  void f3CloseBeforeReadingTheRequestIsRetriedOnANewConnection() {
    server.enqueue(MockResponse.fault(Fault.CLOSE_AT_START));
    server.enqueue(MockResponse.ok("second connection"));
    Response<String> r = client.send(Request.get(server.url("/f3").toString()), BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("second connection");
    assertThat(server.connectionCount()).isEqualTo(2);
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void f4CloseAfterTheRequestRetriesIdempotentRequestsOnly() {
    server.enqueue(MockResponse.fault(Fault.CLOSE_AFTER_REQUEST));
    server.enqueue(MockResponse.ok("retried"));
    assertThat(client.send(Request.get(server.url("/get").toString()), BodyHandlers.ofString()).body()).isEqualTo("retried");

    server.enqueue(MockResponse.fault(Fault.CLOSE_AFTER_REQUEST));
    Request post = Request.newBuilder(server.url("/post")).POST(RequestBody.ofString("order", "text/plain")).build();
    assertThatThrownBy(() -> client.send(post, BodyHandlers.ofString()))
        .isInstanceOf(ConnectionClosedException.class)
        .satisfies(e -> assertThat(((HaulException) e).sendState()).isEqualTo(SendState.SENT_NO_RESPONSE));
    assertThat(server.requests().stream().filter(r -> r.method().equals("POST")).count()).isEqualTo(1);

    server.enqueue(MockResponse.fault(Fault.CLOSE_AFTER_REQUEST));
    server.enqueue(MockResponse.ok("replayed"));
    Request safe = post.toBuilder().safeToRetry(true).build();
    assertThat(client.send(safe, BodyHandlers.ofString()).body()).isEqualTo("replayed");
  }

  @Test
  void f4HalfCloseAfterTheRequest() {
    server.enqueue(MockResponse.fault(Fault.HALF_CLOSE_AFTER_REQUEST));
    server.enqueue(MockResponse.ok("after half-close"));
    assertThat(client.send(Request.get(server.url("/h").toString()), BodyHandlers.ofString()).body())
        .isEqualTo("after half-close");
    assertThat(server.connectionCount()).isEqualTo(2);
  }

  @Test
  void f12StallInTheBodyFailsTypedAfterTheResponseWasReturned() {
    HaulClient c = Haul.newBuilder().transport(transport)
        .config(HaulConfig.builder().readIdleTimeout(Duration.ofMillis(300)).build())
        .retryPolicy(RetryPolicy.builder().settings(RetrySettings.builder().baseDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(1)).build()).build())
        .build();
    // A stall after the headers surfaces while the handler reads the body, after the retry stage
    // has returned the response: it is the caller's (or the download module's) to resume.
    server.enqueue(MockResponse.builder().body(new byte[1000]).fault(Fault.STALL_DURING_BODY, 10).build());
    assertThatThrownBy(() -> c.send(Request.get(server.url("/s").toString()), BodyHandlers.ofByteArray()))
        .isInstanceOf(dev.haul.ReadIdleTimeoutException.class);
  }

  @Test
  void f16TlsHandshakeThatStallsTimesOut() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try (Socket s = silent.accept()) {
          s.getInputStream().read(new byte[1024]); // read the ClientHello, answer nothing
          Thread.sleep(3000);
        } catch (Exception ignored) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      HaulClient quick = Haul.newBuilder().transport(transport).retryPolicy(RetryPolicy.none())
          .config(HaulConfig.builder().timeout(dev.haul.Timeouts.Kind.TLS_HANDSHAKE, Duration.ofMillis(300)).build())
          .build();
      assertThatThrownBy(() -> quick.send(Request.get("https://127.0.0.1:" + silent.getLocalPort() + "/"),
          BodyHandlers.ofString()))
          .isInstanceOf(dev.haul.TlsHandshakeTimeoutException.class)
          .hasMessageContaining("haul.timeout.tls-handshake");
    }
    assertThat(leased()).isZero();
  }

  @Test
  void callDeadlineEndsAStalledExchangeAndReleasesTheConnection() {
    server.enqueue(MockResponse.fault(Fault.STALL_BEFORE_HEADERS));
    Request req = Request.newBuilder(server.url("/slow")).callTimeout(Duration.ofMillis(300)).build();
    assertThatThrownBy(() -> client.send(req, BodyHandlers.ofString()))
        .isInstanceOf(dev.haul.DeadlineExceededException.class)
        .hasMessageContaining("haul.timeout.call");
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (leased() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(leased()).isZero();
  }

  @Test
  void nettyLeakDetectionIsParanoidAndRecording() {
    io.netty.buffer.ByteBuf b = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(1);
    b.release();
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    assertThat(RecordingLeakDetector.isInstalled()).isTrue();
  }

  @Test
  void disabledHostnameVerificationRefusesToStart() {
    String key = "io.netty.handler.ssl.defaultEndpointVerificationAlgorithm";
    System.setProperty(key, "NONE");
    try {
      assertThatThrownBy(NettyTransport::create).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(key).hasMessageContaining("hostname verification");
    } finally {
      System.clearProperty(key);
    }
  }

  @Test
  void epollIsUsedWhenAvailable() {
    assertThat(transport.isEpoll()).isEqualTo(io.netty.channel.epoll.Epoll.isAvailable());
    try (NettyTransport nio = new NettyTransport(NettyTransportConfig.builder().io(NettyTransportConfig.Io.NIO).build());
         HaulClient c = Haul.newBuilder().transport(nio).build()) {
      assertThat(nio.isEpoll()).isFalse();
      server.enqueue(MockResponse.ok("nio"));
      assertThat(c.send(Request.get(server.url("/").toString()), BodyHandlers.ofString()).body()).isEqualTo("nio");
    }
  }

  @Test
  void guiceModuleInstallsTheTransport() {
    Injector injector = Guice.createInjector(new CoreModule(), new NettyTransportModule());
    try (HaulClient c = injector.getInstance(HaulClient.class)) {
      server.enqueue(MockResponse.ok("wired"));
      assertThat(c.send(Request.get(server.url("/").toString()), BodyHandlers.ofString()).body()).isEqualTo("wired");
      assertThat(injector.getInstance(dev.haul.spi.Transport.class)).isInstanceOf(NettyTransport.class);
    }
  }
}
