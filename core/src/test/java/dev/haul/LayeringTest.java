package dev.haul;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.haul.testing.Layering;
import org.junit.jupiter.api.Test;

/** Issue 9: core's layering, over its compiled classes. */
class LayeringTest {

  @Test
  void apiSpiAndConfigUseNoInternalClassAndTheEngineNoRoot() {
    assertThat(Layering.violations(Layering.libraryClasses(), Layering.CORE_ROOTS)).isEmpty();
  }

  /** The check itself: it must see a public type importing an internal class (as it once did). */
  @Test
  void theCheckCatchesAPublicTypeThatImportsAnInternalClass() {
    JavaClasses bad = new ClassFileImporter().importClasses(dev.haul.Haul.class, dev.haul.Haul.Builder.class,
        dev.haul.internal.DefaultHaulClient.class);
    assertThat(Layering.violations(bad, java.util.Set.of())).anyMatch(v ->
        v.startsWith("public/SPI type uses an internal class") && v.contains("dev.haul.Haul"));
    assertThat(Layering.violations(bad, Layering.CORE_ROOTS)).noneMatch(v -> v.contains("<dev.haul.Haul."));
  }

  @Test
  void theCheckCatchesAModuleUsingAnotherModulesInternals() {
    assertThat(Layering.module("dev.haul.transport.netty.internal")).isEqualTo("dev.haul.transport.netty");
    assertThat(Layering.module("dev.haul.internal")).isEqualTo("dev.haul");
    assertThat(Layering.module("dev.haul.spi")).isEqualTo("dev.haul");
  }
}
