package dev.haul.benchmarks.jmh;

import dev.haul.Headers;
import dev.haul.Request;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Building and validating headers and requests: paid on every call. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeadersBenchmark {

  private final URI uri = URI.create("https://civitai.example/api/v1/models?limit=100&page=2");
  private final Headers typical = Headers.of("Accept", "application/json", "Authorization", "Bearer abc",
      "User-Agent", "haul/0.1.0", "X-Request-Id", "7d1f2c");

  @Benchmark
  public Headers buildEightHeaders() {
    return Headers.of("Accept", "application/json", "Accept-Language", "en", "Authorization", "Bearer abc",
        "User-Agent", "haul/0.1.0", "X-Request-Id", "7d1f2c", "Cache-Control", "no-cache",
        "If-None-Match", "\"etag\"", "Connection", "keep-alive");
  }

  @Benchmark
  public String lookupCaseInsensitive() {
    return typical.get("x-request-id");
  }

  @Benchmark
  public Request buildRequest() {
    return Request.newBuilder(uri).header("Accept", "application/json").build();
  }

  @Benchmark
  public Request rebuildWithOneMoreHeader() {
    return Request.newBuilder(uri).headers(typical).build().toBuilder().setHeader("X-Attempt", "2").build();
  }
}
