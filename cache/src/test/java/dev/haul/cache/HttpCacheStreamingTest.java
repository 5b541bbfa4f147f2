package dev.haul.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.BodyHandlers;
import dev.haul.HaulClient;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.testkit.MockResponse;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 11: the tee (store while streaming), the entry size limit, cancelled bodies and the byte bound. */
class HttpCacheStreamingTest extends CacheTestSupport {

  static final int BIG = 3 * 1024 * 1024 + 17;

  MockResponse generated(int length, boolean chunked) {
    MockResponse.Builder b = MockResponse.builder().generatedBody(length).header("Cache-Control", "max-age=600")
        .header("Date", now());
    if (chunked) {
      b.chunked(8192);
    }
    return b.build();
  }

  static void assertGenerated(byte[] body, int length) {
    assertThat(body).hasSize(length);
    for (int i = 0; i < length; i++) {
      if (body[i] != MockResponse.generatedByte(i)) {
        throw new AssertionError("byte " + i + " differs");
      }
    }
  }

  @Test
  void aLargeBodyIsStoredWhileItStreamsAndAHitStreamsItBackWhole() {
    routes.put("/big", r -> generated(BIG, false));
    HttpCache cache = cache(cacheBuilder());
    HaulClient client = client(cache);
    Response<byte[]> first = client.send(Request.get(server.url("/big").toString()), BodyHandlers.ofByteArray());
    assertGenerated(first.body(), BIG);
    Response<byte[]> hit = client.send(Request.get(server.url("/big").toString()), BodyHandlers.ofByteArray());
    assertThat(cacheStatus(hit)).startsWith("haul; hit");
    assertGenerated(hit.body(), BIG);
    assertThat(requests("/big")).isEqualTo(1);
    assertThat(events.events()).contains("cacheStored /big " + BIG);
  }

  @Test
  void aBodyTheCallerStopsReadingHalfWayLeavesNoEntry() throws Exception {
    routes.put("/cut", r -> generated(BIG, false).toBuilder().throttle(64 * 1024, Duration.ofMillis(5)).build());
    HttpCache cache = cache(cacheBuilder());
    HaulClient client = client(cache);
    readHalfAndClose(client, "/cut");
    assertThat(cache.store().entryCount()).isZero();
    Response<byte[]> again = client.send(Request.get(server.url("/cut").toString()), BodyHandlers.ofByteArray());
    assertThat(cacheStatus(again)).startsWith("haul; fwd=uri-miss"); // not a hit on half a body
    assertGenerated(again.body(), BIG);
    assertThat(cacheStatus(client.send(Request.get(server.url("/cut").toString()), BodyHandlers.discarding())))
        .startsWith("haul; hit");
  }

  void readHalfAndClose(HaulClient client, String path) throws Exception {
    Response<InputStream> r = client.send(Request.get(server.url(path).toString()), BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      byte[] buf = new byte[BIG / 2];
      int n = in.readNBytes(buf, 0, buf.length);
      assertThat(n).isEqualTo(BIG / 2);
    }
  }

  @Test
  void bodiesAboveTheEntryLimitPassThroughUncachedAndTheLimitItselfIsStored() {
    int limit = 100_000;
    routes.put("/declared", r -> generated(limit + 1, false));
    routes.put("/chunked-over", r -> generated(limit + 1, true));
    routes.put("/chunked-at", r -> generated(limit, true));
    HttpCache cache = cache(cacheBuilder().config(CacheConfig.builder().maxEntrySize(limit).build()));
    HaulClient client = client(cache);
    for (String path : new String[] {"/declared", "/chunked-over", "/chunked-at"}) {
      Response<byte[]> r = client.send(Request.get(server.url(path).toString()), BodyHandlers.ofByteArray());
      assertGenerated(r.body(), path.equals("/chunked-at") ? limit : limit + 1);
    }
    assertThat(cacheStatus(get(client, "/declared"))).startsWith("haul; fwd=uri-miss");
    assertThat(cacheStatus(get(client, "/chunked-over"))).startsWith("haul; fwd=uri-miss");
    assertThat(cacheStatus(get(client, "/chunked-at"))).startsWith("haul; hit");
    assertThat(cache.stats().stored()).isEqualTo(1); // only the chunked body of exactly the limit
    assertThat(cache.store().entryCount()).isEqualTo(1);
  }

  @Test
  void aGzipBodyTheTransportDecodesIsStoredDecodedWithItsVary() {
    String text = "model list ".repeat(2000);
    routes.put("/gz", r -> MockResponse.builder().body(text).gzip().header("Cache-Control", "max-age=60")
        .header("Vary", "Accept-Encoding").header("Date", now()).build());
    HttpCache cache = cache(cacheBuilder());
    HaulClient client = client(cache);
    assertThat(get(client, "/gz").body()).isEqualTo(text);
    Response<String> hit = get(client, "/gz");
    assertThat(cacheStatus(hit)).startsWith("haul; hit");
    assertThat(hit.body()).isEqualTo(text);
    assertThat(hit.headers().get("Content-Length")).isEqualTo(Integer.toString(text.length()));
    assertThat(hit.headers().contains("Content-Encoding")).isFalse();
  }

  @Test
  void theMemoryStoreStaysWithinItsByteBoundAndReportsEvictions() {
    int each = 60 * 1024;
    long bound = 256 * 1024;
    for (int i = 0; i < 12; i++) {
      routes.put("/e" + i, r -> generated(each, false));
    }
    HttpCache cache = cache(cacheBuilder().config(CacheConfig.builder().maxSize(bound).build()));
    HaulClient client = client(cache);
    for (int i = 0; i < 12; i++) {
      client.send(Request.get(server.url("/e" + i).toString()), BodyHandlers.discarding());
      assertThat(cache.store().size()).isLessThanOrEqualTo(bound);
    }
    CacheStats stats = cache.stats();
    assertThat(stats.evictions()).isGreaterThanOrEqualTo(12 - bound / each);
    assertThat(stats.evictedBytes()).isGreaterThanOrEqualTo(stats.evictions() * each);
    assertThat(stats.size()).isLessThanOrEqualTo(bound);
    assertThat(events.events()).anyMatch(e -> e.startsWith("cacheEvicted /e") && e.endsWith(" size"));
  }
}
