package dev.haul.examples.cli;

import dev.haul.BodyHandlers;
import dev.haul.HaulClient;
import dev.haul.HaulException;
import dev.haul.Request;
import dev.haul.download.Download;
import dev.haul.download.DownloadConfig;
import dev.haul.download.DownloadRequest;
import dev.haul.download.DownloadStrategy;
import dev.haul.download.Downloader;
import dev.haul.testkit.OriginServer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code haul demo --dashboard} after the scripted job: a light, varied load until the thread is
 * interrupted (Ctrl-C), so a person opening the dashboard sees it move. API calls every few hundred
 * milliseconds (every fifth status call answers 503 and is retried), a 404 now and then, and the
 * model downloaded again, one download at a time, each to a new file deleted when it ends.
 */
final class DemoLoad {

  private final HaulClient client;
  private final OriginServer api;
  private final DownloadConfig settings;
  private final String downloadUrl;
  private final String sha256;
  private final Path dir;

  DemoLoad(HaulClient client, OriginServer api, DownloadConfig settings, String downloadUrl, String sha256, Path dir) {
    this.client = client;
    this.api = api;
    this.settings = settings;
    this.downloadUrl = downloadUrl;
    this.sha256 = sha256;
    this.dir = dir;
  }

  void run(PrintWriter out) {
    out.println("Keeping a light load running for the dashboard (API calls, retries, downloads); Ctrl-C stops it.");
    out.flush();
    try (Downloader downloader = Downloader.builder(client).config(settings)
        .strategy(DownloadStrategy.segmented(4)).build()) {
      Download current = null;
      int n = 0;
      while (!Thread.currentThread().isInterrupted()) {
        n++;
        call("/api/v1/status");
        call("/api/v1/models/1");
        if (n % 10 == 0) {
          call("/api/v1/models/" + (1000 + n)); // a 404
        }
        if (current == null || current.result().isDone()) {
          Path target = dir.resolve("again-" + n + ".safetensors");
          current = downloader.start(DownloadRequest.builder(downloadUrl).toFile(target).sha256(sha256).build());
          current.result().whenComplete((r, e) -> {
            try {
              Files.deleteIfExists(target);
            } catch (java.io.IOException ignored) {
              // the demo's folder is removed at the end anyway
            }
          });
        }
        Thread.sleep(ThreadLocalRandom.current().nextLong(100, 400));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (dev.haul.CallCancelledException e) {
      // interrupted while a call was waiting
    }
    out.println("Load stopped.");
    out.flush();
  }

  private void call(String path) {
    try {
      client.send(Request.get(api.url(path).toString()), BodyHandlers.ofString());
    } catch (dev.haul.CallCancelledException e) {
      throw e;
    } catch (HaulException e) {
      // shown on the dashboard as an error by type; the load goes on
    }
  }
}
