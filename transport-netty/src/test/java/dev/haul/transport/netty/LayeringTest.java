package dev.haul.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.haul.testing.Layering;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 9: transport-netty's layering, with core's, over the compiled classes. */
class LayeringTest {

  /** The transport's composition roots: they assemble its engine (pool, connector, exchanges). */
  static final Set<String> ROOTS = Set.of(NettyTransport.class.getName());

  static Set<String> roots() {
    Set<String> all = new HashSet<>(Layering.CORE_ROOTS);
    all.addAll(ROOTS);
    return all;
  }

  @Test
  void theTransportUsesNoInternalClassOfCoreAndItsApiNoneOfItsOwn() {
    assertThat(Layering.violations(Layering.libraryClasses(), roots())).isEmpty();
  }

  @Test
  void theCheckSeesTheTransportsOwnClasses() {
    assertThat(Layering.libraryClasses().contain(NettyTransportConfig.class)).isTrue();
    assertThat(Layering.libraryClasses().contain(dev.haul.HaulConfig.class)).isTrue();
  }

  @Test
  void theCheckCatchesAnotherModulesInternals() {
    // The transport's public config must not reach into the transport's engine either.
    var classes = new ClassFileImporter().importClasses(NettyTransport.class,
        dev.haul.transport.netty.internal.ConnectionPool.class);
    assertThat(Layering.violations(classes, Set.of())).anyMatch(v ->
        v.startsWith("public/SPI type uses an internal class") && v.contains("NettyTransport"));
  }
}
