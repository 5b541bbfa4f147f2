package dev.haul.monitoring;

import com.codahale.metrics.MetricRegistry;
import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import dev.haul.CoreModule;
import dev.haul.HaulClient;
import jakarta.inject.Inject;
import jakarta.inject.Provider;

/**
 * Guice wiring for monitoring: adds {@link HaulMetrics} to {@link CoreModule}'s event listeners
 * (as a per-call listener factory and as a shared listener, like
 * {@link HaulMetrics#installOn(dev.haul.Haul.Builder)}), and binds a singleton {@link Monitoring},
 * created eagerly with the injector, which reads the pool statistics, runs the reporters and the
 * dashboard that {@link MonitoringConfig} names. Extension points (optional binders):
 *
 * <ul>
 *   <li>{@link MetricRegistry}: default a new registry of its own; bind the application's with
 *       {@code MonitoringModule.registryBinder(binder()).setBinding().toInstance(registry)}.
 *   <li>{@link MonitoringConfig}: default {@link MonitoringConfig#defaults()} (no reporter, no
 *       dashboard); {@code configBinder(binder()).setBinding().toInstance(MonitoringConfig.from(ConfigSource.system()))}.
 * </ul>
 *
 * <p>Guice does not close what it creates: close the {@link Monitoring} (dashboard, reporters)
 * before the {@link HaulClient}. Works with the strict {@code HaulInjector.create(...)}.
 */
public final class MonitoringModule extends AbstractModule {

  @Override
  protected void configure() {
    registryBinder(binder()).setDefault().toProvider(NewRegistry.class).in(Singleton.class);
    configBinder(binder()).setDefault().toInstance(MonitoringConfig.defaults());
    CoreModule.eventListenerFactories(binder()).addBinding().to(HaulMetrics.class);
    CoreModule.eventListeners(binder()).addBinding().to(HaulMetrics.class);
    bind(Monitoring.class).toProvider(MonitoringProvider.class).asEagerSingleton();
  }

  /** Where an application binds its {@link MetricRegistry} with {@code setBinding()}. */
  public static OptionalBinder<MetricRegistry> registryBinder(Binder binder) {
    return OptionalBinder.newOptionalBinder(binder, MetricRegistry.class);
  }

  /** Where an application binds its {@link MonitoringConfig} with {@code setBinding()}. */
  public static OptionalBinder<MonitoringConfig> configBinder(Binder binder) {
    return OptionalBinder.newOptionalBinder(binder, MonitoringConfig.class);
  }

  @Provides
  @Singleton
  HaulMetrics metrics(MetricRegistry registry, MonitoringConfig config) {
    return HaulMetrics.create(registry, config);
  }

  static final class NewRegistry implements Provider<MetricRegistry> {
    @Inject
    NewRegistry() {}

    @Override
    public MetricRegistry get() {
      return new MetricRegistry();
    }
  }

  static final class MonitoringProvider implements Provider<Monitoring> {
    private final HaulClient client;
    private final HaulMetrics metrics;
    private final MonitoringConfig config;

    @Inject
    MonitoringProvider(HaulClient client, HaulMetrics metrics, MonitoringConfig config) {
      this.client = client;
      this.metrics = metrics;
      this.config = config;
    }

    @Override
    public Monitoring get() {
      return Monitoring.start(client, metrics, config);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MonitoringModule;
  }

  @Override
  public int hashCode() {
    return MonitoringModule.class.hashCode();
  }
}
