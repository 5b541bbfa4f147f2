package dev.haul.cache.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.haul.ResponseBody;
import dev.haul.cache.CacheStore;
import dev.haul.cache.StoredResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The in-memory store: a Caffeine cache weighted by bytes (body plus an estimate of the head),
 * bounded by {@code maxSize}, W-TinyLFU admission and eviction. Maintenance runs on the calling
 * thread, so the bound holds as each put returns.
 */
public final class CaffeineCacheStore implements CacheStore {

  private final long maxSize;
  private final Cache<String, Stored> cache;
  private final List<EvictionListener> listeners = new CopyOnWriteArrayList<>();

  public CaffeineCacheStore(long maxSize) {
    this.maxSize = maxSize;
    this.cache = Caffeine.newBuilder()
        .maximumWeight(maxSize)
        .weigher((String k, Stored v) -> (int) Math.min(Integer.MAX_VALUE, v.weight))
        .executor(Runnable::run)
        .recordStats()
        .evictionListener((String k, Stored v, RemovalCause cause) -> {
          if (k != null && v != null && cause.wasEvicted()) {
            listeners.forEach(l -> l.evicted(k, v.weight, cause == RemovalCause.SIZE ? "size" : "expired"));
          }
        })
        .build();
  }

  /** Caffeine's own statistics (hit rate of lookups, evictions, eviction weight). */
  public com.github.benmanes.caffeine.cache.stats.CacheStats caffeineStats() {
    return cache.stats();
  }

  @Override
  public CompletableFuture<Optional<Entry>> get(String key) {
    Stored s = cache.getIfPresent(key);
    return CompletableFuture.completedFuture(s == null ? Optional.empty() : Optional.of(s.entry()));
  }

  @Override
  public Editor edit(String key, StoredResponse response) {
    return new MemoryEditor(key, response);
  }

  @Override
  public CompletableFuture<Boolean> update(String key, StoredResponse response) {
    Stored s;
    synchronized (this) {
      s = cache.asMap().computeIfPresent(key, (k, old) -> new Stored(response, old.chunks, old.bodySize));
      cache.cleanUp();
    }
    return CompletableFuture.completedFuture(s != null);
  }

  @Override
  public CompletableFuture<Long> remove(String key) {
    Stored s = cache.asMap().remove(key);
    return CompletableFuture.completedFuture(s == null ? -1L : s.weight);
  }

  // Writes and this read are serialized with the eviction that follows each write, so no caller
  // ever sees the store above its bound (Caffeine alone evicts soon after, not within, a put).
  @Override
  public synchronized long size() {
    return cache.policy().eviction().orElseThrow().weightedSize().orElse(0);
  }

  private synchronized void admit(String key, Stored s) {
    cache.put(key, s);
    cache.cleanUp();
  }

  @Override
  public long maxSize() {
    return maxSize;
  }

  @Override
  public long entryCount() {
    return cache.estimatedSize();
  }

  @Override
  public void addEvictionListener(EvictionListener listener) {
    listeners.add(listener);
  }

  @Override
  public void close() {
    cache.invalidateAll();
  }

  /** One entry: its head, its body's buffers (never modified once stored) and its weight. */
  private static final class Stored {
    final StoredResponse response;
    final List<ByteBuffer> chunks;
    final long bodySize;
    final long weight;

    Stored(StoredResponse response, List<ByteBuffer> chunks, long bodySize) {
      this.response = response;
      this.chunks = chunks;
      this.bodySize = bodySize;
      this.weight = bodySize + EntryCodec.headWeight(response);
    }

    Entry entry() {
      ResponseBody body = ResponseBody.ofBuffers(chunks);
      return new Entry() {
        @Override
        public StoredResponse response() {
          return response;
        }

        @Override
        public long bodySize() {
          return bodySize;
        }

        @Override
        public dev.haul.ResponseBody body() {
          return body;
        }
      };
    }
  }

  private final class MemoryEditor implements Editor {
    private final String key;
    private final StoredResponse response;
    private final List<ByteBuffer> chunks = new ArrayList<>();
    private long size;
    private boolean done;

    MemoryEditor(String key, StoredResponse response) {
      this.key = key;
      this.response = response;
    }

    @Override
    public synchronized CompletableFuture<Void> write(ByteBuffer data) {
      if (!done && data.hasRemaining()) {
        size += data.remaining();
        chunks.add(data.slice());
        if (size + EntryCodec.headWeight(response) > maxSize) {
          abort(); // it could never be admitted: hold nothing more of it
        }
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Boolean> commit() {
      if (done) {
        return CompletableFuture.completedFuture(false);
      }
      done = true;
      Stored s = new Stored(response, List.copyOf(chunks), size);
      chunks.clear();
      if (s.weight > maxSize) {
        return CompletableFuture.completedFuture(false);
      }
      admit(key, s);
      return CompletableFuture.completedFuture(true);
    }

    @Override
    public synchronized void abort() {
      done = true;
      chunks.clear();
    }
  }
}
