package dev.haul.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.HaulClient;
import dev.haul.Origin;
import dev.haul.Request;
import dev.haul.Response;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 11: storing and freshness (RFC 9111 §3, §4.1, §4.2, §5.2) end to end through the Netty transport. */
class HttpCacheTest extends CacheTestSupport {

  @Test
  void aFreshResponseIsServedFromTheStoreUntilItsMaxAgeAndThenFetchedAgain() {
    routes.put("/a", r -> ok("v" + requests("/a"), "Cache-Control", "max-age=60"));
    HaulClient client = client(cache(cacheBuilder()));

    Response<String> first = get(client, "/a");
    assertThat(first.body()).isEqualTo("v1");
    assertThat(cacheStatus(first)).isEqualTo("haul; fwd=uri-miss; fwd-status=200; stored");

    Response<String> second = get(client, "/a");
    assertThat(second.body()).isEqualTo("v1");
    assertThat(cacheStatus(second)).isEqualTo("haul; hit; ttl=60");
    assertThat(second.headers().get("Age")).isEqualTo("0");

    clock.advance(Duration.ofSeconds(59));
    Response<String> third = get(client, "/a");
    assertThat(third.body()).isEqualTo("v1");
    assertThat(cacheStatus(third)).isEqualTo("haul; hit; ttl=1");
    assertThat(third.headers().get("Age")).isEqualTo("59");
    assertThat(requests("/a")).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1)); // age 60 = lifetime: stale
    Response<String> fourth = get(client, "/a");
    assertThat(fourth.body()).isEqualTo("v2");
    assertThat(cacheStatus(fourth)).isEqualTo("haul; fwd=stale; fwd-status=200; stored");
    assertThat(requests("/a")).isEqualTo(2);
    assertThat(events.events()).contains("cacheMiss /a", "cacheStored /a 2", "cacheHit /a");
  }

  @Test
  void theAgeTheOriginReportsCountsAgainstTheLifetime() {
    routes.put("/aged", r -> ok("x", "Cache-Control", "max-age=60", "Age", "50"));
    HaulClient client = client(cache(cacheBuilder()));
    get(client, "/aged");
    clock.advance(Duration.ofSeconds(9));
    assertThat(cacheStatus(get(client, "/aged"))).isEqualTo("haul; hit; ttl=1");
    clock.advance(Duration.ofSeconds(1));
    assertThat(cacheStatus(get(client, "/aged"))).startsWith("haul; fwd=stale");
  }

  @Test
  void expiresMinusDateIsTheLifetimeAndAnInvalidExpiresIsAlreadyStale() {
    routes.put("/exp", r -> ok("x", "Expires", HttpDates.format(clock.instant().plusSeconds(30))));
    routes.put("/zero", r -> ok("x", "Expires", "0"));
    HaulClient client = client(cache(cacheBuilder()));
    get(client, "/exp");
    get(client, "/zero");
    clock.advance(Duration.ofSeconds(29));
    assertThat(cacheStatus(get(client, "/exp"))).isEqualTo("haul; hit; ttl=1");
    assertThat(cacheStatus(get(client, "/zero"))).startsWith("haul; fwd=stale");
    assertThat(requests("/zero")).isEqualTo(2);
  }

  @Test
  void noStoreOnTheResponseOrTheRequestIsNeverStored() {
    routes.put("/ns", r -> ok("x", "Cache-Control", "max-age=60, no-store"));
    routes.put("/rq", r -> ok("x", "Cache-Control", "max-age=60"));
    HaulClient client = client(cache(cacheBuilder()));
    get(client, "/ns");
    assertThat(cacheStatus(get(client, "/ns"))).isEqualTo("haul; fwd=uri-miss; fwd-status=200");
    assertThat(cacheStatus(get(client, "/rq", "Cache-Control", "no-store"))).isEqualTo("haul; fwd=request; fwd-status=200");
    assertThat(cacheStatus(get(client, "/rq"))).isEqualTo("haul; fwd=uri-miss; fwd-status=200; stored");
    assertThat(requests("/ns")).isEqualTo(2);
  }

  @Test
  void aHeuristicLifetimeIsATenthOfTheTimeSinceLastModifiedCappedAtADay() {
    routes.put("/h", r -> ok("x", "Last-Modified", HttpDates.format(clock.instant().minus(Duration.ofHours(10)))));
    routes.put("/old", r -> ok("x", "Last-Modified", HttpDates.format(clock.instant().minus(Duration.ofDays(100)))));
    routes.put("/created", r -> response(201, "x", "Last-Modified", HttpDates.format(clock.instant().minus(Duration.ofDays(1)))));
    HaulClient client = client(cache(cacheBuilder()));
    get(client, "/h");
    get(client, "/old");
    get(client, "/created");
    clock.advance(Duration.ofMinutes(59));
    assertThat(cacheStatus(get(client, "/h"))).isEqualTo("haul; hit; ttl=60");
    clock.advance(Duration.ofMinutes(1));
    assertThat(cacheStatus(get(client, "/h"))).startsWith("haul; fwd=stale; fwd-status=200"); // 10 % of 10 h
    clock.advance(Duration.ofHours(22));
    assertThat(cacheStatus(get(client, "/old"))).isEqualTo("haul; hit; ttl=3600"); // capped at 1 day, not 10 days
    assertThat(cacheStatus(get(client, "/created"))).startsWith("haul; fwd=uri-miss"); // 201 is not heuristically cacheable
  }

  @Test
  void varySelectsByTheNamedRequestFieldsAndVaryStarIsNeverServed() {
    routes.put("/v", r -> ok("lang=" + r.header("Accept-Language"), "Cache-Control", "max-age=60", "Vary", "Accept-Language"));
    routes.put("/star", r -> ok("x", "Cache-Control", "max-age=60", "Vary", "*"));
    HaulClient client = client(cache(cacheBuilder()));
    assertThat(get(client, "/v", "Accept-Language", "en").body()).isEqualTo("lang=en");
    Response<String> en = get(client, "/v", "Accept-Language", "en");
    assertThat(cacheStatus(en)).startsWith("haul; hit");
    Response<String> fr = get(client, "/v", "Accept-Language", "fr");
    assertThat(fr.body()).isEqualTo("lang=fr");
    assertThat(cacheStatus(fr)).isEqualTo("haul; fwd=vary-miss; fwd-status=200; stored");
    Response<String> none = get(client, "/v");
    assertThat(none.body()).isEqualTo("lang=null");
    assertThat(cacheStatus(none)).startsWith("haul; fwd=vary-miss");
    get(client, "/star");
    assertThat(cacheStatus(get(client, "/star"))).isEqualTo("haul; fwd=uri-miss; fwd-status=200");
    assertThat(requests("/star")).isEqualTo(2);
  }

  @Test
  void requestDirectivesMaxAgeMinFreshMaxStaleAndNoCache() {
    routes.put("/d", r -> ok("v" + requests("/d"), "Cache-Control", "max-age=100"));
    HaulClient client = client(cache(cacheBuilder()));
    get(client, "/d");
    clock.advance(Duration.ofSeconds(50));
    assertThat(cacheStatus(get(client, "/d", "Cache-Control", "max-age=50"))).startsWith("haul; hit");
    assertThat(cacheStatus(get(client, "/d", "Cache-Control", "max-age=49"))).startsWith("haul; fwd=request"); // too old for it
    clock.advance(Duration.ofSeconds(50));
    assertThat(cacheStatus(get(client, "/d", "Cache-Control", "min-fresh=50"))).startsWith("haul; hit");
    assertThat(cacheStatus(get(client, "/d", "Cache-Control", "min-fresh=51"))).startsWith("haul; fwd=request");
    assertThat(cacheStatus(get(client, "/d", "Cache-Control", "no-cache"))).startsWith("haul; fwd=request");
    assertThat(cacheStatus(get(client, "/d", "Pragma", "no-cache"))).startsWith("haul; fwd=request");
    assertThat(requests("/d")).isEqualTo(5);
    clock.advance(Duration.ofSeconds(110)); // 10 s stale
    Response<String> stale = get(client, "/d", "Cache-Control", "max-stale=10");
    assertThat(cacheStatus(stale)).isEqualTo("haul; hit; ttl=-10; detail=max-stale");
    assertThat(cacheStatus(get(client, "/d", "Cache-Control", "max-stale"))).startsWith("haul; hit");
    assertThat(cacheStatus(get(client, "/d", "Cache-Control", "max-stale=9"))).startsWith("haul; fwd=stale");
    assertThat(events.events()).contains("cacheStaleServed /d max-stale");
  }

  @Test
  void mustRevalidateAndNoCacheForbidStaleAndUnvalidatedReuse() {
    routes.put("/mr", r -> ok("x", "Cache-Control", "max-age=1, must-revalidate"));
    routes.put("/nc", r -> ok("x", "Cache-Control", "no-cache"));
    HaulClient client = client(cache(cacheBuilder()));
    get(client, "/mr");
    get(client, "/nc");
    assertThat(cacheStatus(get(client, "/nc"))).startsWith("haul; fwd=stale"); // stored, but validated every time
    clock.advance(Duration.ofSeconds(5));
    assertThat(cacheStatus(get(client, "/mr", "Cache-Control", "max-stale=100"))).startsWith("haul; fwd=stale");
    assertThat(requests("/mr")).isEqualTo(2);
  }

  @Test
  void onlyIfCachedAnswersFromTheStoreOrWith504() {
    routes.put("/o", r -> ok("x", "Cache-Control", "max-age=10"));
    HaulClient client = client(cache(cacheBuilder()));
    Response<String> nothing = get(client, "/o", "Cache-Control", "only-if-cached");
    assertThat(nothing.status()).isEqualTo(504);
    assertThat(cacheStatus(nothing)).isEqualTo("haul; detail=only-if-cached");
    assertThat(requests("/o")).isZero();
    get(client, "/o");
    assertThat(get(client, "/o", "Cache-Control", "only-if-cached").status()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(11));
    assertThat(get(client, "/o", "Cache-Control", "only-if-cached").status()).isEqualTo(504);
    assertThat(requests("/o")).isEqualTo(1);
  }

  @Test
  void sharedModeStoresNeitherPrivateNorAuthorizedResponsesUnlessAllowed() {
    routes.put("/p", r -> ok("x", "Cache-Control", "max-age=60, private"));
    routes.put("/auth", r -> ok("x", "Cache-Control", "max-age=60"));
    routes.put("/auth-s", r -> ok("x", "Cache-Control", "s-maxage=60"));
    routes.put("/s", r -> ok("x", "Cache-Control", "max-age=1000, s-maxage=10"));
    HaulClient shared = client(cache(cacheBuilder().config(CacheConfig.builder().mode(CacheMode.SHARED).build())));
    get(shared, "/p");
    assertThat(cacheStatus(get(shared, "/p"))).startsWith("haul; fwd=uri-miss");
    get(shared, "/auth", "Authorization", "Bearer k");
    assertThat(cacheStatus(get(shared, "/auth", "Authorization", "Bearer k"))).startsWith("haul; fwd=uri-miss");
    get(shared, "/auth-s", "Authorization", "Bearer k");
    assertThat(cacheStatus(get(shared, "/auth-s", "Authorization", "Bearer k"))).startsWith("haul; hit");
    get(shared, "/s");
    clock.advance(Duration.ofSeconds(11));
    assertThat(cacheStatus(get(shared, "/s"))).startsWith("haul; fwd=stale"); // s-maxage wins in a shared cache

    HaulClient own = client(cache(cacheBuilder()));
    get(own, "/p");
    assertThat(cacheStatus(get(own, "/p"))).startsWith("haul; hit");
    get(own, "/auth", "Authorization", "Bearer k");
    assertThat(cacheStatus(get(own, "/auth", "Authorization", "Bearer k"))).startsWith("haul; hit");
  }

  @Test
  void theDefaultTtlPolicyAndPerRequestAndPerOriginChoices() {
    routes.put("/plain", r -> ok("x"));
    routes.put("/stated", r -> ok("x", "Cache-Control", "max-age=5"));
    routes.put("/nostore", r -> ok("x", "Cache-Control", "no-store"));
    HaulClient forced = client(cache(cacheBuilder().config(CacheConfig.builder().defaultTtl(Duration.ofMinutes(5)).build())));
    get(forced, "/plain");
    get(forced, "/stated");
    get(forced, "/nostore");
    clock.advance(Duration.ofSeconds(6));
    assertThat(cacheStatus(get(forced, "/plain"))).isEqualTo("haul; hit; ttl=294");
    assertThat(cacheStatus(get(forced, "/stated"))).startsWith("haul; fwd=stale"); // the server's own freshness wins
    assertThat(cacheStatus(get(forced, "/nostore"))).startsWith("haul; fwd=uri-miss");

    // RFC 9111 by default: a 200 with no freshness and no Last-Modified is stored but stale at once.
    HaulClient rfc = client(cache(cacheBuilder()));
    get(rfc, "/plain");
    assertThat(cacheStatus(get(rfc, "/plain"))).startsWith("haul; fwd=stale");
    Request tagged = Request.newBuilder(server.url("/plain"))
        .tag(CacheOptions.class, CacheOptions.policy(CachePolicy.forcedTtl(Duration.ofSeconds(30)))).build();
    get(rfc, tagged);
    assertThat(cacheStatus(get(rfc, tagged))).isEqualTo("haul; hit; ttl=30");
    Request bypass = Request.newBuilder(server.url("/plain")).tag(CacheOptions.class, CacheOptions.bypass()).build();
    assertThat(cacheStatus(get(rfc, bypass))).isEqualTo("haul; fwd=bypass; fwd-status=200");

    HaulClient perOrigin = client(cache(cacheBuilder()
        .policy(Origin.of(server.url("/")), CachePolicy.forcedTtl(Duration.ofSeconds(20)))));
    get(perOrigin, "/plain");
    assertThat(cacheStatus(get(perOrigin, "/plain"))).isEqualTo("haul; hit; ttl=20");
  }

  @Test
  void aHeadIsAnsweredByAFreshStoredGetAndOtherwiseForwarded() {
    routes.put("/h", r -> ok("twelve bytes", "Cache-Control", "max-age=60", "ETag", "\"h\""));
    HaulClient client = client(cache(cacheBuilder()));
    Request head = Request.newBuilder(server.url("/h")).method("HEAD", null).build();
    assertThat(cacheStatus(get(client, head))).isEqualTo("haul; fwd=method; fwd-status=200"); // nothing stored yet
    get(client, "/h");
    Response<String> fromStore = get(client, head);
    assertThat(cacheStatus(fromStore)).isEqualTo("haul; hit; ttl=60");
    assertThat(fromStore.body()).isEmpty();
    assertThat(fromStore.headers().get("Content-Length")).isEqualTo("12");
    assertThat(fromStore.headers().get("ETag")).isEqualTo("\"h\"");
    clock.advance(Duration.ofSeconds(60));
    assertThat(cacheStatus(get(client, head))).isEqualTo("haul; fwd=method; fwd-status=200"); // stale: the origin answers
    assertThat(received.stream().filter(r -> r.method().equals("HEAD")).count()).isEqualTo(2);
    Response<String> after = get(client, "/h"); // the HEAD's fresh answer was not stored over the GET's
    assertThat(cacheStatus(after)).isEqualTo("haul; fwd=stale; fwd-status=200; stored");
    assertThat(after.body()).isEqualTo("twelve bytes");
  }

  @Test
  void otherMethodsAndRangesPassThroughLabelled() {
    routes.put("/r", r -> ok("x", "Cache-Control", "max-age=60"));
    HaulClient client = client(cache(cacheBuilder()));
    Response<String> head = get(client, Request.newBuilder(server.url("/r")).method("OPTIONS", null).build());
    assertThat(cacheStatus(head)).isEqualTo("haul; fwd=method; fwd-status=200");
    assertThat(cacheStatus(get(client, "/r", "Range", "bytes=0-0"))).startsWith("haul; fwd=request");
    assertThat(cacheStatus(get(client, "/r", "If-None-Match", "\"x\""))).startsWith("haul; fwd=request");
    assertThat(cacheStatus(get(client, "/r"))).startsWith("haul; fwd=uri-miss"); // none of those stored anything
  }

  @Test
  void aDisabledCachePassesEverythingThroughUntouched() {
    routes.put("/off", r -> ok("x", "Cache-Control", "max-age=60"));
    HaulClient client = client(cache(cacheBuilder().config(CacheConfig.builder().enabled(false).build())));
    get(client, "/off");
    Response<String> again = get(client, "/off");
    assertThat(again.headers().contains("Cache-Status")).isFalse();
    assertThat(requests("/off")).isEqualTo(2);
  }
}
