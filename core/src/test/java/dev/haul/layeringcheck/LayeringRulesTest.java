package dev.haul.layeringcheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.haul.testing.Layering;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The layering check itself catches what it promises to (Issue 9 review). */
class LayeringRulesTest {

  @Test
  void aPublicTypeUsingAnInternalTypeOnlyInGenericsIsCaught() {
    assertThat(Layering.violations(new ClassFileImporter().importClasses(LeaksThroughGenerics.class), Set.of()))
        .anyMatch(v -> v.startsWith("public/SPI type uses an internal class"));
  }

  @Test
  void aRootExposingAnInternalTypeInAConstructorOrFieldIsCaught() {
    var v = Layering.violations(new ClassFileImporter().importClasses(RootExposingInternals.class),
        Set.of(RootExposingInternals.class.getName()));
    assertThat(v).anyMatch(s -> s.startsWith("composition root exposes an internal type") && s.contains("<init>"));
    assertThat(v).anyMatch(s -> s.startsWith("composition root exposes an internal type") && s.contains(".state"));
  }
}
