package dev.haul.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.Headers;
import dev.haul.ResponseBody;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link CacheStore} contract, run by every store (subclass it once per implementation; it is
 * in the cache module's test-jar for stores in other modules, such as a Redis store).
 */
public abstract class AbstractCacheStoreContractTest {

  private final List<CacheStore> stores = new ArrayList<>();

  /** A new, empty store bounded at {@code maxSize} bytes. */
  protected abstract CacheStore newStore(long maxSize);

  protected CacheStore store(long maxSize) {
    CacheStore s = newStore(maxSize);
    stores.add(s);
    return s;
  }

  @AfterEach
  void closeStores() {
    stores.forEach(CacheStore::close);
  }

  protected static StoredResponse head(String uri, String version) {
    return new StoredResponse("GET", URI.create(uri), 200,
        Headers.of("Cache-Control", "max-age=60", "ETag", "\"" + version + "\""), Headers.of("Accept", "text/plain"),
        Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:01Z"));
  }

  protected static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Writes {@code body} in chunks of 1000 bytes and commits. */
  protected static boolean put(CacheStore store, String key, StoredResponse head, byte[] body) throws Exception {
    CacheStore.Editor e = store.edit(key, head);
    for (int i = 0; i < body.length; i += 1000) {
      e.write(ByteBuffer.wrap(body, i, Math.min(1000, body.length - i)).slice());
    }
    return e.commit().get(10, TimeUnit.SECONDS);
  }

  protected static Optional<CacheStore.Entry> get(CacheStore store, String key) throws Exception {
    return store.get(key).get(10, TimeUnit.SECONDS);
  }

  protected static byte[] read(ResponseBody body) throws Exception {
    CompletableFuture<byte[]> done = new CompletableFuture<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    body.subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(List<ByteBuffer> item) {
        for (ByteBuffer b : item) {
          byte[] a = new byte[b.remaining()];
          b.get(a);
          out.write(a, 0, a.length);
        }
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        done.complete(out.toByteArray());
      }
    });
    return done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void anAbsentKeyReadsAsEmpty() throws Exception {
    assertThat(get(store(1 << 20), "http://h/none")).isEmpty();
  }

  @Test
  void aCommittedEntryReadsBackWithItsHeadAndBody() throws Exception {
    CacheStore s = store(1 << 20);
    byte[] body = bytes(12_345, 1);
    assertThat(put(s, "http://h/a", head("http://h/a", "1"), body)).isTrue();
    CacheStore.Entry e = get(s, "http://h/a").orElseThrow();
    assertThat(e.response()).isEqualTo(head("http://h/a", "1"));
    assertThat(e.bodySize()).isEqualTo(body.length);
    assertThat(e.body().contentLength().getAsLong()).isEqualTo(body.length);
    assertThat(read(e.body())).isEqualTo(body);
    assertThat(s.entryCount()).isEqualTo(1);
    assertThat(s.size()).isGreaterThanOrEqualTo(body.length);
  }

  @Test
  void anEmptyBodyIsAnEntryToo() throws Exception {
    CacheStore s = store(1 << 20);
    assertThat(put(s, "http://h/empty", head("http://h/empty", "1"), new byte[0])).isTrue();
    assertThat(read(get(s, "http://h/empty").orElseThrow().body())).isEmpty();
  }

  @Test
  void nothingIsVisibleBeforeCommitAndAnAbortKeepsTheOlderEntry() throws Exception {
    CacheStore s = store(1 << 20);
    put(s, "http://h/k", head("http://h/k", "old"), bytes(5000, 1));
    CacheStore.Editor e = s.edit("http://h/k", head("http://h/k", "new"));
    e.write(ByteBuffer.wrap(bytes(3000, 2))).get(10, TimeUnit.SECONDS);
    CacheStore.Entry during = get(s, "http://h/k").orElseThrow();
    assertThat(during.response().headers().get("ETag")).isEqualTo("\"old\"");
    assertThat(read(during.body())).isEqualTo(bytes(5000, 1));
    e.abort();
    assertThat(e.commit().get(10, TimeUnit.SECONDS)).isFalse(); // an aborted editor never commits
    assertThat(read(get(s, "http://h/k").orElseThrow().body())).isEqualTo(bytes(5000, 1));
    CacheStore.Editor fresh = s.edit("http://h/new", head("http://h/new", "1"));
    fresh.write(ByteBuffer.wrap(bytes(100, 3)));
    assertThat(get(s, "http://h/new")).isEmpty();
    fresh.abort();
    assertThat(get(s, "http://h/new")).isEmpty();
  }

  @Test
  void aCommitReplacesTheOlderEntry() throws Exception {
    CacheStore s = store(1 << 20);
    put(s, "http://h/r", head("http://h/r", "1"), bytes(4000, 1));
    put(s, "http://h/r", head("http://h/r", "2"), bytes(2000, 2));
    CacheStore.Entry e = get(s, "http://h/r").orElseThrow();
    assertThat(e.response().headers().get("ETag")).isEqualTo("\"2\"");
    assertThat(read(e.body())).isEqualTo(bytes(2000, 2));
    assertThat(s.entryCount()).isEqualTo(1);
  }

  @Test
  void anUpdateReplacesTheHeadAndKeepsTheBody() throws Exception {
    CacheStore s = store(1 << 20);
    put(s, "http://h/u", head("http://h/u", "1"), bytes(7000, 1));
    StoredResponse refreshed = head("http://h/u", "1").refreshed(Headers.of("ETag", "\"1\"", "X-New", "yes"),
        Instant.parse("2026-01-02T00:00:00Z"), Instant.parse("2026-01-02T00:00:01Z"));
    assertThat(s.update("http://h/u", refreshed).get(10, TimeUnit.SECONDS)).isTrue();
    CacheStore.Entry e = get(s, "http://h/u").orElseThrow();
    assertThat(e.response()).isEqualTo(refreshed);
    assertThat(read(e.body())).isEqualTo(bytes(7000, 1));
    assertThat(s.update("http://h/absent", refreshed).get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(get(s, "http://h/absent")).isEmpty();
  }

  @Test
  void removeReportsTheBytesAndTheEntryIsGone() throws Exception {
    CacheStore s = store(1 << 20);
    put(s, "http://h/x", head("http://h/x", "1"), bytes(3000, 1));
    assertThat(s.remove("http://h/x").get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(3000L);
    assertThat(get(s, "http://h/x")).isEmpty();
    assertThat(s.remove("http://h/x").get(10, TimeUnit.SECONDS)).isEqualTo(-1L);
    assertThat(s.size()).isZero();
  }

  @Test
  void anEntryLargerThanTheStoreIsRefused() throws Exception {
    CacheStore s = store(64 * 1024);
    assertThat(put(s, "http://h/huge", head("http://h/huge", "1"), bytes(65 * 1024, 1))).isFalse();
    assertThat(get(s, "http://h/huge")).isEmpty();
    assertThat(s.size()).isZero();
  }

  @Test
  void aBodyStreamsOnDemand() throws Exception {
    CacheStore s = store(4 << 20);
    byte[] body = bytes(1024 * 1024, 7);
    put(s, "http://h/s", head("http://h/s", "1"), body);
    ResponseBody b = get(s, "http://h/s").orElseThrow().body();
    List<ByteBuffer> got = new CopyOnWriteArrayList<>();
    CompletableFuture<Flow.Subscription> sub = new CompletableFuture<>();
    CompletableFuture<Void> completed = new CompletableFuture<>();
    b.subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        sub.complete(subscription);
      }

      @Override
      public void onNext(List<ByteBuffer> item) {
        got.addAll(item);
      }

      @Override
      public void onError(Throwable t) {
        completed.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        completed.complete(null);
      }
    });
    Flow.Subscription subscription = sub.get(10, TimeUnit.SECONDS);
    subscription.request(1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (got.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    assertThat(got).hasSize(1); // one chunk per unit of demand, never the whole body unasked
    assertThat(got.get(0).remaining()).isLessThan(body.length);
    assertThat(completed).isNotDone();
    subscription.request(Long.MAX_VALUE);
    completed.get(10, TimeUnit.SECONDS);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (ByteBuffer x : got) {
      byte[] a = new byte[x.remaining()];
      x.get(a);
      all.write(a, 0, a.length);
    }
    assertThat(all.toByteArray()).isEqualTo(body);
  }

  @Test
  void theByteBoundHoldsUnderConcurrentWritersAndEvictionsAreReported() throws Exception {
    long bound = 512 * 1024;
    CacheStore s = store(bound);
    List<String> evicted = new CopyOnWriteArrayList<>();
    s.addEvictionListener((key, bytes, cause) -> evicted.add(cause));
    ExecutorService pool = Executors.newFixedThreadPool(64); // the 64-thread mixed load
    try {
      List<Future<?>> tasks = new ArrayList<>();
      List<Long> sizes = new CopyOnWriteArrayList<>();
      for (int t = 0; t < 64; t++) {
        int thread = t;
        tasks.add(pool.submit(() -> {
          Random r = new Random(thread);
          for (int i = 0; i < 5; i++) {
            String key = "http://h/" + thread + "/" + i;
            put(s, key, head(key, "1"), bytes(1000 + r.nextInt(40_000), i));
            sizes.add(s.size());
            if (r.nextBoolean()) {
              get(s, "http://h/" + thread + "/" + r.nextInt(i + 1)).ifPresent(e -> e.body().close());
            }
          }
          return null;
        }));
      }
      for (Future<?> f : tasks) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(sizes).allMatch(x -> x <= bound);
    } finally {
      pool.shutdownNow();
    }
    assertThat(s.size()).isLessThanOrEqualTo(bound);
    assertThat(evicted).isNotEmpty().allMatch("size"::equals);
  }
}
