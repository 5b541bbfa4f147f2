package dev.haul.cache;

import static java.util.Objects.requireNonNull;

import dev.haul.Origin;
import dev.haul.cache.internal.DefaultHttpCache;
import dev.haul.spi.CacheStage;
import dev.haul.spi.EventListener;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * An RFC 9111 HTTP cache for the chain's cache slot:
 *
 * <pre>{@code
 * HttpCache cache = HttpCache.builder().config(CacheConfig.from(ConfigSource.system())).build();
 * HaulClient client = Haul.newBuilder().transport(NettyTransport.create()).cache(cache).build();
 * }</pre>
 *
 * <p>Every response that passes through it carries a {@code Cache-Status} field (RFC 9211) naming
 * the cache {@code haul}; what it did is also reported to the call's {@link EventListener}
 * ({@code cacheHit}, {@code cacheMiss}, ...) and counted in {@link #stats()}. See the package
 * documentation for what of RFC 9111, 5861 and 9211 is implemented.
 */
public interface HttpCache extends CacheStage, AutoCloseable {

  /** The counters since the cache was built. */
  CacheStats stats();

  /** The cache's settings. */
  CacheConfig config();

  /** The store the cache uses. */
  CacheStore store();

  /** Removes the stored response of a GET of {@code uri}; completes with whether there was one. */
  CompletableFuture<Boolean> invalidate(URI uri);

  /** Closes the store. Calls still streaming a stored body finish first or fail. Idempotent. */
  @Override
  void close();

  /** A builder at the default configuration (in memory, private, RFC 9111). */
  static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link HttpCache}. */
  final class Builder {
    private CacheConfig config = CacheConfig.defaults();
    private CacheStore store;
    private CachePolicy policy;
    private final Map<Origin, CachePolicy> originPolicies = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private EventListener events = EventListener.NONE;

    private Builder() {}

    /** The settings; {@code haul.cache.dir} chooses the disk store when no store is given. */
    public Builder config(CacheConfig config) {
      this.config = requireNonNull(config, "config is null");
      return this;
    }

    /**
     * The store (the cache owns it and closes it); by default {@link CacheStores#onDisk} of
     * {@code haul.cache.dir} when it is set, else {@link CacheStores#inMemory}, bounded by
     * {@code haul.cache.max-size}.
     */
    public Builder store(CacheStore store) {
      this.store = requireNonNull(store, "store is null");
      return this;
    }

    /**
     * The default policy; without one, {@link ForcedTtlPolicy} of {@code haul.cache.default-ttl}
     * when it is set, else {@link Rfc9111Policy}.
     */
    public Builder policy(CachePolicy policy) {
      this.policy = requireNonNull(policy, "policy is null");
      return this;
    }

    /** The policy of requests to {@code origin} (a request's own {@link CacheOptions} still win). */
    public Builder policy(Origin origin, CachePolicy policy) {
      originPolicies.put(requireNonNull(origin, "origin is null"), requireNonNull(policy, "policy is null"));
      return this;
    }

    /** The wall clock that ages responses (their {@code Date}, {@code Expires} are wall-clock times). */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock is null");
      return this;
    }

    /**
     * Where events that belong to no call go (evictions): usually the client's shared listeners
     * ({@code CacheModule} wires them); by default nowhere.
     */
    public Builder events(EventListener events) {
      this.events = requireNonNull(events, "events is null");
      return this;
    }

    public HttpCache build() {
      CacheStore s = store != null ? store
          : config.dir().isPresent() ? CacheStores.onDisk(config.dir().get(), config.maxSize())
          : CacheStores.inMemory(config.maxSize());
      CachePolicy p = policy != null ? policy
          : config.defaultTtl().<CachePolicy>map(ForcedTtlPolicy::of).orElse(Rfc9111Policy.create());
      return new DefaultHttpCache(config, s, p, Map.copyOf(originPolicies), clock, events);
    }
  }
}
