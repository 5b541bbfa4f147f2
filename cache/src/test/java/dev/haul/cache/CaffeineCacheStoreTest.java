package dev.haul.cache;

/** The store contract for the in-memory Caffeine store. */
class CaffeineCacheStoreTest extends AbstractCacheStoreContractTest {
  @Override
  protected CacheStore newStore(long maxSize) {
    return CacheStores.inMemory(maxSize);
  }
}
