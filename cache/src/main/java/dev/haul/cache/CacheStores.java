package dev.haul.cache;

import static java.util.Objects.requireNonNull;

import dev.haul.cache.internal.CaffeineCacheStore;
import dev.haul.cache.internal.DiskCacheStore;
import java.nio.file.Path;

/** The built-in {@link CacheStore}s. */
public final class CacheStores {

  private CacheStores() {}

  /**
   * A store in memory on Caffeine: weighted by bytes (body plus head), at most {@code maxBytes},
   * W-TinyLFU admission and eviction. A hit streams the stored buffers without copying them.
   */
  public static CacheStore inMemory(long maxBytes) {
    return new CaffeineCacheStore(checkSize(maxBytes));
  }

  /**
   * A store of files under {@code dir} (created if missing), at most {@code maxBytes}: each entry is
   * one file written to a temporary name, forced to disk and renamed into place, so a crash leaves
   * the old entry or the new one, never half of one; a file that fails its checksums is deleted and
   * read as absent. The directory is the index: a store opened again (or by another client) on the
   * same directory sees the same entries. Eviction drops the least recently used entries.
   */
  public static CacheStore onDisk(Path dir, long maxBytes) {
    return DiskCacheStore.open(requireNonNull(dir, "dir is null"), checkSize(maxBytes));
  }

  private static long checkSize(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: > 0)");
    }
    return maxBytes;
  }
}
