package dev.haul.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.util.Modules;
import dev.haul.CoreModule;
import dev.haul.HaulClient;
import dev.haul.HaulInjector;
import dev.haul.Response;
import dev.haul.spi.EventListener;
import dev.haul.transport.netty.NettyTransportModule;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Issue 11: the Guice wiring: the cache in CoreModule's slot, policy and store swapped with Modules.override. */
class CacheModuleTest extends CacheTestSupport {

  @Test
  void theCacheModuleFillsTheSlotOfTheInjectedClient() {
    routes.put("/g", r -> realTime("guice", "Cache-Control", "max-age=60"));
    Injector injector = HaulInjector.create(new CoreModule(), new NettyTransportModule(), new CacheModule());
    HttpCache cache = injector.getInstance(HttpCache.class);
    HaulClient client = injector.getInstance(HaulClient.class);
    closeables.add(cache);
    closeables.add(client);
    get(client, "/g");
    Response<String> hit = get(client, "/g");
    assertThat(cacheStatus(hit)).startsWith("haul; hit");
    assertThat(cache.stats().hits()).isEqualTo(1);
  }

  @Test
  void policyStoreAndConfigAreSwappedWithModulesOverrideAndEvictionsReachTheSharedListeners() {
    routes.put("/plain", r -> realTime("no freshness"));
    List<String> evicted = new CopyOnWriteArrayList<>();
    CacheStore store = CacheStores.inMemory(1 << 20);
    AbstractModule overrides = new AbstractModule() {
      @Override
      protected void configure() {
        CacheModule.policyBinder(binder()).setBinding().toInstance(CachePolicy.forcedTtl(Duration.ofMinutes(1)));
        CacheModule.storeBinder(binder()).setBinding().toInstance(store);
        CacheModule.configBinder(binder()).setBinding().toInstance(CacheConfig.builder().mode(CacheMode.SHARED).build());
        CoreModule.eventListeners(binder()).addBinding().toInstance(new EventListener() {
          @Override
          public void cacheEvicted(URI uri, long bytes, String cause) {
            evicted.add(uri.getPath() + " " + cause);
          }
        });
      }
    };
    Injector injector = Guice.createInjector(Modules.override(new CoreModule(), new NettyTransportModule(),
        new CacheModule()).with(overrides));
    HttpCache cache = injector.getInstance(HttpCache.class);
    HaulClient client = injector.getInstance(HaulClient.class);
    closeables.add(cache);
    closeables.add(client);
    assertThat(cache.store()).isSameAs(store);
    assertThat(cache.config().mode()).isEqualTo(CacheMode.SHARED);
    get(client, "/plain");
    assertThat(cacheStatus(get(client, "/plain"))).startsWith("haul; hit; ttl=").doesNotContain("detail"); // the forced TTL policy
    cache.invalidate(server.url("/plain")).join();
    assertThat(evicted).containsExactly("/plain invalidated");
  }

  /** A 200 dated by the real clock: the injected caches age responses by it. */
  static dev.haul.testkit.MockResponse realTime(String body, String... headers) {
    var b = dev.haul.testkit.MockResponse.builder().body(body).header("Date", HttpDates.format(java.time.Instant.now()));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  @Test
  void installedTwiceItBindsOnce() {
    Injector injector = HaulInjector.create(new CoreModule(), new NettyTransportModule(), new CacheModule(),
        new CacheModule());
    HttpCache cache = injector.getInstance(HttpCache.class);
    closeables.add(cache);
    closeables.add(injector.getInstance(HaulClient.class));
    assertThat(cache).isSameAs(injector.getInstance(HttpCache.class));
  }
}
