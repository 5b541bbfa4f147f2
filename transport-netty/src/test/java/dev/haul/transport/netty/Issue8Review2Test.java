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
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 8, second review: engine defects end to end through {@link NettyTransport}. */
class Issue8Review2Test {

  private final List<OriginServer> servers = new ArrayList<>();
  private final List<HaulClient> clients = new ArrayList<>();

  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    clients.forEach(HaulClient::close);
    servers.forEach(OriginServer::close);
  }

  private OriginServer server() {
    OriginServer s = OriginServer.start();
    servers.add(s);
    return s;
  }

  private HaulClient client(Haul.Builder b) {
    HaulClient c = b.build();
    clients.add(c);
    return c;
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

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
}
