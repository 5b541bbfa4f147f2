package dev.haul.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.testing.Layering;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 9: the whole product's layering (core, transport and the tool) over compiled classes. */
class LayeringTest {

  @Test
  void noModuleUsesAnotherModulesInternals() {
    Set<String> roots = new HashSet<>(Layering.CORE_ROOTS);
    roots.add("dev.haul.transport.netty.NettyTransport");
    assertThat(Layering.violations(Layering.libraryClasses(), roots)).isEmpty();
    assertThat(Layering.libraryClasses().contain("dev.haul.examples.cli.HaulCli")).isTrue();
  }
}
