package dev.haul.cache;

import dev.haul.ResponseBody;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where a cache keeps its entries: a stored response head ({@link StoredResponse}) and its body,
 * under a key (the request URI). Every operation is asynchronous, so a network store (Redis) can
 * implement it as well as memory ({@link CacheStores#inMemory}) and disk ({@link CacheStores#onDisk}).
 *
 * <p>The contract, checked for every store by the cache module's {@code AbstractCacheStoreContractTest}:
 * <ul>
 *   <li>An entry becomes visible only when its {@link Editor} commits: a reader never sees a half
 *       written body, and an aborted editor leaves nothing (not even the older entry is lost).
 *   <li>A committed entry replaces the older one under its key, atomically.
 *   <li>The bytes held ({@link #size()}) never stay above {@link #maxSize()}: the store evicts
 *       entries (reporting each to its {@link EvictionListener}s) or refuses a too large one.
 *   <li>An entry that is damaged (a disk store's file cut or altered) is discarded, reported with
 *       cause {@code corrupted}, and read as absent; it is never served.
 *   <li>The body of an {@link Entry} streams with backpressure and must be consumed or closed.
 * </ul>
 */
public interface CacheStore extends AutoCloseable {

  /** The entry stored under {@code key}, if any. */
  CompletableFuture<Optional<Entry>> get(String key);

  /**
   * Starts writing an entry under {@code key}; nothing is visible until {@link Editor#commit}.
   * Several editors of one key may run at once: the last to commit wins.
   */
  Editor edit(String key, StoredResponse response);

  /**
   * Replaces the head of the entry under {@code key}, keeping its body (a {@code 304} refreshed
   * it); completes with false when there is no such entry any more.
   */
  CompletableFuture<Boolean> update(String key, StoredResponse response);

  /** Removes the entry under {@code key}; completes with the bytes it held, or -1 when there was none. */
  CompletableFuture<Long> remove(String key);

  /** The bytes the entries hold now (bodies and heads, as the store counts them). */
  long size();

  /** The bound on {@link #size()}. */
  long maxSize();

  /** The number of entries now. */
  long entryCount();

  /** Adds a listener told of every entry the store drops by itself (size bound, corruption). */
  void addEvictionListener(EvictionListener listener);

  /** Releases the store's resources; entries of a persistent store stay for the next open. */
  @Override
  void close();

  /** A stored entry as read: its head and its body. */
  interface Entry {
    /** The stored head. */
    StoredResponse response();

    /** The length of the body in bytes. */
    long bodySize();

    /** The body; it can be subscribed once and must be consumed or closed. */
    ResponseBody body();
  }

  /** Writes one entry: the body in order, then commit or abort. */
  interface Editor {
    /**
     * Appends {@code data} (the store owns it from now on). Writes are applied in the order they
     * were made; the future completes when this one is.
     */
    CompletableFuture<Void> write(ByteBuffer data);

    /** Makes the entry visible; completes with false when the store refused it (too large, failed write). */
    CompletableFuture<Boolean> commit();

    /** Drops what was written; the key keeps its previous entry. Idempotent. */
    void abort();
  }

  /** Told when a store drops an entry by itself. */
  @FunctionalInterface
  interface EvictionListener {
    /** The entry under {@code key}, {@code bytes} large, was dropped because of {@code cause} ({@code size}, {@code corrupted}). */
    void evicted(String key, long bytes, String cause);
  }
}
