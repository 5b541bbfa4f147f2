package dev.haul.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.BodyHandlers;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.spi.RetryPolicy;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 8, second review: engine defects end to end through {@link NettyTransport}. */
class Issue8Review2Test extends EndToEndTestBase {

  @Test
  void aCallbackExecutorThatThrowsNeitherHangsTheCallNorLeaksItsConnection() throws Exception {
    // Issue 8 review 2: only a RejectedExecutionException from the callback executor fell back to
    // the client's own threads; any other exception escaped the completion lambda and was
    // swallowed: the call never completed and its body (and connection) was never released.
    OriginServer server = server();
    byte[] content = new byte[64 * 1024 + 3];
    server.enqueue(MockResponse.builder().status(200).body(content).build());
    NettyTransport transport = NettyTransport.create();
    HaulClient client = client(Haul.newBuilder().transport(transport).retryPolicy(RetryPolicy.none())
        .callbackExecutor(r -> {
          throw new IllegalStateException("executor broken");
        }));
    Path target = dir.resolve("f.bin");

    CompletableFuture<Response<Path>> f =
        client.sendAsync(Request.newBuilder(server.url("/f")).build(), BodyHandlers.ofFile(target));

    Response<Path> r = f.get(5, TimeUnit.SECONDS);
    assertThat(r.body()).isEqualTo(target);
    assertThat(Files.size(target)).isEqualTo(content.length);
    await(() -> transport.poolStats().stream().allMatch(s -> s.leased() == 0), "no leased connections");
  }
  @Test
  void anOriginThatNeverCompletesTheHandshakeOpensTheCircuitWhenTheDeadlineIsShorter() throws Exception {
    // Issue 8 review 2: a deadline that cut the attempt while it was still connecting (TCP
    // connect or TLS handshake: no connection yet, NOT_SENT) counted as nothing, so an origin that
    // never accepts connections never opened the circuit when the call timeout was at most the
    // connect timeouts. Here the origin accepts TCP but never answers the TLS ClientHello.
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      List<java.net.Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(silent.accept());
          }
        } catch (java.io.IOException closed) {
          // the test is over
        }
      }, "silent-origin");
      acceptor.setDaemon(true);
      acceptor.start();
      try {
        dev.haul.HaulConfig config = dev.haul.HaulConfig.builder().circuit(dev.haul.CircuitBreakerSettings.builder().enabled(true)
            .failureRate(0.5).minimumCalls(100)
            .window(java.time.Duration.ofSeconds(60)).consecutiveFailures(3).openDuration(java.time.Duration.ofSeconds(60)).build()).build();
        HaulClient client = client(Haul.newBuilder().transport(NettyTransport.create()).config(config)
            .retryPolicy(RetryPolicy.none()));
        Request req = Request.newBuilder(java.net.URI.create("https://127.0.0.1:" + silent.getLocalPort() + "/x"))
            .callTimeout(java.time.Duration.ofMillis(300)).build();
        for (int i = 0; i < 3; i++) {
          org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.send(req, BodyHandlers.ofString()))
              .isInstanceOf(dev.haul.DeadlineExceededException.class)
              .satisfies(e -> assertThat(((dev.haul.HaulException) e).sendState()).isEqualTo(dev.haul.SendState.NOT_SENT));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.send(req, BodyHandlers.ofString()))
            .isInstanceOf(dev.haul.CircuitOpenException.class);
      } finally {
        synchronized (held) {
          for (java.net.Socket s : held) {
            s.close();
          }
        }
      }
    }
  }
}

