package dev.haul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import com.google.inject.util.Modules;
import dev.haul.internal.DefaultHaulClient;
import dev.haul.spi.EventListener;
import dev.haul.spi.Interceptor;
import dev.haul.spi.RetryPolicy;
import dev.haul.testing.FakeTransport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WiringTest {

  static final Interceptor TAGGER = chain -> chain.proceed(
      chain.request().toBuilder().header("X-Tagged", "1").build());
  static final EventListener LISTENER = new EventListener() {};

  /** What a transport module does: set the transport binding. */
  static final class FakeTransportModule extends AbstractModule {
    final FakeTransport transport;

    FakeTransportModule(FakeTransport transport) {
      this.transport = transport;
    }

    @Override
    protected void configure() {
      CoreModule.transportBinder(binder()).setBinding().toInstance(transport);
    }
  }

  @Test
  void missingTransportFailsAtInjectorCreation() {
    for (Stage stage : Stage.values()) {
      if (stage == Stage.TOOL) {
        continue;
      }
      assertThatThrownBy(() -> Guice.createInjector(stage, new CoreModule()))
          .isInstanceOf(CreationException.class)
          .hasMessageContaining("no Transport is installed: add NettyTransportModule (haul-transport-netty)");
    }
  }

  @Test
  void builderWithoutTransportSaysWhatToDo() {
    assertThatThrownBy(() -> Haul.newBuilder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("haul-transport-netty");
  }

  @Test
  void guiceAndBuilderBuildEquivalentClients() {
    FakeTransport t1 = new FakeTransport();
    HaulConfig config = HaulConfig.builder().connectTimeout(Duration.ofSeconds(3)).build();
    Injector injector = Guice.createInjector(Stage.PRODUCTION, new CoreModule(), new FakeTransportModule(t1),
        new AbstractModule() {
          @Override
          protected void configure() {
            CoreModule.configBinder(binder()).setBinding().toInstance(config);
            CoreModule.interceptors(binder()).addBinding().toInstance(TAGGER);
            CoreModule.eventListeners(binder()).addBinding().toInstance(LISTENER);
          }
        });
    FakeTransport t2 = new FakeTransport();
    try (HaulClient fromGuice = injector.getInstance(HaulClient.class);
         HaulClient fromBuilder = Haul.newBuilder().config(config).transport(t2)
             .addInterceptor(TAGGER).addEventListener(LISTENER).build()) {
      assertThat(fromGuice).isInstanceOf(DefaultHaulClient.class).isSameAs(injector.getInstance(HaulClient.class));
      DefaultHaulClient.Parts g = ((DefaultHaulClient) fromGuice).parts();
      DefaultHaulClient.Parts b = ((DefaultHaulClient) fromBuilder).parts();
      assertThat(g.config()).isEqualTo(b.config());
      assertThat(g.interceptors()).isEqualTo(b.interceptors());
      assertThat(g.networkInterceptors()).isEqualTo(b.networkInterceptors());
      assertThat(g.listeners()).isEqualTo(b.listeners());
      assertThat(g.retryPolicy().getClass()).isEqualTo(b.retryPolicy().getClass());
      assertThat(g.ticker()).isSameAs(b.ticker());

      // Same behaviour: both send the same request to their transport.
      t1.enqueue(200, "a");
      t2.enqueue(200, "a");
      fromGuice.send(Request.get("http://h/p"), BodyHandlers.ofString());
      fromBuilder.send(Request.get("http://h/p"), BodyHandlers.ofString());
      assertThat(t1.exchanges().get(0).request().headers())
          .isEqualTo(t2.exchanges().get(0).request().headers());
      assertThat(t1.exchanges().get(0).request().headers().get("X-Tagged")).isEqualTo("1");
      assertThat(t1.exchanges().get(0).timeouts()).isEqualTo(t2.exchanges().get(0).timeouts());
    }
  }

  @Test
  void modulesOverrideSwapsAnImplementation() {
    FakeTransport original = new FakeTransport();
    FakeTransport replacement = new FakeTransport();
    RetryPolicy none = RetryPolicy.none();
    Injector injector = Guice.createInjector(Modules.override(new CoreModule(), new FakeTransportModule(original))
        .with(new AbstractModule() {
          @Override
          protected void configure() {
            CoreModule.transportBinder(binder()).setBinding().toInstance(replacement);
            CoreModule.retryPolicyBinder(binder()).setBinding().toInstance(none);
          }
        }));
    try (HaulClient client = injector.getInstance(HaulClient.class)) {
      replacement.enqueue(503, "busy");
      assertThat(client.send(Request.get("http://h/"), BodyHandlers.ofString()).status()).isEqualTo(503);
      assertThat(replacement.exchanges()).hasSize(1); // not retried: the override's policy is used
      assertThat(original.exchanges()).isEmpty();
      assertThat(((DefaultHaulClient) client).parts().retryPolicy()).isSameAs(none);
    }
  }

  @Test
  void setBindingReplacesTheDefaultRetryPolicy() {
    RetryPolicy none = RetryPolicy.none();
    Injector injector = Guice.createInjector(new CoreModule(), new FakeTransportModule(new FakeTransport()),
        new AbstractModule() {
          @Override
          protected void configure() {
            CoreModule.retryPolicyBinder(binder()).setBinding().toInstance(none);
          }
        });
    assertThat(injector.getInstance(RetryPolicy.class)).isSameAs(none);
  }

  // Issue 9 item 9: the strict injector (explicit bindings only, no circular proxies, @Inject
  // constructors, production stage) must build the whole client from CoreModule plus a transport.
  @Test
  void strictInjectorBuildsTheClientAndStillNamesAMissingTransport() {
    FakeTransport transport = new FakeTransport();
    transport.enqueue(200, "ok");
    Injector injector = HaulInjector.create(new CoreModule(), new FakeTransportModule(transport));
    try (HaulClient client = injector.getInstance(HaulClient.class)) {
      assertThat(client.send(Request.get("http://h/"), BodyHandlers.ofString()).body()).isEqualTo("ok");
      assertThat(injector.getInstance(HaulClient.class)).isSameAs(client);
    }
    assertThatThrownBy(() -> HaulInjector.create(new CoreModule()))
        .hasMessageContaining("no Transport is installed");
  }

  @Test
  void strictInjectorRefusesJustInTimeBindings() {
    Injector injector = HaulInjector.create(new CoreModule(), new FakeTransportModule(new FakeTransport()));
    assertThatThrownBy(() -> injector.getInstance(Unbound.class))
        .hasMessageContaining("Explicit bindings are required");
  }

  static final class Unbound {
    @com.google.inject.Inject
    Unbound() {}
  }
}
