package dev.haul;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.BindingAnnotation;
import com.google.inject.Inject;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import dev.haul.spi.CacheStage;
import dev.haul.spi.EventListener;
import dev.haul.spi.Interceptor;
import dev.haul.spi.RetryPolicy;
import dev.haul.spi.Ticker;
import dev.haul.spi.Transport;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Guice wiring for the core client. Declares the extension points:
 *
 * <ul>
 *   <li>{@link Transport}: an {@code OptionalBinder} with no default; a transport module
 *       ({@code NettyTransportModule}) sets it. Without one, injector creation fails with
 *       {@code no Transport is installed: add NettyTransportModule (haul-transport-netty)}.
 *   <li>{@link HaulConfig} (default {@link HaulConfig#defaults()}), {@link RetryPolicy} (default
 *       {@link RetryPolicy#fromConfig}), {@link Ticker} (default system): optional binders.
 *   <li>{@link CacheStage}: an optional binder with no default; a cache module sets it, and
 *       without one the chain has no cache stage.
 *   <li>Application interceptors, network interceptors ({@link Network}), event listeners and
 *       event listener factories: multibinders. Haul's own stages keep their fixed place whatever
 *       is bound (see {@link dev.haul.spi.Interceptor}); interceptors bound from different modules
 *       carry no order guarantee between modules (Guice does not promise one), so interceptors
 *       that depend on each other's order belong in one module.
 * </ul>
 *
 * <p>Modules add to these with the static helpers, for example
 * {@code CoreModule.eventListeners(binder()).addBinding().to(MyListener.class)}. The
 * {@link HaulClient} is built by the same builder that {@link Haul#newBuilder()} returns.
 */
public final class CoreModule extends AbstractModule {

  /** Qualifies the set of network interceptors. */
  @BindingAnnotation
  @Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  public @interface Network {}

  /** Qualifies the executor that runs async completions and the blocking steps of body handlers. */
  @BindingAnnotation
  @Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  public @interface Callbacks {}

  @Override
  protected void configure() {
    transportBinder(binder());
    configBinder(binder()).setDefault().toInstance(HaulConfig.defaults());
    retryPolicyBinder(binder()).setDefault().toProvider(DefaultRetryPolicyProvider.class);
    tickerBinder(binder()).setDefault().toInstance(Ticker.systemTicker());
    OptionalBinder.newOptionalBinder(binder(), com.google.inject.Key.get(Executor.class, Callbacks.class));
    OptionalBinder.newOptionalBinder(binder(), BearerAuth.class);
    interceptors(binder());
    networkInterceptors(binder());
    eventListeners(binder());
    eventListenerFactories(binder());
    cacheBinder(binder());
    bind(TransportCheck.class).asEagerSingleton();
  }

  /** Where a transport module binds its {@link Transport} with {@code setBinding()}. */
  public static OptionalBinder<Transport> transportBinder(Binder binder) {
    return OptionalBinder.newOptionalBinder(binder, Transport.class);
  }

  /** Where an application binds its {@link HaulConfig} with {@code setBinding()}. */
  public static OptionalBinder<HaulConfig> configBinder(Binder binder) {
    return OptionalBinder.newOptionalBinder(binder, HaulConfig.class);
  }

  public static OptionalBinder<RetryPolicy> retryPolicyBinder(Binder binder) {
    return OptionalBinder.newOptionalBinder(binder, RetryPolicy.class);
  }

  public static OptionalBinder<Ticker> tickerBinder(Binder binder) {
    return OptionalBinder.newOptionalBinder(binder, Ticker.class);
  }

  public static Multibinder<Interceptor> interceptors(Binder binder) {
    return Multibinder.newSetBinder(binder, Interceptor.class);
  }

  public static Multibinder<Interceptor> networkInterceptors(Binder binder) {
    return Multibinder.newSetBinder(binder, Interceptor.class, Network.class);
  }

  public static Multibinder<EventListener> eventListeners(Binder binder) {
    return Multibinder.newSetBinder(binder, EventListener.class);
  }

  /** Where modules add factories of per-call listeners (a metrics sink keeping per-call state). */
  public static Multibinder<EventListener.Factory> eventListenerFactories(Binder binder) {
    return Multibinder.newSetBinder(binder, EventListener.Factory.class);
  }

  /** Where a cache module binds the {@link CacheStage} with {@code setBinding()}. */
  public static OptionalBinder<CacheStage> cacheBinder(Binder binder) {
    return OptionalBinder.newOptionalBinder(binder, CacheStage.class);
  }

  @Provides
  @Singleton
  HaulClient client(HaulConfig config, Optional<Transport> transport, RetryPolicy retryPolicy,
      Set<Interceptor> interceptors, @Network Set<Interceptor> networkInterceptors,
      Set<EventListener> listeners, Set<EventListener.Factory> listenerFactories,
      Optional<CacheStage> cache, Ticker ticker, @Callbacks Optional<Executor> callbacks,
      Optional<BearerAuth> bearerAuth) {
    Haul.Builder b = Haul.newBuilder()
        .config(config)
        .transport(transport.orElseThrow(TransportCheck::missing))
        .retryPolicy(retryPolicy)
        .ticker(ticker);
    interceptors.forEach(b::addInterceptor);
    networkInterceptors.forEach(b::addNetworkInterceptor);
    listeners.forEach(b::addEventListener);
    listenerFactories.forEach(b::addEventListenerFactory);
    cache.ifPresent(b::cache);
    callbacks.ifPresent(b::callbackExecutor);
    bearerAuth.ifPresent(b::bearerAuth);
    return b.build();
  }

  /** Fails injector creation, in any stage, when no transport module is installed. */
  static final class TransportCheck {
    @Inject
    TransportCheck(Optional<Transport> transport) {
      if (transport.isEmpty()) {
        throw missing();
      }
    }

    static IllegalStateException missing() {
      return new IllegalStateException(
          "no Transport is installed: add NettyTransportModule (haul-transport-netty)");
    }
  }

  static final class DefaultRetryPolicyProvider implements jakarta.inject.Provider<RetryPolicy> {
    private final HaulConfig config;

    @Inject
    DefaultRetryPolicyProvider(HaulConfig config) {
      this.config = config;
    }

    @Override
    public RetryPolicy get() {
      return RetryPolicy.fromConfig(config);
    }
  }
}
