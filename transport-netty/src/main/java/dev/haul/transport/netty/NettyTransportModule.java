package dev.haul.transport.netty;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import dev.haul.CoreModule;

/**
 * Guice wiring: installs {@link NettyTransport} as the {@link dev.haul.spi.Transport}. Its
 * {@link NettyTransportConfig} defaults to {@link NettyTransportConfig#defaults()}; set your own
 * with {@code NettyTransportModule.configBinder(binder()).setBinding().toInstance(...)}.
 */
public final class NettyTransportModule extends AbstractModule {

  @Override
  protected void configure() {
    configBinder(binder()).setDefault().toInstance(NettyTransportConfig.defaults());
    CoreModule.transportBinder(binder()).setBinding().to(NettyTransport.class);
  }

  public static OptionalBinder<NettyTransportConfig> configBinder(com.google.inject.Binder binder) {
    return OptionalBinder.newOptionalBinder(binder, NettyTransportConfig.class);
  }

  @Provides
  @Singleton
  NettyTransport transport(NettyTransportConfig config) {
    return new NettyTransport(config);
  }
}
