package dev.haul.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.testing.Layering;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 9: the whole product's layering (core, transport, download, cache and the tool) over compiled classes. */
class LayeringTest {

  @Test
  void noModuleUsesAnotherModulesInternals() {
    Set<String> roots = new HashSet<>(Layering.CORE_ROOTS);
    roots.add("dev.haul.transport.netty.NettyTransport");
    // Issue 10: the download module's composition roots (the tool now uses the downloader). The
    // Downloader interface itself is not one: its implementation, DefaultDownloader, implements it,
    // and an internal class may not depend on a root; its Builder is what constructs the engine.
    roots.add("dev.haul.download.Downloader$Builder");
    roots.add("dev.haul.download.DownloadModule");
    // Issue 11: the cache module's composition roots (the tool's --cache-dir uses the cache).
    roots.add("dev.haul.cache.HttpCache$Builder");
    roots.add("dev.haul.cache.CacheStores");
    // Issue 12: the monitoring module's composition roots (the demo serves the dashboard).
    roots.add("dev.haul.monitoring.HaulMetrics");
    roots.add("dev.haul.monitoring.Monitoring");
    roots.add("dev.haul.monitoring.DashboardServer");
    assertThat(Layering.violations(Layering.libraryClasses(), roots)).isEmpty();
    assertThat(Layering.libraryClasses().contain("dev.haul.examples.cli.HaulCli")).isTrue();
  }
}
