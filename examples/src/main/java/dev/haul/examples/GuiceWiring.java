package dev.haul.examples;

import com.google.inject.AbstractModule;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import dev.haul.BodyHandlers;
import dev.haul.CoreModule;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.HaulInjector;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.spi.EventListener;
import dev.haul.spi.RetryPolicy;
import dev.haul.transport.netty.NettyTransportConfig;
import dev.haul.transport.netty.NettyTransportModule;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Guice wiring: {@link CoreModule} plus {@link NettyTransportModule}, configuration from the
 * environment, an event listener added through the multibinder, and an SPI implementation
 * (the retry policy) swapped with {@code Modules.override}.
 */
public final class GuiceWiring {

  private GuiceWiring() {}

  /** Counts requests; bound into the client's listener set. */
  public static final class RequestCounter implements EventListener {
    public final AtomicInteger requests = new AtomicInteger();

    @Override
    public void requestStart(Request request) {
      requests.incrementAndGet();
    }
  }

  /** The application's module: configuration and a listener. */
  public static Module appModule(RequestCounter counter) {
    return new AbstractModule() {
      @Override
      protected void configure() {
        CoreModule.configBinder(binder()).setBinding().toInstance(HaulConfig.from(dev.haul.config.ConfigSource.system()));
        NettyTransportModule.configBinder(binder()).setBinding()
            .toInstance(NettyTransportConfig.builder().maxPerHost(16).build());
        CoreModule.eventListeners(binder()).addBinding().toInstance(counter);
      }
    };
  }

  /** The same application with retries turned off, by overriding one binding. */
  public static Injector withoutRetries(RequestCounter counter) {
    Module base = Modules.combine(new CoreModule(), new NettyTransportModule(), appModule(counter));
    // The strict injector: explicit bindings only, no circular proxies, production stage.
    return HaulInjector.create(Modules.override(base).with(new AbstractModule() {
      @Override
      protected void configure() {
        CoreModule.retryPolicyBinder(binder()).setBinding().toInstance(RetryPolicy.none());
      }
    }));
  }

  /** Sends one GET through an injected client; returns the status. */
  public static int get(Injector injector, String url) {
    HaulClient client = injector.getInstance(HaulClient.class);
    Response<String> r = client.send(Request.get(url), BodyHandlers.ofString());
    return r.status();
  }

  public static void main(String[] args) {
    try (dev.haul.testkit.OriginServer server = dev.haul.testkit.OriginServer.start()) {
      server.enqueue(dev.haul.testkit.MockResponse.builder().status(503).build());
      RequestCounter counter = new RequestCounter();
      Injector injector = withoutRetries(counter);
      try {
        System.out.println("status " + get(injector, server.url("/").toString()) + " after "
            + counter.requests.get() + " request(s): the override turned retries off");
      } finally {
        injector.getInstance(HaulClient.class).close();
      }
    }
  }
}
