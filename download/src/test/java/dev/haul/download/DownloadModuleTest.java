package dev.haul.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.CreationException;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import dev.haul.CoreModule;
import dev.haul.HaulClient;
import dev.haul.HaulInjector;
import dev.haul.config.ConfigSource;
import dev.haul.spi.EventListener;
import dev.haul.spi.HaulEvent;
import dev.haul.testkit.OriginServer;
import dev.haul.testkit.StaticContent;
import dev.haul.transport.netty.NettyTransportModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DownloadModule} in the strict injector, downloading from testkit's origin on 127.0.0.1. */
class DownloadModuleTest {

  private static final int SIZE = 3 * 1024 * 1024 + 77;
  /** Small pieces so a 3 MiB file is worth many connections to the adaptive strategy. */
  private static final DownloadConfig SMALL_PIECES = DownloadConfig.builder()
      .pieceSize(256 * 1024).minSplit(256 * 1024).segmentThreshold(0)
      .retryDelay(Duration.ofMillis(10)).build();

  @TempDir
  Path dir;

  private final byte[] content = random(SIZE);
  private OriginServer server;
  private final List<Injector> injectors = new ArrayList<>();

  @BeforeEach
  void serve() {
    server = OriginServer.builder()
        .dispatcher(StaticContent.create().add("/model.bin", content, "application/octet-stream"))
        .start();
  }

  @AfterEach
  void close() {
    // The application's duty, as DownloadModule says: the downloader first, then the client.
    for (Injector i : injectors) {
      i.getInstance(Downloader.class).close();
      i.getInstance(HaulClient.class).close();
    }
    server.close();
  }

  private Injector injector(Module... modules) {
    Injector i = HaulInjector.create(modules);
    injectors.add(i);
    return i;
  }

  /** CoreModule + NettyTransportModule + DownloadModule + the application's bindings. */
  private Injector standard(Module app) {
    return injector(new CoreModule(), new NettyTransportModule(), new DownloadModule(), app);
  }

  private DownloadResult download(Injector injector, String name) throws Exception {
    Path target = dir.resolve(name);
    DownloadRequest request = DownloadRequest.builder(server.url("/model.bin")).toFile(target)
        .sha256(sha256(content)).build();
    DownloadResult r;
    try {
      r = injector.getInstance(Downloader.class).start(request).result().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(r.file()).isEqualTo(target);
    assertThat(r.sha256()).isEqualTo(sha256(content));
    assertThat(Files.exists(dir.resolve(name + ".part"))).isFalse();
    return r;
  }

  @Test
  void theStrictInjectorDownloadsARealFileByteIdenticallyWithTheDefaults() throws Exception {
    Injector injector = standard(b -> { });

    DownloadResult r = download(injector, "model.bin");

    assertThat(r.size()).isEqualTo(SIZE);
    Downloader downloader = injector.getInstance(Downloader.class);
    assertThat(downloader).isSameAs(injector.getInstance(Downloader.class));
    assertThat(downloader.config()).isEqualTo(DownloadConfig.defaults());
    assertThat(injector.getInstance(DownloadStrategy.class)).isSameAs(DownloadStrategy.adaptive());
    // 3 MiB is below the default segment threshold (16 MiB): the adaptive default uses one connection.
    assertThat(r.connections()).isEqualTo(1);
  }

  @Test
  void theBoundConfigIsTheDownloadersAndIsHonoured() throws Exception {
    DownloadConfig config = SMALL_PIECES.toBuilder().maxSegments(2).build();
    Injector injector = standard(b -> DownloadModule.configBinder(b).setBinding().toInstance(config));

    DownloadResult r = download(injector, "model.bin");

    assertThat(injector.getInstance(Downloader.class).config()).isSameAs(config);
    // The adaptive strategy would take 12 connections for 3 MiB in 256 KiB splits; the bound config caps it at 2.
    assertThat(r.connections()).isEqualTo(2);
    // Two connections need at least two requests; more only when one connection steals from the other.
    assertThat(server.requests()).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void aConfigReadFromASourceIsHonoured() throws Exception {
    // The same binding as DownloadConfig.from(ConfigSource.system()), from a map this test controls.
    DownloadConfig config = DownloadConfig.from(ConfigSource.fromMap(Map.of(
        "haul.download.piece-size", "256KiB", "haul.download.min-split", "256KiB",
        "haul.download.segment-threshold", "0", "haul.download.max-segments", "3")));
    Injector injector = standard(b -> DownloadModule.configBinder(b).setBinding().toInstance(config));

    DownloadResult r = download(injector, "model.bin");

    assertThat(injector.getInstance(Downloader.class).config().maxSegments()).isEqualTo(3);
    assertThat(r.connections()).isEqualTo(3);
  }

  @Test
  void setBindingSwapsTheStrategy() throws Exception {
    CountingStrategy counting = new CountingStrategy(4);
    Injector injector = standard(b -> {
      DownloadModule.configBinder(b).setBinding().toInstance(SMALL_PIECES);
      DownloadModule.strategyBinder(b).setBinding().toInstance(counting);
    });

    DownloadResult r = download(injector, "model.bin");

    assertThat(counting.calls.get()).isEqualTo(1);
    assertThat(r.connections()).isEqualTo(4);
  }

  @Test
  void modulesOverrideSwapsTheStrategy() throws Exception {
    CountingStrategy counting = new CountingStrategy(3);
    Module base = Modules.combine(new CoreModule(), new NettyTransportModule(), new DownloadModule(),
        b -> DownloadModule.configBinder(b).setBinding().toInstance(SMALL_PIECES));
    Injector injector = injector(Modules.override(base).with(
        b -> DownloadModule.strategyBinder(b).setBinding().toInstance(counting)));

    DownloadResult r = download(injector, "model.bin");

    assertThat(injector.getInstance(DownloadStrategy.class)).isSameAs(counting);
    assertThat(counting.calls.get()).isEqualTo(1);
    assertThat(r.connections()).isEqualTo(3);
  }

  @Test
  void modulesOverrideReplacesAStrategyAnotherModuleSet() throws Exception {
    CountingStrategy first = new CountingStrategy(2);
    CountingStrategy second = new CountingStrategy(1);
    Module base = Modules.combine(new CoreModule(), new NettyTransportModule(), new DownloadModule(),
        b -> {
          DownloadModule.configBinder(b).setBinding().toInstance(SMALL_PIECES);
          DownloadModule.strategyBinder(b).setBinding().toInstance(first);
        });
    Injector injector = injector(Modules.override(base).with(
        b -> DownloadModule.strategyBinder(b).setBinding().toInstance(second)));

    DownloadResult r = download(injector, "model.bin");

    assertThat(first.calls.get()).isZero();
    assertThat(second.calls.get()).isEqualTo(1);
    assertThat(r.connections()).isEqualTo(1);
  }

  @Test
  void theBoundListenerAndTheClientsListenersHearTheDownload() throws Exception {
    List<DownloadEvent> heard = new CopyOnWriteArrayList<>();
    List<HaulEvent> clientHeard = new CopyOnWriteArrayList<>();
    DownloadListener listener = new DownloadListener() {
      @Override
      public void onEvent(Download download, DownloadEvent event) {
        heard.add(event);
      }
    };
    Injector injector = standard(b -> {
      DownloadModule.listenerBinder(b).setBinding().toInstance(listener);
      CoreModule.eventListeners(b).addBinding().toInstance(new EventListener() {
        @Override
        public void moduleEvent(HaulEvent event) {
          clientHeard.add(event);
        }
      });
    });

    download(injector, "model.bin");

    assertThat(heard).first().isInstanceOf(DownloadEvent.Started.class);
    assertThat(heard).last().isInstanceOf(DownloadEvent.Completed.class);
    assertThat(clientHeard).anyMatch(e -> e instanceof DownloadEvent.Completed);
  }

  @Test
  void withoutCoreModuleTheStrictInjectorFailsNamingTheClient() {
    assertThatThrownBy(() -> HaulInjector.create(new NettyTransportModule(), new DownloadModule()))
        .isInstanceOf(CreationException.class)
        .hasMessageContaining(HaulClient.class.getName());
  }

  @Test
  void theModuleMayBeInstalledByTwoModules() throws Exception {
    Injector injector = injector(new CoreModule(), new NettyTransportModule(), new DownloadModule(),
        b -> b.install(new DownloadModule()));
    assertThat(new DownloadModule()).isEqualTo(new DownloadModule()).hasSameHashCodeAs(new DownloadModule());

    download(injector, "model.bin");
  }

  @Test
  void theApplicationClosesTheInjectedDownloader() {
    Injector injector = standard(b -> { });
    Downloader downloader = injector.getInstance(Downloader.class);

    downloader.close();

    DownloadRequest request = DownloadRequest.builder(server.url("/model.bin")).toFile(dir.resolve("x")).build();
    assertThatThrownBy(() -> downloader.start(request)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    // The client is the application's too: closing the downloader leaves it open.
    assertThat(injector.getInstance(HaulClient.class).send(dev.haul.Request.get(server.url("/model.bin").toString()),
        dev.haul.BodyHandlers.discarding()).status()).isEqualTo(200);
  }

  /** Uses {@code n} connections and counts how often it was asked. */
  private static final class CountingStrategy implements DownloadStrategy {
    final AtomicInteger calls = new AtomicInteger();
    private final int n;

    CountingStrategy(int n) {
      this.n = n;
    }

    @Override
    public int connections(RemoteFile remote, DownloadConfig config) {
      calls.incrementAndGet();
      return n;
    }
  }

  private static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(10).nextBytes(b);
    return b;
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
