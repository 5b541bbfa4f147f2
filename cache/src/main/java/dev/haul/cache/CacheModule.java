package dev.haul.cache;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import dev.haul.CoreModule;
import dev.haul.spi.EventListener;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Guice wiring for the cache: binds a singleton {@link HttpCache} into {@code CoreModule}'s cache
 * slot ({@link CoreModule#cacheBinder}), built by {@link HttpCache#builder()} from these optional
 * binders:
 *
 * <ul>
 *   <li>{@link CacheConfig}: default {@link CacheConfig#defaults()}; to read {@code haul.cache.*}:
 *       {@code CacheModule.configBinder(binder()).setBinding().toInstance(CacheConfig.from(ConfigSource.system()))}.
 *   <li>{@link CachePolicy}: none by default (the configuration decides: {@link ForcedTtlPolicy} when
 *       {@code haul.cache.default-ttl} is set, else {@link Rfc9111Policy}).
 *   <li>{@link CacheStore}: none by default ({@link CacheStores#onDisk} when {@code haul.cache.dir}
 *       is set, else {@link CacheStores#inMemory}).
 * </ul>
 *
 * <p>Swap either with {@code setBinding()} in a module given to {@code Modules.override(...).with(...)}.
 * The client's shared event listeners (bound with {@code CoreModule.eventListeners}) receive the
 * cache's evictions. Guice does not close what it creates: the application closes the
 * {@link HttpCache} (which closes its store) after the {@code HaulClient}.
 */
public final class CacheModule extends AbstractModule {

  @Override
  protected void configure() {
    configBinder(binder()).setDefault().toInstance(CacheConfig.defaults());
    policyBinder(binder());
    storeBinder(binder());
    CoreModule.eventListeners(binder());
    CoreModule.cacheBinder(binder()).setBinding().to(HttpCache.class);
  }

  /** Where an application binds its {@link CacheConfig} with {@code setBinding()}. */
  public static OptionalBinder<CacheConfig> configBinder(Binder binder) {
    return OptionalBinder.newOptionalBinder(binder, CacheConfig.class);
  }

  /** Where an application binds the default {@link CachePolicy} with {@code setBinding()}. */
  public static OptionalBinder<CachePolicy> policyBinder(Binder binder) {
    return OptionalBinder.newOptionalBinder(binder, CachePolicy.class);
  }

  /** Where an application binds the {@link CacheStore} with {@code setBinding()}. */
  public static OptionalBinder<CacheStore> storeBinder(Binder binder) {
    return OptionalBinder.newOptionalBinder(binder, CacheStore.class);
  }

  @Provides
  @Singleton
  HttpCache cache(CacheConfig config, Optional<CachePolicy> policy, Optional<CacheStore> store,
      Set<EventListener> listeners) {
    HttpCache.Builder b = HttpCache.builder().config(config).events(EventListener.composite(List.copyOf(listeners)));
    policy.ifPresent(b::policy);
    store.ifPresent(b::store);
    return b.build();
  }

  // Guice skips a module equal to one already installed.
  @Override
  public boolean equals(Object o) {
    return o instanceof CacheModule;
  }

  @Override
  public int hashCode() {
    return CacheModule.class.hashCode();
  }
}
