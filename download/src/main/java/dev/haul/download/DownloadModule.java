package dev.haul.download;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import dev.haul.HaulClient;
import java.util.Optional;

/**
 * Guice wiring for the downloader: binds a singleton {@link Downloader} built by
 * {@link Downloader#builder} from the injected {@link HaulClient} (so install
 * {@code dev.haul.CoreModule} and a transport module too), and declares its extension points as
 * optional binders:
 *
 * <ul>
 *   <li>{@link DownloadConfig}: default {@link DownloadConfig#defaults()}. To read
 *       {@code haul.download.*} from system properties and the environment:
 *       {@code DownloadModule.configBinder(binder()).setBinding().toInstance(DownloadConfig.from(ConfigSource.system()))}.
 *   <li>{@link DownloadStrategy}: default {@link DownloadStrategy#adaptive()}; swap it with
 *       {@code DownloadModule.strategyBinder(binder()).setBinding().toInstance(DownloadStrategy.segmented(4))},
 *       or the same call in a module given to {@code Modules.override(...).with(...)}.
 *   <li>{@link DownloadListener}: none by default; one set with
 *       {@code listenerBinder(binder()).setBinding()} hears every download's events and progress
 *       (the client's event listeners hear the events in any case).
 * </ul>
 *
 * <p>Guice does not close what it creates: the application closes the {@link Downloader} (it is
 * {@link AutoCloseable}; closing cancels running downloads, whose {@code .part} files and journals
 * stay for a later resume), before it closes the {@link HaulClient}, which the downloader uses but
 * never closes. Works with the strict {@code HaulInjector.create(...)}. Every instance equals every
 * other, so the module may be installed by several modules that need it.
 */
public final class DownloadModule extends AbstractModule {

  @Override
  protected void configure() {
    configBinder(binder()).setDefault().toInstance(DownloadConfig.defaults());
    strategyBinder(binder()).setDefault().toInstance(DownloadStrategy.adaptive());
    listenerBinder(binder());
  }

  /** Where an application binds its {@link DownloadConfig} with {@code setBinding()}. */
  public static OptionalBinder<DownloadConfig> configBinder(Binder binder) {
    return OptionalBinder.newOptionalBinder(binder, DownloadConfig.class);
  }

  /** Where an application binds the {@link DownloadStrategy} of every download with {@code setBinding()}. */
  public static OptionalBinder<DownloadStrategy> strategyBinder(Binder binder) {
    return OptionalBinder.newOptionalBinder(binder, DownloadStrategy.class);
  }

  /** Where an application binds the downloader's {@link DownloadListener} with {@code setBinding()}. */
  public static OptionalBinder<DownloadListener> listenerBinder(Binder binder) {
    return OptionalBinder.newOptionalBinder(binder, DownloadListener.class);
  }

  @Provides
  @Singleton
  Downloader downloader(HaulClient client, DownloadConfig config, DownloadStrategy strategy,
      Optional<DownloadListener> listener) {
    Downloader.Builder b = Downloader.builder(client).config(config).strategy(strategy);
    listener.ifPresent(b::listener);
    return b.build();
  }

  // Guice skips a module equal to one already installed, so two modules that each install this one
  // do not bind the downloader twice.
  @Override
  public boolean equals(Object o) {
    return o instanceof DownloadModule;
  }

  @Override
  public int hashCode() {
    return DownloadModule.class.hashCode();
  }
}
