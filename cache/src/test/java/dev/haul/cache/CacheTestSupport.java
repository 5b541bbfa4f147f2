package dev.haul.cache;

import dev.haul.BodyHandlers;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.spi.RetryPolicy;
import dev.haul.testing.RecordingEventListener;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.NettyLeakCheck;
import dev.haul.testkit.OriginServer;
import dev.haul.testkit.RecordedRequest;
import dev.haul.transport.netty.NettyTransport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the end-to-end cache tests share: testkit's origin on 127.0.0.1 answering per path, clients
 * on the real Netty transport with a cache in their slot, a wall clock the test moves, and the
 * cache events.
 */
@ExtendWith(NettyLeakCheck.class)
abstract class CacheTestSupport {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  final MutableClock clock = new MutableClock(T0);
  final RecordingEventListener events = RecordingEventListener.everything();
  final Map<String, Function<RecordedRequest, MockResponse>> routes = new ConcurrentHashMap<>();
  final List<RecordedRequest> received = new CopyOnWriteArrayList<>();
  final List<AutoCloseable> closeables = new ArrayList<>();
  OriginServer server;

  @BeforeEach
  void startOrigin() {
    server = OriginServer.builder().dispatcher(r -> {
      received.add(r);
      Function<RecordedRequest, MockResponse> route = routes.get(r.path());
      return route == null ? MockResponse.builder().status(404).body("no route").build() : route.apply(r);
    }).start();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    if (!originStopped) {
      server.close();
    }
  }

  private boolean originStopped;

  /** Stops the origin (its {@code close()} may be called once only). */
  void stopOrigin() {
    originStopped = true;
    server.close();
  }

  HttpCache.Builder cacheBuilder() {
    return HttpCache.builder().clock(clock).events(events);
  }

  HttpCache cache(HttpCache.Builder b) {
    HttpCache c = b.build();
    closeables.add(c);
    return c;
  }

  HaulClient client(HttpCache cache) {
    HaulClient c = Haul.newBuilder().transport(NettyTransport.create()).cache(cache).addEventListener(events)
        .retryPolicy(RetryPolicy.none()).build();
    closeables.add(c);
    return c;
  }

  /** The current time of the test clock as an HTTP date. */
  String now() {
    return HttpDates.format(clock.instant());
  }

  /** A 200 with {@code body}, a {@code Date} of the test clock, and these header names and values. */
  MockResponse ok(String body, String... headers) {
    return response(200, body, headers);
  }

  MockResponse response(int status, String body, String... headers) {
    MockResponse.Builder b = MockResponse.builder().status(status).body(body).header("Date", now());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  int requests(String path) {
    return (int) received.stream().filter(r -> r.path().equals(path)).count();
  }

  RecordedRequest lastRequest(String path) {
    RecordedRequest last = null;
    for (RecordedRequest r : received) {
      if (r.path().equals(path)) {
        last = r;
      }
    }
    return last;
  }

  static Response<String> get(HaulClient client, Request request) {
    return client.send(request, BodyHandlers.ofString());
  }

  Response<String> get(HaulClient client, String path, String... headers) {
    Request.Builder b = Request.newBuilder(server.url(path));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return get(client, b.build());
  }

  /** The cache's entry in the response's {@code Cache-Status} (the last one). */
  static String cacheStatus(Response<?> r) {
    List<String> all = r.headers().all("Cache-Status");
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }
}
