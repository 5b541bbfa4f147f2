package dev.haul.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.haul.monitoring.internal.MetricsEngine;
import dev.haul.testing.Layering;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The monitoring module's layering, with the other modules', over compiled classes. */
class LayeringTest {

  /**
   * The composition roots: the three public types that assemble the engine. Their public
   * signatures name no internal type; the engine never names them.
   */
  static final Set<String> ROOTS = Set.of(HaulMetrics.class.getName(), Monitoring.class.getName(),
      DashboardServer.class.getName());

  private static final JavaClasses LIBRARY = Layering.libraryClasses();

  static Set<String> roots() {
    Set<String> all = new HashSet<>(Layering.CORE_ROOTS);
    all.add("dev.haul.transport.netty.NettyTransport");
    all.add("dev.haul.download.Downloader$Builder");
    all.addAll(ROOTS);
    return all;
  }

  @Test
  void theApiUsesNoInternalClassAndTheEngineNoRoot() {
    assertThat(Layering.violations(LIBRARY, roots())).isEmpty();
  }

  @Test
  void theCheckSeesTheMonitoringModule() {
    assertThat(LIBRARY.contain(MetricsEngine.class)).isTrue();
    assertThat(LIBRARY.contain(MonitoringModule.class)).isTrue();
    assertThat(Layering.module(MetricsEngine.class.getPackageName())).isEqualTo("dev.haul.monitoring");
  }

  /** Without its root declared, {@link HaulMetrics} is reported: the check sees the engine import. */
  @Test
  void theCheckCatchesHaulMetricsWhenItIsNotARoot() {
    var classes = new ClassFileImporter().importClasses(HaulMetrics.class, MetricsEngine.class);
    assertThat(Layering.violations(classes, Set.of())).anyMatch(v ->
        v.startsWith("public/SPI type uses an internal class") && v.contains("HaulMetrics"));
  }

  /** The module reaches the downloader only through events: no class of it names the download module. */
  @Test
  void monitoringDoesNotDependOnTheDownloadModule() {
    LIBRARY.stream().filter(c -> c.getPackageName().startsWith("dev.haul.monitoring")).forEach(c ->
        assertThat(c.getDirectDependenciesFromSelf()).noneMatch(d ->
            d.getTargetClass().getPackageName().startsWith("dev.haul.download")
                || d.getTargetClass().getPackageName().startsWith("io.netty")));
  }
}
