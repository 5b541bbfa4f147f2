package dev.haul.benchmarks.jmh;

import dev.haul.BodyHandlers;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.Request;
import dev.haul.ResponseBody;
import dev.haul.spi.Exchange;
import dev.haul.spi.RawResponse;
import dev.haul.spi.Transport;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The core's per-call cost without any I/O: the interceptor chain (redirect, retry, bridge),
 * the retry policy, the deadline bookkeeping and a byte-array body handler, over an in-memory
 * transport that answers at once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChainBenchmark {

  private static final byte[] BODY = new byte[100];

  private HaulClient client;
  private HaulClient withInterceptors;
  private final Request request = Request.get("http://api.example/v1/ping");

  /** Answers every exchange at once with 100 bytes. */
  static final class InMemoryTransport implements Transport {
    @Override
    public CompletableFuture<RawResponse> execute(Exchange exchange) {
      return CompletableFuture.completedFuture(RawResponse.builder().request(exchange.request()).status(200)
          .body(ResponseBody.ofBytes(BODY)).build());
    }

    @Override
    public void close() {}
  }

  @Setup
  public void setUp() {
    client = Haul.newBuilder().transport(new InMemoryTransport()).build();
    withInterceptors = Haul.newBuilder().transport(new InMemoryTransport())
        .addInterceptor(chain -> chain.proceed(chain.request()))
        .addNetworkInterceptor(chain -> chain.proceed(chain.request()))
        .build();
  }

  @TearDown
  public void tearDown() {
    client.close();
    withInterceptors.close();
  }

  @Benchmark
  public int send() {
    return client.send(request, BodyHandlers.ofByteArray()).body().length;
  }

  @Benchmark
  public int sendWithAnApplicationAndANetworkInterceptor() {
    return withInterceptors.send(request, BodyHandlers.ofByteArray()).body().length;
  }
}
