package dev.haul.benchmarks.clients;

import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.benchmarks.BenchClient;
import dev.haul.config.ConfigSource;
import dev.haul.download.Download;
import dev.haul.download.DownloadConfig;
import dev.haul.download.DownloadEvent;
import dev.haul.download.DownloadListener;
import dev.haul.download.DownloadRequest;
import dev.haul.download.DownloadResult;
import dev.haul.download.DownloadStrategy;
import dev.haul.download.Downloader;
import dev.haul.transport.netty.NettyTransport;
import dev.haul.transport.netty.NettyTransportConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;

/**
 * Haul's {@link Downloader} on the Netty transport, in its default configuration: {@code .part}
 * file, journal, SHA-256 computed while downloading, atomic rename. One segment is the
 * single-stream strategy, more are the segmented one. {@code -Dhaul.download.*} and
 * {@code -Dhaul.*} transport properties apply, so tunings can be tried through {@code --jvm-args}.
 */
public final class HaulDownloaderBench implements BenchClient {

  private final Map<String, Integer> events = new ConcurrentSkipListMap<>();
  private HaulClient client;
  private Downloader downloader;

  @Override
  public String name() {
    return "haul-dl";
  }

  @Override
  public void start(int concurrency) {
    NettyTransportConfig config = NettyTransportConfig.builder()
        .maxPerHost(Math.max(64, concurrency)).maxTotal(Math.max(256, concurrency))
        .read(ConfigSource.system()).build();
    client = Haul.newBuilder().transport(new NettyTransport(config)).build();
    DownloadConfig settings = DownloadConfig.from(ConfigSource.system());
    downloader = Downloader.builder(client)
        .config(settings.toBuilder().maxSegments(Math.max(settings.maxSegments(), concurrency)).build())
        .listener(new DownloadListener() {
          @Override
          public void onEvent(Download download, DownloadEvent event) {
            String kind = event.getClass().getSimpleName();
            if (event instanceof DownloadEvent.SegmentStarted s && s.duplicate()) {
              kind = "SegmentStarted(duplicate)";
            } else if (event instanceof DownloadEvent.SegmentFailed f) {
              kind = "SegmentFailed(" + f.reason() + ")";
            }
            events.merge(kind, 1, Integer::sum);
          }
        })
        .build();
  }

  @Override
  public long get(URI uri) {
    throw new UnsupportedOperationException("haul-dl only downloads");
  }

  @Override
  public long download(URI uri, Path file) throws Exception {
    return download(uri, file, 1);
  }

  /** How many events of each kind the downloads so far published: requests, failures, races. */
  public Map<String, Integer> events() {
    return Map.copyOf(events);
  }

  /** Forgets the events so far (the measured download starts). */
  public void clearEvents() {
    events.clear();
  }

  @Override
  public long download(URI uri, Path file, int segments) throws Exception {
    DownloadStrategy strategy = segments == 1 ? DownloadStrategy.singleStream() : DownloadStrategy.segmented(segments);
    DownloadRequest request = DownloadRequest.builder(uri).toFile(file).strategy(strategy)
        .overwrite(DownloadRequest.Overwrite.REPLACE).build();
    try {
      DownloadResult r = downloader.start(request).result().get();
      if (r.connections() < segments) {
        throw new IllegalStateException("haul-dl used " + r.connections() + " connections, asked for " + segments);
      }
      return r.size();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  @Override
  public void close() {
    if (downloader != null) {
      downloader.close();
    }
    if (client != null) {
      client.close();
    }
  }
}
