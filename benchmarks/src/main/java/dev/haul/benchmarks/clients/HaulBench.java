package dev.haul.benchmarks.clients;

import dev.haul.BodyHandlers;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.Request;
import dev.haul.benchmarks.BenchClient;
import dev.haul.transport.netty.NettyTransport;
import dev.haul.transport.netty.NettyTransportConfig;
import java.net.URI;
import java.nio.file.Path;

/**
 * Haul on its Netty transport. The default configuration, or the documented tuned one: no leak
 * detection (it records the caller's stack per response) and completions run on the I/O thread
 * instead of hopping to the callback pool.
 */
public final class HaulBench implements BenchClient {

  private final boolean tuned;
  private HaulClient client;

  public HaulBench(boolean tuned) {
    this.tuned = tuned;
  }

  @Override
  public String name() {
    return tuned ? "haul-tuned" : "haul";
  }

  @Override
  public void start(int concurrency) {
    // -Dhaul.* system properties apply, so tunings can be tried through --jvm-args.
    NettyTransportConfig.Builder config = NettyTransportConfig.builder()
        .maxPerHost(Math.max(64, concurrency)).maxTotal(Math.max(256, concurrency))
        .read(dev.haul.config.ConfigSource.system());
    Haul.Builder b = Haul.newBuilder();
    if (tuned) {
      config.leakDetection(false);
      b.callbackExecutor(Runnable::run);
    }
    client = b.transport(new NettyTransport(config.build())).build();
  }

  @Override
  public long get(URI uri) {
    return client.send(Request.newBuilder(uri).build(), BodyHandlers.ofByteArray()).body().length;
  }

  @Override
  public long download(URI uri, Path file) throws Exception {
    client.send(Request.newBuilder(uri).build(), BodyHandlers.ofFile(file));
    return java.nio.file.Files.size(file);
  }

  @Override
  public void close() {
    client.close();
  }
}
