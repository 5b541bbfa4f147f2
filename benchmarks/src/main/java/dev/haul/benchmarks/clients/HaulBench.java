package dev.haul.benchmarks.clients;

import dev.haul.BodyHandler;
import dev.haul.BodyHandlers;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.benchmarks.BenchClient;
import dev.haul.benchmarks.LoadModel;
import dev.haul.transport.netty.NettyTransport;
import dev.haul.transport.netty.NettyTransportConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Haul on its Netty transport. The default configuration, or the documented tuned one: no leak
 * detection (it records the caller's stack per response) and completions run on the I/O thread
 * instead of hopping to the callback pool. Blocking callers use {@code send}, requests in flight
 * {@code sendAsync}.
 */
public final class HaulBench implements BenchClient, ManualRanges.Fetcher {

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
  public Optional<String> unsupported(LoadModel model) {
    return Optional.empty();
  }

  @Override
  public CompletableFuture<Long> getAsync(URI uri) {
    return client.sendAsync(Request.newBuilder(uri).build(), BodyHandlers.ofByteArray())
        .thenApply(r -> (long) r.body().length);
  }

  @Override
  public long download(URI uri, Path file) throws Exception {
    client.send(Request.newBuilder(uri).build(), BodyHandlers.ofFile(file));
    return java.nio.file.Files.size(file);
  }

  /**
   * With the plain client, ranges done by hand like the peers do (not the downloader: that is
   * {@link HaulDownloaderBench}), so the transport's share of a segmented download shows.
   */
  @Override
  public long download(URI uri, Path file, int segments) throws Exception {
    return segments == 1 ? download(uri, file) : ManualRanges.download(this, uri, file, segments);
  }

  @Override
  public long length(URI uri) throws Exception {
    Response<byte[]> r = client.send(Request.newBuilder(uri).HEAD().build(), BodyHandlers.ofByteArray());
    return ManualRanges.contentLength(r.headers().get("Content-Length"));
  }

  @Override
  public long fetch(URI uri, long first, long last, FileChannel file) throws Exception {
    Request request = Request.newBuilder(uri).header("Range", ManualRanges.range(first, last)).build();
    BodyHandler<Long> toFile = BodyHandlers.ofFileChannel(file, first, last - first + 1);
    long n = client.send(request, (info, body) -> {
      try {
        ManualRanges.check(info.status(), info.headers().get("Content-Range"), first, last);
      } catch (IOException e) {
        body.close();
        return CompletableFuture.failedFuture(e);
      }
      return toFile.handle(info, body);
    }).body();
    return ManualRanges.checkCount(n, last - first + 1);
  }

  @Override
  public void close() {
    client.close();
  }
}
