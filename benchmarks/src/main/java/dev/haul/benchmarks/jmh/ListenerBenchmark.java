package dev.haul.benchmarks.jmh;

import com.codahale.metrics.MetricRegistry;
import dev.haul.BodyHandlers;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.Origin;
import dev.haul.Request;
import dev.haul.monitoring.HaulMetrics;
import dev.haul.monitoring.MonitoringConfig;
import dev.haul.spi.Call;
import dev.haul.spi.EventListener;
import dev.haul.spi.RawResponse;
import java.time.Duration;
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
 * What {@code HaulMetrics} costs a call. {@code callEvents} replays one call's events (listener
 * creation, call start, attempt, pool acquire, request sent, headers, body end, call end) into the
 * sink shared by all threads, against {@code callEventsBaseline} into a listener that does nothing;
 * run it with {@code -t 1} and {@code -t 64} to see contention (one registry, one origin: the worst
 * case). {@code send}/{@code sendWithMetrics}: a whole call through the chain over an in-memory
 * transport, without and with the sink.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ListenerBenchmark {

  private final Request request = Request.get("http://api.example/v1/ping");
  private final Origin origin = Origin.of(request.uri());
  private final RawResponse response = RawResponse.builder().request(request).status(200)
      .body(dev.haul.ResponseBody.ofBytes(new byte[0])).build();
  private final Duration elapsed = Duration.ofMillis(3);
  private final Call call = new Call() {
    @Override
    public long id() {
      return 1;
    }

    @Override
    public Request request() {
      return request;
    }

    @Override
    public long startNanos() {
      return 0;
    }
  };
  private final EventListener.Factory nothing = c -> EventListener.NONE;
  private HaulMetrics metrics;
  private HaulClient plain;
  private HaulClient measured;

  @Setup
  public void setUp() {
    metrics = HaulMetrics.create(new MetricRegistry(), MonitoringConfig.defaults());
    plain = Haul.newBuilder().transport(new ChainBenchmark.InMemoryTransport()).build();
    measured = metrics.installOn(Haul.newBuilder()).transport(new ChainBenchmark.InMemoryTransport()).build();
  }

  @TearDown
  public void tearDown() {
    plain.close();
    measured.close();
  }

  private EventListener replay(EventListener.Factory factory) {
    EventListener l = factory.create(call);
    l.callStart(request);
    l.requestStart(request);
    l.poolAcquireEnd(origin, true, Duration.ZERO);
    l.requestSent(request, 0);
    l.responseHeaders(request, response);
    l.callEnd(request, response, elapsed);
    l.responseBodyEnd(request, 100);
    return l;
  }

  @Benchmark
  public EventListener callEvents() {
    return replay(metrics);
  }

  @Benchmark
  public EventListener callEventsBaseline() {
    return replay(nothing);
  }

  @Benchmark
  public int send() {
    return plain.send(request, BodyHandlers.ofByteArray()).body().length;
  }

  @Benchmark
  public int sendWithMetrics() {
    return measured.send(request, BodyHandlers.ofByteArray()).body().length;
  }
}
