package dev.haul.download;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.haul.download.internal.DefaultDownloader;
import dev.haul.testing.Layering;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 10: the download module's layering, with core's and the transport's, over compiled classes. */
class LayeringTest {

  /**
   * The download module's composition root: {@code Downloader.Builder.build()} is the one place
   * that names the engine. {@link Downloader} itself is not a root: it is the interface the engine
   * implements, and the engine may not depend on a root. {@link DownloadModule} is not one either:
   * it builds the downloader through {@code Downloader.builder(...)} and imports nothing internal.
   */
  static final Set<String> ROOTS = Set.of(Downloader.Builder.class.getName());

  /** Imported once: reading every class on the class path is the slow part. */
  private static final JavaClasses LIBRARY = Layering.libraryClasses();

  static Set<String> roots() {
    Set<String> all = new HashSet<>(Layering.CORE_ROOTS);
    all.add("dev.haul.transport.netty.NettyTransport"); // on the test class path
    all.addAll(ROOTS);
    return all;
  }

  @Test
  void theApiAndTheGuiceModuleUseNoInternalClassAndTheEngineNoRoot() {
    assertThat(Layering.violations(LIBRARY, roots())).isEmpty();
  }

  @Test
  void theCheckSeesTheDownloadModulesClasses() {
    assertThat(LIBRARY.contain(DownloadModule.class)).isTrue();
    assertThat(LIBRARY.contain(Downloader.Builder.class)).isTrue();
    assertThat(LIBRARY.contain(DefaultDownloader.class)).isTrue();
    assertThat(Layering.module(DefaultDownloader.class.getPackageName())).isEqualTo("dev.haul.download");
  }

  /** Without its root declared, the builder is what the check reports: it must see the engine import. */
  @Test
  void theCheckCatchesTheBuilderWhenItIsNotARoot() {
    var classes = new ClassFileImporter().importClasses(Downloader.class, Downloader.Builder.class,
        DownloadModule.class, DefaultDownloader.class);
    assertThat(Layering.violations(classes, Set.of())).anyMatch(v ->
        v.startsWith("public/SPI type uses an internal class") && v.contains("<dev.haul.download.Downloader$Builder."));
    assertThat(Layering.violations(classes, ROOTS)).isEmpty();
  }

  /** Why {@link Downloader} is not declared a root: the engine implements it. */
  @Test
  void declaringTheInterfaceARootWouldPutTheEngineBelowIt() {
    var classes = new ClassFileImporter().importClasses(Downloader.class, DefaultDownloader.class);
    assertThat(Layering.violations(classes, Set.of(Downloader.class.getName()))).anyMatch(v ->
        v.startsWith("internal class depends on a composition root") && v.contains("DefaultDownloader"));
  }
}
