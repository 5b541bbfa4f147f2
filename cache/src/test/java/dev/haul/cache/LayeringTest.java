package dev.haul.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.haul.cache.internal.DefaultHttpCache;
import dev.haul.cache.internal.DiskCacheStore;
import dev.haul.testing.Layering;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 11: the cache module's layering, with core's and the transport's, over compiled classes. */
class LayeringTest {

  /**
   * The cache module's composition roots: {@code HttpCache.Builder.build()} and the store factories
   * in {@link CacheStores} are the places that name the engine. {@link HttpCache} is not one (the
   * engine implements it); {@link CacheModule} builds through the builder and imports nothing internal.
   */
  static final Set<String> ROOTS = Set.of(HttpCache.Builder.class.getName(), CacheStores.class.getName());

  private static final JavaClasses LIBRARY = Layering.libraryClasses();

  static Set<String> roots() {
    Set<String> all = new HashSet<>(Layering.CORE_ROOTS);
    all.add("dev.haul.transport.netty.NettyTransport"); // on the test class path
    all.addAll(ROOTS);
    return all;
  }

  @Test
  void theApiTheSpiAndTheGuiceModuleUseNoInternalClassAndTheEngineNoRoot() {
    assertThat(Layering.violations(LIBRARY, roots())).isEmpty();
  }

  @Test
  void theCheckSeesTheCacheModulesClasses() {
    assertThat(LIBRARY.contain(CacheModule.class)).isTrue();
    assertThat(LIBRARY.contain(DefaultHttpCache.class)).isTrue();
    assertThat(LIBRARY.contain(DiskCacheStore.class)).isTrue();
    assertThat(Layering.module(DefaultHttpCache.class.getPackageName())).isEqualTo("dev.haul.cache");
  }

  /** Without its roots declared, the builder and the store factories are what the check reports. */
  @Test
  void theCheckCatchesTheRootsWhenTheyAreNotDeclared() {
    var classes = new ClassFileImporter().importClasses(HttpCache.class, HttpCache.Builder.class, CacheStores.class,
        CacheModule.class, DefaultHttpCache.class, DiskCacheStore.class);
    assertThat(Layering.violations(classes, Set.of()))
        .anyMatch(v -> v.startsWith("public/SPI type uses an internal class") && v.contains("HttpCache$Builder"))
        .anyMatch(v -> v.startsWith("public/SPI type uses an internal class") && v.contains("CacheStores"));
    assertThat(Layering.violations(classes, ROOTS)).isEmpty();
  }
}
