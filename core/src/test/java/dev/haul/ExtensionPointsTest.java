package dev.haul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.haul.spi.CacheStage;
import dev.haul.spi.Call;
import dev.haul.spi.EventListener;
import dev.haul.spi.HaulEvent;
import dev.haul.spi.Interceptor;
import dev.haul.spi.RawResponse;
import dev.haul.spi.RetryPolicy;
import dev.haul.spi.Transport;
import dev.haul.testing.FakeTransport;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 9: the cache slot, the chain API, per-call identity on events, body and module events. */
class ExtensionPointsTest {

  private static final RetryPolicy FAST = RetryPolicy.of(RetrySettings.builder()
      .baseDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(5)).build());

  private final FakeTransport transport = new FakeTransport();
  private final List<String> order = Collections.synchronizedList(new ArrayList<>());
  private HaulClient client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  private Request get(String path) {
    return Request.get("http://example.test" + path);
  }

  /** A cache that records where it runs and what it sees, answering from its "store" on /hit. */
  private final class RecordingCache implements CacheStage {
    final List<Integer> attemptsSeen = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<RawResponse> intercept(Chain chain) {
      order.add("cache UA=" + java.util.Objects.requireNonNullElse(chain.request().headers().get("User-Agent"), "-"));
      attemptsSeen.add(chain.attempt());
      if (chain.request().uri().getPath().equals("/hit")) {
        chain.listener().cacheHit(chain.request(), null);
        return CompletableFuture.completedFuture(RawResponse.builder().request(chain.request())
            .status(200).body(ResponseBody.ofBytes("stored".getBytes())).build());
      }
      chain.listener().cacheMiss(chain.request());
      return chain.proceed(chain.request());
    }
  }

  private Interceptor named(String name) {
    return chain -> {
      order.add(name);
      return chain.proceed(chain.request());
    };
  }

  @Test
  void cacheSitsAfterRetriesAndBeforeBridgeAndNetworkInterceptors() {
    RecordingCache cache = new RecordingCache();
    client = Haul.newBuilder().transport(transport).retryPolicy(FAST)
        .addNetworkInterceptor(chain -> {
          order.add("net UA=" + java.util.Objects.requireNonNullElse(chain.request().headers().get("User-Agent"), "-")
              + " attempt=" + chain.attempt());
          return chain.proceed(chain.request());
        })
        .cache(cache)
        .addInterceptor(named("app"))
        .build();
    transport.enqueue(503, "busy").enqueue(200, "fresh");

    Response<String> r = client.send(get("/miss"), BodyHandlers.ofString());

    assertThat(r.body()).isEqualTo("fresh");
    // Inside the retry loop (it sees both attempts), before the bridge adds the User-Agent.
    assertThat(order).containsExactly("app", "cache UA=-", "net UA=haul/0.1.0 attempt=1",
        "cache UA=-", "net UA=haul/0.1.0 attempt=2");
    assertThat(cache.attemptsSeen).containsExactly(0, 1);
  }

  @Test
  void cacheHitNeverReachesTheTransport() {
    List<String> events = new CopyOnWriteArrayList<>();
    client = Haul.newBuilder().transport(transport).cache(new RecordingCache())
        .addEventListener(new EventListener() {
          @Override
          public void cacheHit(Request request, ResponseInfo response) {
            events.add("hit " + request.uri().getPath());
          }

          @Override
          public void responseBodyEnd(Request request, long bytes) {
            events.add("bodyEnd " + bytes);
          }
        })
        .build();

    assertThat(client.send(get("/hit"), BodyHandlers.ofString()).body()).isEqualTo("stored");
    assertThat(transport.exchanges()).isEmpty();
    assertThat(events).containsExactly("hit /hit", "bodyEnd 6");
  }

  @Test
  void withoutACacheTheSlotIsNotInTheChain() {
    client = Haul.newBuilder().transport(transport).build();
    transport.enqueue(200, "ok");
    assertThat(client.send(get("/x"), BodyHandlers.ofString()).body()).isEqualTo("ok");
    assertThat(chainOf(client)).noneMatch(i -> i instanceof CacheStage);
  }

  @Test
  void guiceBindsTheCacheWhateverOrderModulesAreInstalledIn() {
    RecordingCache cache = new RecordingCache();
    AbstractModule cacheModule = new AbstractModule() {
      @Override
      protected void configure() {
        CoreModule.cacheBinder(binder()).setBinding().toInstance(cache);
      }
    };
    AbstractModule transportModule = new AbstractModule() {
      @Override
      protected void configure() {
        CoreModule.transportBinder(binder()).setBinding().toInstance(transport);
      }
    };
    Injector injector = Guice.createInjector(cacheModule, new CoreModule(), transportModule);
    client = injector.getInstance(HaulClient.class);
    assertThat(client.send(get("/hit"), BodyHandlers.ofString()).body()).isEqualTo("stored");
    assertThat(transport.exchanges()).isEmpty();
    List<Interceptor> chain = chainOf(client);
    assertThat(chain).contains(cache);
  }

  @Test
  void factoryListenersGetOneListenerPerCallWithItsIdentity() throws Exception {
    Map<Long, List<String>> perCall = new ConcurrentHashMap<>();
    List<Call> calls = new CopyOnWriteArrayList<>();
    List<Long> seenByInterceptor = new CopyOnWriteArrayList<>();
    CountDownLatch bothStarted = new CountDownLatch(2);
    client = Haul.newBuilder().transport(transport)
        .addInterceptor(chain -> {
          seenByInterceptor.add(chain.call().id());
          assertThat(chain.call().request().uri()).isEqualTo(chain.request().uri());
          return chain.proceed(chain.request());
        })
        .addEventListenerFactory(call -> {
          calls.add(call);
          List<String> mine = new CopyOnWriteArrayList<>();
          perCall.put(call.id(), mine);
          return new EventListener() {
            @Override
            public void callStart(Request request) {
              mine.add("start " + request.uri().getPath());
              bothStarted.countDown();
            }

            @Override
            public void responseHeaders(Request request, ResponseInfo response) {
              mine.add("headers " + request.uri().getPath());
            }

            @Override
            public void callEnd(Request request, ResponseInfo response, Duration elapsed) {
              mine.add("end " + request.uri().getPath());
            }
          };
        })
        .build();
    // Both calls are in flight together: the transport answers only once both have started.
    CompletableFuture<Void> gate = new CompletableFuture<>();
    for (int i = 0; i < 2; i++) {
      transport.enqueue(ex -> gate.thenApply(v -> RawResponse.builder().request(ex.request())
          .status(200).body(ResponseBody.ofBytes(ex.request().uri().getPath().getBytes())).build()));
    }
    CompletableFuture<Response<String>> a = client.sendAsync(get("/a"), BodyHandlers.ofString());
    CompletableFuture<Response<String>> b = client.sendAsync(get("/b"), BodyHandlers.ofString());
    assertThat(bothStarted.await(10, TimeUnit.SECONDS)).isTrue();
    gate.complete(null);
    assertThat(a.get(10, TimeUnit.SECONDS).body()).isEqualTo("/a");
    assertThat(b.get(10, TimeUnit.SECONDS).body()).isEqualTo("/b");

    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).id()).isNotEqualTo(calls.get(1).id());
    assertThat(seenByInterceptor).containsExactlyInAnyOrderElementsOf(perCall.keySet());
    for (Call c : calls) {
      String path = c.request().uri().getPath();
      assertThat(perCall.get(c.id())).containsExactly("start " + path, "headers " + path, "end " + path);
    }
  }

  @Test
  void aThrowingFactoryNeverBreaksTheCall() {
    List<String> shared = new CopyOnWriteArrayList<>();
    client = Haul.newBuilder().transport(transport)
        .addEventListenerFactory(call -> {
          throw new IllegalStateException("boom");
        })
        .addEventListener(new EventListener() {
          @Override
          public void callEnd(Request request, ResponseInfo response, Duration elapsed) {
            shared.add("end");
          }
        })
        .build();
    transport.enqueue(200, "ok");
    assertThat(client.send(get("/x"), BodyHandlers.ofString()).body()).isEqualTo("ok");
    assertThat(shared).containsExactly("end");
  }

  @Test
  void bodyEventsCountDeliveredBytesAndReportAnEarlyClose() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    client = Haul.newBuilder().transport(transport)
        .addEventListener(new EventListener() {
          @Override
          public void responseBodyEnd(Request request, long bytes) {
            events.add("end " + request.uri().getPath() + " " + bytes);
          }

          @Override
          public void responseBodyFailed(Request request, long bytes, Throwable failure) {
            events.add("failed " + request.uri().getPath() + " " + bytes + " "
                + failure.getClass().getSimpleName());
          }
        })
        .build();
    transport.enqueue(200, "0123456789").enqueue(200, "abcdefgh".repeat(20_000));

    client.send(get("/all"), BodyHandlers.ofString());
    Response<java.io.InputStream> streamed = client.send(get("/part"), BodyHandlers.ofInputStream());
    try (java.io.InputStream in = streamed.body()) {
      assertThat(in.read()).isEqualTo('a');
    }
    assertThat(events).hasSize(2);
    assertThat(events.get(0)).isEqualTo("end /all 10");
    // The stream pulled some chunks (the fake transport's are 4 bytes), then was closed.
    assertThat(events.get(1)).startsWith("failed /part ").endsWith(" CallCancelledException");
    long delivered = Long.parseLong(events.get(1).split(" ")[2]);
    assertThat(delivered).isBetween(1L, 160_000L - 1);
  }

  @Test
  void aCallRefusedAfterCloseAsksNoFactoryForAListener() {
    // Issue 9 review: the factory made a listener for a refused call that then heard nothing.
    List<String> events = new CopyOnWriteArrayList<>();
    HaulClient c = Haul.newBuilder().transport(transport)
        .addEventListenerFactory(call -> {
          events.add("created #" + call.id());
          return EventListener.NONE;
        }).build();
    c.close();
    assertThatThrownBy(() -> c.send(get("/x"), BodyHandlers.ofString()))
        .isInstanceOf(ClientClosedException.class);
    assertThat(events).isEmpty();
  }

  @Test
  void perCallAndSharedListenersAreOneGuardedLayer() {
    // A throwing per-call listener never breaks the call, and the shared ones still hear it all.
    List<String> shared = new CopyOnWriteArrayList<>();
    client = Haul.newBuilder().transport(transport)
        .addEventListener(new EventListener() {
          @Override
          public void callEnd(Request request, ResponseInfo response, Duration elapsed) {
            shared.add("end");
          }
        })
        .addEventListenerFactory(call -> new EventListener() {
          @Override
          public void callStart(Request request) {
            throw new IllegalStateException("broken sink");
          }
        })
        .build();
    for (int i = 0; i < 3; i++) {
      transport.enqueue(200, "ok");
      assertThat(client.send(get("/x"), BodyHandlers.ofString()).body()).isEqualTo("ok");
    }
    assertThat(shared).containsExactly("end", "end", "end");
  }

  record Published(String what) implements HaulEvent {
    @Override
    public String module() {
      return "test";
    }
  }

  @Test
  void modulesPublishThroughTheSharedListeners() {
    List<HaulEvent> seen = new CopyOnWriteArrayList<>();
    List<String> factorySaw = new CopyOnWriteArrayList<>();
    client = Haul.newBuilder().transport(transport)
        .addEventListener(new EventListener() {
          @Override
          public void moduleEvent(HaulEvent event) {
            seen.add(event);
          }

          @Override
          public void cacheEvicted(URI uri, long bytes, String cause) {
            seen.add(new Published("evicted " + uri + " " + bytes + " " + cause));
          }
        })
        .addEventListenerFactory(call -> new EventListener() {
          @Override
          public void moduleEvent(HaulEvent event) {
            factorySaw.add("per-call listener got a module event");
          }
        })
        .build();
    client.events().moduleEvent(new Published("download started"));
    client.events().cacheEvicted(URI.create("http://example.test/x"), 42, "size");
    assertThat(seen).containsExactly(new Published("download started"),
        new Published("evicted http://example.test/x 42 size"));
    assertThat(factorySaw).isEmpty();
  }

  @Test
  void aBuiltInStageRunsOnlyInsideAClientChain() {
    Interceptor retry = chainOf(Haul.newBuilder().transport(new FakeTransport()).build()).stream()
        .filter(i -> i.getClass().getSimpleName().equals("RetryInterceptor")).findFirst().orElseThrow();
    assertThatThrownBy(() -> retry.intercept(null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("runs only inside a Haul client's chain");
  }

  @SuppressWarnings("unchecked")
  private static List<Interceptor> chainOf(HaulClient c) {
    try {
      java.lang.reflect.Method m = c.getClass().getDeclaredMethod("chain");
      m.setAccessible(true);
      return (List<Interceptor>) m.invoke(c);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  static Transport unused() {
    return null;
  }
}
