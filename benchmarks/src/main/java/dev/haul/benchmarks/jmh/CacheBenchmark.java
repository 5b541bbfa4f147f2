package dev.haul.benchmarks.jmh;

import dev.haul.BodyHandlers;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.Request;
import dev.haul.cache.CacheConfig;
import dev.haul.cache.HttpCache;
import dev.haul.cache.HttpDates;
import dev.haul.spi.RetryPolicy;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import dev.haul.transport.netty.NettyTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cache's hit path next to a network request, in one run: the same GET of a catalogue-sized
 * body ({@code size} bytes) answered by testkit's origin on 127.0.0.1 through the Netty transport
 * ({@code networkRequest}), from the in-memory store ({@code memoryHit}) and from the disk store
 * ({@code diskHit}). With {@code -prof gc} JMH also reports the bytes allocated per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CacheBenchmark {

  @Param({"1024"})
  public int size;

  private OriginServer origin;
  private HaulClient network;
  private HaulClient memory;
  private HaulClient disk;
  private HttpCache memoryCache;
  private HttpCache diskCache;
  private Path dir;
  private Request request;

  @Setup
  public void setUp() throws Exception {
    byte[] body = new byte[size];
    origin = OriginServer.builder().dispatcher(r -> MockResponse.builder().body(body)
        .header("Cache-Control", "max-age=86400").header("Date", HttpDates.format(Instant.now())).build()).start();
    request = Request.get(origin.url("/api/v1/models").toString());
    network = Haul.newBuilder().transport(NettyTransport.create()).retryPolicy(RetryPolicy.none()).build();
    memoryCache = HttpCache.builder().build();
    memory = Haul.newBuilder().transport(NettyTransport.create()).cache(memoryCache).build();
    dir = Files.createTempDirectory("haul-cache-bench");
    diskCache = HttpCache.builder().config(CacheConfig.builder().dir(dir).build()).build();
    disk = Haul.newBuilder().transport(NettyTransport.create()).cache(diskCache).build();
    memory.send(request, BodyHandlers.ofByteArray());
    disk.send(request, BodyHandlers.ofByteArray());
    if (origin.requestCount() != 2) {
      throw new IllegalStateException("the warm-up requests did not reach the origin");
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    if (memoryCache.stats().misses() != 1 || diskCache.stats().misses() != 1) {
      throw new IllegalStateException("a hit went to the origin: " + memoryCache.stats() + ", " + diskCache.stats());
    }
    network.close();
    memory.close();
    disk.close();
    memoryCache.close();
    diskCache.close();
    origin.close();
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }

  @Benchmark
  public int networkRequest() {
    return network.send(request, BodyHandlers.ofByteArray()).body().length;
  }

  @Benchmark
  public int memoryHit() {
    return memory.send(request, BodyHandlers.ofByteArray()).body().length;
  }

  @Benchmark
  public int diskHit() {
    return disk.send(request, BodyHandlers.ofByteArray()).body().length;
  }
}
