package dev.haul.download;

import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.spi.EventListener;
import dev.haul.spi.HaulEvent;
import dev.haul.testkit.OriginServer;
import dev.haul.testkit.StaticContent;
import dev.haul.transport.netty.NettyTransport;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** What the end-to-end downloader tests share: an origin serving one file, a client, a downloader. */
abstract class DownloadTestSupport {

  static final int SIZE = 5 * 1024 * 1024 + 123;
  static final DownloadConfig FAST = DownloadConfig.builder()
      .pieceSize(256 * 1024).minSplit(256 * 1024).segmentThreshold(0)
      .retryDelay(Duration.ofMillis(10)).build();

  @TempDir
  Path dir;

  final byte[] content = random(SIZE, 1);
  OriginServer server;
  HaulClient client;
  Downloader downloader;
  final List<HaulEvent> moduleEvents = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    if (downloader != null) {
      downloader.close();
    }
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  StaticContent serve(byte[] bytes) {
    StaticContent files = StaticContent.create().add("/model.bin", bytes, "application/octet-stream");
    server = OriginServer.builder().dispatcher(files).start();
    return files;
  }

  Downloader downloader(DownloadConfig config) {
    client = Haul.newBuilder().transport(NettyTransport.create())
        .addEventListener(new EventListener() {
          @Override
          public void moduleEvent(HaulEvent event) {
            moduleEvents.add(event);
          }
        }).build();
    downloader = Downloader.builder(client).config(config).build();
    return downloader;
  }

  DownloadResult get(DownloadRequest request) throws Exception {
    try {
      return downloader.start(request).result().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  /** Waits (at most 30 s, then fails) until {@code d}'s progress satisfies {@code done}. */
  static void awaitProgress(Download d, java.util.function.Predicate<DownloadProgress> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.test(d.progress())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for the download's progress: " + d.progress());
      }
      Thread.sleep(10);
    }
  }

  DownloadRequest.Builder request(Path target) {
    return DownloadRequest.builder(server.url("/model.bin")).toFile(target);
  }

  /** The same server (the journal is tied to the URL) serving {@code bytes} plainly, without faults. */
  void serve2(byte[] bytes) {
    StaticContent files = StaticContent.create().add("/model.bin", bytes, "application/octet-stream");
    server.setDispatcher(files);
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
