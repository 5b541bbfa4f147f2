package dev.haul.transport.netty;

import dev.haul.HaulClient;
import java.util.ArrayList;
import java.util.List;

/** What a test opened, closed after it: clients first, then the transports they use. */
final class TestResources {
  private final List<AutoCloseable> closeables = new ArrayList<>();

  NettyTransport transport(NettyTransportConfig config) {
    NettyTransport t = new NettyTransport(config);
    closeables.add(t);
    return t;
  }

  HaulClient client(HaulClient c) {
    closeables.add(0, c);
    return c;
  }

  /** Closes everything, in that order (called from the test's {@code @AfterEach}). */
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }
}
