package dev.haul.transport.netty;

import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.testkit.OriginServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** What the end-to-end tests share: servers and clients closed after each test, and a temp dir. */
abstract class EndToEndTestBase {

  private final List<OriginServer> servers = new ArrayList<>();
  private final List<HaulClient> clients = new ArrayList<>();

  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    clients.forEach(HaulClient::close);
    servers.forEach(OriginServer::close);
  }

  OriginServer server() {
    OriginServer s = OriginServer.start();
    servers.add(s);
    return s;
  }

  HaulClient client(Haul.Builder b) {
    HaulClient c = b.build();
    clients.add(c);
    return c;
  }

  static void await(BooleanSupplier condition, String what) {
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
}
