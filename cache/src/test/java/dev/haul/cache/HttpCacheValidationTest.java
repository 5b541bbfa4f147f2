package dev.haul.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.ConnectFailedException;
import dev.haul.HaulClient;
import dev.haul.HaulException;
import dev.haul.Request;
import dev.haul.RequestBody;
import dev.haul.Response;
import dev.haul.testkit.MockResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Issue 11: validation (§4.3), stale-while-revalidate and stale-if-error (RFC 5861), invalidation (§4.4). */
class HttpCacheValidationTest extends CacheTestSupport {

  @Test
  void a304RefreshesTheStoredHeadersAndTheStoredBodyAnswers() {
    routes.put("/e", r -> "\"v1\"".equals(r.header("If-None-Match"))
        ? response(304, "", "ETag", "\"v1\"", "Cache-Control", "max-age=100", "X-Version", "b")
        : ok("body-one", "ETag", "\"v1\"", "Cache-Control", "max-age=10", "X-Version", "a", "Content-Type", "text/plain"));
    HaulClient client = client(cache(cacheBuilder()));
    get(client, "/e");
    clock.advance(Duration.ofSeconds(11));
    Response<String> validated = get(client, "/e");
    assertThat(lastRequest("/e").header("If-None-Match")).isEqualTo("\"v1\"");
    assertThat(validated.status()).isEqualTo(200);
    assertThat(validated.body()).isEqualTo("body-one");
    assertThat(validated.headers().get("X-Version")).isEqualTo("b");
    assertThat(validated.headers().get("Content-Type")).isEqualTo("text/plain");
    assertThat(validated.headers().get("Content-Length")).isEqualTo("8");
    assertThat(cacheStatus(validated)).isEqualTo("haul; fwd=stale; fwd-status=304; ttl=100");
    clock.advance(Duration.ofSeconds(99));
    Response<String> hit = get(client, "/e");
    assertThat(cacheStatus(hit)).isEqualTo("haul; hit; ttl=1"); // the lifetime the 304 gave, from its time
    assertThat(hit.headers().get("X-Version")).isEqualTo("b");
    assertThat(requests("/e")).isEqualTo(2);
    assertThat(events.events()).contains("cacheConditionalHit /e");
    assertThat(cache(cacheBuilder()).stats().conditionalHits()).isZero(); // a fresh cache counts nothing
  }

  @Test
  void lastModifiedIsSentAsIfModifiedSinceAndA200ReplacesTheEntry() {
    String lastModified = HttpDates.format(T0.minus(Duration.ofDays(1)));
    routes.put("/lm", r -> r.header("If-Modified-Since") != null && requests("/lm") == 2
        ? response(304, "")
        : ok("v" + requests("/lm"), "Last-Modified", lastModified, "Cache-Control", "max-age=1"));
    HttpCache cache = cache(cacheBuilder());
    HaulClient client = client(cache);
    get(client, "/lm");
    clock.advance(Duration.ofSeconds(2));
    Response<String> notModified = get(client, "/lm");
    assertThat(lastRequest("/lm").header("If-Modified-Since")).isEqualTo(lastModified);
    assertThat(notModified.body()).isEqualTo("v1");
    clock.advance(Duration.ofSeconds(2));
    Response<String> changed = get(client, "/lm");
    assertThat(changed.body()).isEqualTo("v3");
    assertThat(cacheStatus(changed)).isEqualTo("haul; fwd=stale; fwd-status=200; stored");
    assertThat(cacheStatus(get(client, "/lm"))).startsWith("haul; hit");
    assertThat(get(client, "/lm").body()).isEqualTo("v3");
    CacheStats stats = cache.stats();
    assertThat(stats.conditionalHits()).isEqualTo(1);
    assertThat(stats.misses()).isEqualTo(2); // the first request and the validation answered with 200
    assertThat(stats.hits()).isEqualTo(2);
    assertThat(stats.stored()).isEqualTo(2);
    assertThat(stats.entries()).isEqualTo(1);
  }

  @Test
  void a304ForAnotherEntityTagIsNotAppliedToTheStoredResponse() {
    routes.put("/tag", r -> r.header("If-None-Match") != null
        ? response(304, "", "ETag", "\"other\"")
        : ok("fresh-copy", "ETag", "\"v1\"", "Cache-Control", "max-age=1"));
    HaulClient client = client(cache(cacheBuilder()));
    get(client, "/tag");
    clock.advance(Duration.ofSeconds(2));
    Response<String> r = get(client, "/tag");
    assertThat(r.body()).isEqualTo("fresh-copy");
    assertThat(requests("/tag")).isEqualTo(3); // the validation, then a plain request
    assertThat(lastRequest("/tag").header("If-None-Match")).isNull();
  }

  @Test
  void staleWhileRevalidateServesStaleAtOnceAndRevalidatesOnceInTheBackground() throws Exception {
    routes.put("/swr", r -> r.header("If-None-Match") != null
        ? response(304, "", "ETag", "\"s\"", "Cache-Control", "max-age=100, stale-while-revalidate=60")
        : ok("swr-body", "ETag", "\"s\"", "Cache-Control", "max-age=1, stale-while-revalidate=60"));
    HttpCache cache = cache(cacheBuilder());
    HaulClient client = client(cache);
    get(client, "/swr");
    clock.advance(Duration.ofSeconds(3));
    Response<String> stale = get(client, "/swr");
    assertThat(stale.body()).isEqualTo("swr-body");
    assertThat(cacheStatus(stale)).isEqualTo("haul; hit; ttl=-2; detail=stale-while-revalidate");
    await(() -> cache.stats().conditionalHits() == 1);
    assertThat(lastRequest("/swr").header("If-None-Match")).isEqualTo("\"s\"");
    Response<String> fresh = get(client, "/swr");
    assertThat(cacheStatus(fresh)).isEqualTo("haul; hit; ttl=100");
    assertThat(requests("/swr")).isEqualTo(2);
    assertThat(events.events()).contains("cacheStaleServed /swr stale-while-revalidate");

    clock.advance(Duration.ofSeconds(161)); // beyond the window: a plain validation
    Response<String> late = get(client, "/swr");
    assertThat(cacheStatus(late)).isEqualTo("haul; fwd=stale; fwd-status=304; ttl=100");
  }

  @Test
  void staleIfErrorServesTheStoredResponseWhenTheOriginFailsWithinItsWindow() {
    routes.put("/sie", r -> ok("good", "ETag", "\"g\"", "Cache-Control", "max-age=1, stale-if-error=60"));
    routes.put("/strict", r -> ok("good", "ETag", "\"g\"", "Cache-Control", "max-age=1, stale-if-error=60, must-revalidate"));
    HaulClient client = client(cache(cacheBuilder()));
    get(client, "/sie");
    get(client, "/strict");
    routes.put("/sie", r -> response(503, "down"));
    routes.put("/strict", r -> response(503, "down"));
    clock.advance(Duration.ofSeconds(30));
    Response<String> r = get(client, "/sie");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("good");
    assertThat(cacheStatus(r)).isEqualTo("haul; fwd=stale; fwd-status=503; detail=stale-if-error; ttl=-29");
    assertThat(events.events()).contains("cacheStaleServed /sie stale-if-error");
    assertThat(get(client, "/strict").status()).isEqualTo(503); // must-revalidate wins

    clock.advance(Duration.ofSeconds(32)); // 61 s stale
    Response<String> beyond = get(client, "/sie");
    assertThat(beyond.status()).isEqualTo(503);
    assertThat(cacheStatus(beyond)).isEqualTo("haul; fwd=stale; fwd-status=503");
  }

  @Test
  void staleIfErrorAlsoCoversAStoredResponseWithoutValidators() {
    routes.put("/nov", r -> ok("kept", "Cache-Control", "max-age=1, stale-if-error=60"));
    HaulClient client = client(cache(cacheBuilder()));
    get(client, "/nov");
    routes.put("/nov", r -> response(500, "broken"));
    clock.advance(Duration.ofSeconds(5));
    Response<String> r = get(client, "/nov");
    assertThat(r.body()).isEqualTo("kept");
    assertThat(lastRequest("/nov").header("If-None-Match")).isNull();
    assertThat(cacheStatus(r)).isEqualTo("haul; fwd=stale; fwd-status=500; detail=stale-if-error; ttl=-4");
    routes.put("/nov", r2 -> ok("new", "Cache-Control", "max-age=1"));
    assertThat(get(client, "/nov").body()).isEqualTo("new"); // a good answer replaces it
  }

  @Test
  void theRequestsStaleIfErrorAlsoCoversAnUnreachableOrigin() {
    routes.put("/down", r -> ok("kept", "ETag", "\"k\"", "Cache-Control", "max-age=1"));
    HaulClient client = client(cache(cacheBuilder()));
    Request request = Request.newBuilder(server.url("/down")).header("Cache-Control", "stale-if-error=600").build();
    get(client, request);
    clock.advance(Duration.ofSeconds(10));
    stopOrigin(); // nothing listens on the port any more
    Response<String> r = get(client, request);
    assertThat(r.body()).isEqualTo("kept");
    assertThat(cacheStatus(r)).isEqualTo("haul; fwd=stale; detail=stale-if-error; ttl=-9");
    Request without = Request.newBuilder(server.url("/down")).build();
    assertThatThrownBy(() -> get(client, without)).isInstanceOf(ConnectFailedException.class);
  }

  @Test
  void aSuccessfulUnsafeRequestInvalidatesItsUriAndSameOriginLocations() {
    routes.put("/items", r -> r.method().equals("POST")
        ? response(201, "", "Location", "/items/7", "Content-Location", "http://elsewhere.example/items")
        : ok("list" + requests("/items"), "Cache-Control", "max-age=600"));
    routes.put("/items/7", r -> ok("item" + requests("/items/7"), "Cache-Control", "max-age=600"));
    routes.put("/other", r -> r.method().equals("DELETE") ? response(500, "")
        : ok("o", "Cache-Control", "max-age=600"));
    HaulClient client = client(cache(cacheBuilder()));
    get(client, "/items");
    get(client, "/items/7");
    get(client, "/other");
    Response<String> post = get(client, Request.newBuilder(server.url("/items")).POST(RequestBody.ofString("{}", "application/json")).build());
    assertThat(cacheStatus(post)).isEqualTo("haul; fwd=method; fwd-status=201");
    assertThat(get(client, "/items").body()).isEqualTo("list3");
    assertThat(get(client, "/items/7").body()).isEqualTo("item2");
    get(client, Request.newBuilder(server.url("/other")).method("DELETE", null).build());
    assertThat(cacheStatus(get(client, "/other"))).startsWith("haul; hit"); // a failed DELETE invalidates nothing
    assertThat(events.events()).contains("cacheEvicted /items invalidated", "cacheEvicted /items/7 invalidated");
  }

  @Test
  void aFailureWithoutAStoredResponseReachesTheCallerTyped() {
    HaulClient client = client(cache(cacheBuilder()));
    stopOrigin();
    assertThatThrownBy(() -> get(client, "/gone")).isInstanceOf(HaulException.class);
  }

  @Test
  void concurrentMissesOfOneUriCollapseIntoOneOriginRequest() throws Exception {
    routes.put("/slow", r -> MockResponse.builder().body("shared").header("Cache-Control", "max-age=60")
        .header("Date", now()).headersDelay(Duration.ofMillis(500)).build());
    HttpCache cache = cache(cacheBuilder());
    HaulClient client = client(cache);
    var calls = new java.util.ArrayList<java.util.concurrent.CompletableFuture<Response<String>>>();
    for (int i = 0; i < 6; i++) {
      calls.add(client.sendAsync(Request.get(server.url("/slow").toString()), dev.haul.BodyHandlers.ofString()));
    }
    for (var c : calls) {
      assertThat(c.get(30, TimeUnit.SECONDS).body()).isEqualTo("shared");
    }
    assertThat(requests("/slow")).isEqualTo(1);
    assertThat(cache.stats().misses()).isEqualTo(1);
    assertThat(cache.stats().hits()).isEqualTo(5);
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(5);
    }
  }
}
