package dev.haul.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.haul.BearerAuth;
import dev.haul.BodyHandlers;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.HaulException;
import dev.haul.Origin;
import dev.haul.Redirect;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.RetrySettings;
import dev.haul.cache.CacheStats;
import dev.haul.cache.HttpCache;
import dev.haul.cache.HttpDates;
import dev.haul.config.ConfigSource;
import dev.haul.download.Download;
import dev.haul.download.DownloadConfig;
import dev.haul.download.DownloadEvent;
import dev.haul.download.DownloadListener;
import dev.haul.download.DownloadProgress;
import dev.haul.download.DownloadRequest;
import dev.haul.download.DownloadResult;
import dev.haul.download.DownloadStrategy;
import dev.haul.download.Downloader;
import dev.haul.monitoring.HaulMetrics;
import dev.haul.monitoring.Monitoring;
import dev.haul.monitoring.MonitoringConfig;
import dev.haul.spi.EventListener;
import dev.haul.spi.RetryPolicy;
import dev.haul.testkit.Fault;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import dev.haul.testkit.RecordedRequest;
import dev.haul.testkit.StaticContent;
import dev.haul.transport.netty.NettyTransport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code haul demo}: the main job on an embedded default. A model-catalogue API and a storage
 * origin start on 127.0.0.1; Haul calls the API with a Bearer key (surviving a 503 with
 * Retry-After), follows the download redirect to storage (which must never see the key),
 * downloads the file over several connections with progress (a connection reset mid-body gives its
 * range back), interrupts the download once a third is durable, resumes it from the journal,
 * verifies its SHA-256 and reports what happened.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run the model-download job against an embedded API and storage origin, with injected faults:",
        "a segmented download that interrupts itself mid-way and resumes from its journal."})
final class DemoCommand implements Callable<Integer> {

  private static final int SEGMENTS = 4;

  private static final String KEY = "demo-" + Long.toHexString(ThreadLocalRandom.current().nextLong());

  @Spec
  CommandSpec spec;

  @Option(names = "--size-mb", defaultValue = "300", description = "size of the generated model file (default: ${DEFAULT-VALUE})")
  int sizeMb;

  @Option(names = "--dashboard", description = {"serve the live dashboard (haul.dashboard.* keys; default port 9464),",
      "print its URL, and after the job keep a light load running until interrupted (Ctrl-C)"})
  boolean dashboard;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path dir = Files.createTempDirectory("haul-demo");
    Thread hook = null;
    if (dashboard) {
      // Ctrl-C ends the endless load: stop it, close the dashboard and client, remove the files.
      Thread main = Thread.currentThread();
      hook = new Thread(() -> {
        main.interrupt();
        try {
          main.join(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "haul-demo-stop");
      Runtime.getRuntime().addShutdownHook(hook);
    }
    try {
      return run(out, dir);
    } finally {
      if (hook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running: it waits for this thread
        }
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private int run(PrintWriter out, Path dir) throws Exception {
    long size = (long) sizeMb << 20;
    out.printf("Generating a %s model file...%n", Progress.size(size));
    out.flush();
    Path model = dir.resolve("storage-model.safetensors");
    String sha = generate(model, size);

    AtomicInteger bodies = new AtomicInteger();
    // Storage is throttled until the demo interrupts itself, so the interruption lands mid-download.
    AtomicBoolean slow = new AtomicBoolean(true);
    // About two seconds for the whole file over all connections: time to interrupt at a third.
    AtomicLong throttle = new AtomicLong(Math.max(16 * 1024, size / 200 / SEGMENTS));
    StaticContent storageContent = StaticContent.create()
        .add("/files/model.safetensors", model, "application/octet-stream")
        .transform((req, resp) -> {
          if (!req.target().contains("X-Amz-Signature=")) {
            return MockResponse.builder().status(403).body("missing signature").build();
          }
          MockResponse.Builder b = resp.toBuilder();
          if (slow.get()) {
            b.throttle(throttle.get(), Duration.ofMillis(10));
          }
          // Injected fault: the first body is reset after an eighth of the file.
          if ((resp.status() == 200 || resp.status() == 206) && bodies.getAndIncrement() == 0) {
            b.fault(Fault.RESET_DURING_BODY, size / 8);
          }
          return b.build();
        });
    try (OriginServer storage = OriginServer.builder().dispatcher(storageContent).start();
         OriginServer api = OriginServer.start()) {
      api.setDispatcher(new CatalogueApi(api, storage, sha, size));
      Stats stats = new Stats();
      Origin apiOrigin = Origin.of(api.url("/"));
      HaulConfig config = HaulConfig.builder().retry(RetrySettings.builder().maxRetries(3).build()).build();
      RetryPolicy policy = RetryPolicy.of(
          RetrySettings.builder().baseDelay(Duration.ofMillis(200)).maxDelay(Duration.ofSeconds(2)).build());
      MonitoringConfig monitoringConfig = MonitoringConfig.from(ConfigSource.system()).toBuilder()
          .dashboardEnabled(dashboard).build();
      HaulMetrics metrics = HaulMetrics.create(new com.codahale.metrics.MetricRegistry(), monitoringConfig);
      // The catalogue calls go through an HTTP cache (RFC 9111, in memory); the ranged requests of
      // the download pass through it.
      try (HttpCache cache = HttpCache.builder().build();
          HaulClient client = metrics.installOn(Haul.newBuilder()).transport(NettyTransport.create()).config(config)
          .retryPolicy(policy).bearerAuth(BearerAuth.of(KEY, apiOrigin)).addEventListener(stats).cache(cache).build();
          Monitoring monitoring = Monitoring.start(client, metrics, monitoringConfig)) {
        if (monitoring.dashboard().isPresent()) {
          out.println("Dashboard (live; nothing on it is fetched from the internet):");
          out.println(monitoring.dashboard().get().uri());
          out.flush();
        }
        long start = System.nanoTime();
        out.println("1. API " + apiOrigin + ": GET /api/v1/models/1 with a Bearer key");
        out.flush();
        Response<String> catalogue = client.send(Request.get(api.url("/api/v1/models/1").toString()),
            BodyHandlers.ofString());
        if (catalogue.status() != 200) {
          out.println("   the API answered " + catalogue.status());
          return HaulCli.HTTP_STATUS;
        }
        JsonNode version = new ObjectMapper().readTree(catalogue.body()).path("modelVersions").path(0);
        JsonNode file = version.path("files").path(0);
        String downloadUrl = file.path("downloadUrl").asText();
        String expected = file.path("hashes").path("SHA256").asText();
        out.printf("   %s, version '%s': %s (%s), SHA-256 %s...%n", file.path("name").asText(),
            version.path("name").asText(),
            file.path("name").asText(), Progress.size(file.path("sizeKB").asLong() * 1024), expected.substring(0, 16));
        out.println("2. Download " + downloadUrl + " (redirects to storage " + Origin.of(storage.url("/")) + ")");
        out.flush();
        Path target = dir.resolve("downloaded.safetensors");
        DownloadConfig settings = DownloadConfig.builder().pieceSize(1 << 20).minSplit(1 << 20)
            .journalInterval(Duration.ofMillis(200)).journalBytes(4L << 20).retryDelay(Duration.ofMillis(200))
            .build();
        Progress progress = new Progress(System.err, System.console() != null ? Progress.Mode.TERMINAL
            : Progress.Mode.LINES, "   model.safetensors");
        SegmentStats segments = new SegmentStats(progress);
        DownloadResult r;
        long interruptedAt;
        try (Downloader downloader = Downloader.builder(client).config(settings)
            .strategy(DownloadStrategy.segmented(SEGMENTS)).listener(segments).build()) {
          DownloadRequest request = DownloadRequest.builder(downloadUrl).toFile(target).sha256(expected).build();
          Download first = downloader.start(request);
          // Interrupt once a third of the file is durable (in the journal), as a crash or Ctrl-C would.
          while (!first.result().isDone() && first.progress().durable() < size / 3
              && first.progress().received() < size * 2 / 3) {
            Thread.sleep(10);
          }
          first.cancel();
          DownloadResult early = null;
          try {
            early = first.result().join();
          } catch (CancellationException expectedCancel) {
            // the journal was saved before the result completed
          }
          if (early != null) {
            out.println("   (the download finished before the demo could interrupt it)");
            r = early;
            interruptedAt = -1;
          } else {
            DownloadProgress at = first.progress();
            interruptedAt = at.durable();
            progress.abandon();
            out.printf("   interrupted: cancelled at %s received, %s durable; FILE.part and its journal stay%n",
                Progress.size(at.received()), Progress.size(at.durable()));
            out.println("   resuming: the same download again, from the journal");
            out.flush();
            slow.set(false);
            r = downloader.start(request).result().join();
          }
        }
        progress.finish(r);
        if (r.resumedFrom() > 0) {
          out.printf("   resumed from %d bytes (%s) kept by the journal%n", r.resumedFrom(), Progress.size(r.resumedFrom()));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        boolean keyLeaked = storage.requests().stream().anyMatch(q -> q.header("Authorization") != null
            || q.headerList().toString().contains(KEY));
        boolean apiGotKey = api.requests().stream().allMatch(q -> ("Bearer " + KEY).equals(q.header("Authorization")));
        out.println("3. SHA-256 verified: " + r.sha256());
        out.println("4. The catalogue call again, three times, through the HTTP cache:");
        for (int i = 0; i < 3; i++) {
          Response<String> again = client.send(Request.get(api.url("/api/v1/models/1").toString()),
              BodyHandlers.ofString());
          List<String> cacheStatus = again.headers().all("Cache-Status");
          out.println("   " + again.status() + ", Cache-Status: "
              + (cacheStatus.isEmpty() ? "(none)" : cacheStatus.get(cacheStatus.size() - 1)));
        }
        out.println();
        out.println("Report");
        out.printf("  requests made:        %d (API %d, storage %d)%n", stats.requests.get(),
            api.requestCount(), storage.requestCount());
        out.printf("  connections created:  %d (API %d, storage %d)%n", stats.connections.get(),
            stats.connectionsTo(apiOrigin), stats.connectionsTo(Origin.of(storage.url("/"))));
        out.printf("  retries:              %d%n", stats.retries.size());
        stats.retries.forEach(reason -> out.println("    - " + reason));
        out.printf("  redirects followed:   %d%n", stats.redirects.size());
        // Every request of the download follows the original URL's redirect: print each distinct one once.
        stats.redirects.stream().collect(java.util.stream.Collectors.groupingBy(rd -> rd,
            java.util.LinkedHashMap::new, java.util.stream.Collectors.counting()))
            .forEach((rd, n) -> out.println("    - " + rd + (n > 1 ? " (x" + n + ")" : "")));
        out.printf("  connections:          %d at most (segmented, Range + If-Range on every request)%n",
            r.connections());
        out.printf("  segments retried:     %d (a reset connection's range goes back to the plan)%n",
            segments.failed.get());
        out.printf("  interrupted at:       %s%n", interruptedAt < 0 ? "(finished first)"
            : interruptedAt + " durable bytes; resumed from " + r.resumedFrom() + " bytes");
        CacheStats cs = cache.stats();
        out.printf("  HTTP cache:           %d hits, %d revalidated (304), %d misses, %d stored%n", cs.hits(),
            cs.conditionalHits(), cs.misses(), cs.stored());
        out.printf("  API received the key: %s; storage received it: %s%n", apiGotKey ? "yes" : "NO", keyLeaked ? "YES (leak!)" : "no");
        out.printf("  bytes:                %d (%s)%n", r.size(), Progress.size(r.size()));
        double download = r.elapsed().toNanos() / 1e9;
        out.printf(Locale.ROOT, "  resumed download:     %.2f s, %.1f MiB/s%n", download,
            (r.size() - r.resumedFrom()) / Math.max(1e-3, download) / (1 << 20));
        out.printf(Locale.ROOT, "  whole job:            %.2f s (including the 1 s Retry-After)%n", seconds);
        MetricsSummary.print(out, metrics.registry());
        out.flush();
        if (keyLeaked || !apiGotKey) {
          return HaulCli.FAILED;
        }
        if (dashboard) {
          throttle.set(Math.max(16 * 1024, size / 1000 / SEGMENTS)); // about ten seconds a download
          slow.set(true);
          new DemoLoad(client, api, settings, downloadUrl, expected, dir).run(out);
        }
        return HaulCli.OK;
      }
    } catch (HaulException e) {
      out.println("demo failed: " + e.getMessage());
      throw e;
    }
  }

  /** Writes {@code size} random bytes and returns their SHA-256. */
  private static String generate(Path file, long size) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 20];
    java.util.SplittableRandom random = new java.util.SplittableRandom(42);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= buf.length) {
        for (int i = 0; i < buf.length; i += 8) {
          long v = random.nextLong();
          for (int k = 0; k < 8; k++) {
            buf[i + k] = (byte) (v >>> (8 * k));
          }
        }
        int n = (int) Math.min(buf.length, left);
        out.write(buf, 0, n);
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** The model-catalogue API: JSON for the model, a 307 to presigned storage for the file. */
  private static final class CatalogueApi implements dev.haul.testkit.Dispatcher {
    private final OriginServer api;
    private final OriginServer storage;
    private final String sha;
    private final long size;
    private final AtomicInteger modelCalls = new AtomicInteger();
    private final AtomicInteger statusCalls = new AtomicInteger();

    CatalogueApi(OriginServer api, OriginServer storage, String sha, long size) {
      this.api = api;
      this.storage = storage;
      this.sha = sha;
      this.size = size;
    }

    @Override
    public MockResponse dispatch(RecordedRequest req) {
      if (!("Bearer " + KEY).equals(req.header("Authorization"))) {
        return MockResponse.builder().status(401).header("Content-Type", "application/json")
            .body("{\"error\":\"missing or wrong API key\"}").build();
      }
      if (req.path().equals("/api/v1/models/1")) {
        if (modelCalls.getAndIncrement() == 0) {
          // Injected fault: the API is briefly overloaded.
          return MockResponse.builder().status(503).header("Retry-After", "1").body("busy").build();
        }
        String json = """
            {"id":1,"name":"Haul Diffusion XL","type":"Checkpoint","modelVersions":[{"id":1001,"name":"v1.0",
            "files":[{"name":"model.safetensors","sizeKB":%d,"hashes":{"SHA256":"%s"},
            "downloadUrl":"%s"}]}]}""".formatted(size / 1024, sha.toUpperCase(Locale.ROOT),
            api.url("/api/download/models/1001"));
        // Catalogue answers are cacheable for the caller only and validated on reuse: the first
        // answer is stale at once, the 304 that revalidates it makes it fresh for five minutes.
        String date = HttpDates.format(java.time.Instant.now());
        if ("\"m1-v1\"".equals(req.header("If-None-Match"))) {
          return MockResponse.builder().status(304).header("ETag", "\"m1-v1\"").header("Date", date)
              .header("Cache-Control", "private, max-age=300").build();
        }
        return MockResponse.builder().header("Content-Type", "application/json").header("ETag", "\"m1-v1\"")
            .header("Date", date).header("Cache-Control", "private, max-age=0").body(json).build();
      }
      if (req.path().equals("/api/v1/status")) {
        // Injected fault for the dashboard's load: every fifth call is briefly overloaded (retried).
        return statusCalls.incrementAndGet() % 5 == 0
            ? MockResponse.builder().status(503).body("busy").build()
            : MockResponse.builder().header("Content-Type", "application/json").body("{\"ok\":true}").build();
      }
      if (req.path().equals("/api/download/models/1001")) {
        String presigned = storage.url("/files/model.safetensors") + "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Expires=3600&X-Amz-Signature=" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        return MockResponse.builder().status(307).header("Location", presigned).build();
      }
      return MockResponse.builder().status(404).body("not found").build();
    }
  }

  /** Counts failed segments and draws the progress line. */
  private static final class SegmentStats implements DownloadListener {
    final AtomicInteger failed = new AtomicInteger();
    private final Progress progress;

    SegmentStats(Progress progress) {
      this.progress = progress;
    }

    @Override
    public void onEvent(Download download, DownloadEvent event) {
      if (event instanceof DownloadEvent.SegmentFailed) {
        failed.incrementAndGet();
      }
    }

    @Override
    public void onProgress(Download download, DownloadProgress p) {
      progress.update(p);
    }
  }

  /** Counts what the client did, from its events. */
  private static final class Stats implements EventListener {
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger connections = new AtomicInteger();
    final Map<Origin, AtomicInteger> perOrigin = new ConcurrentHashMap<>();
    final List<String> retries = Collections.synchronizedList(new ArrayList<>());
    final List<String> redirects = Collections.synchronizedList(new ArrayList<>());

    int connectionsTo(Origin o) {
      AtomicInteger n = perOrigin.get(o);
      return n == null ? 0 : n.get();
    }

    @Override
    public void requestStart(Request request) {
      requests.incrementAndGet();
    }

    @Override
    public void connectEnd(Origin origin, InetSocketAddress address, Duration elapsed) {
      connections.incrementAndGet();
      perOrigin.computeIfAbsent(origin, o -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void retryScheduled(Request request, int attempt, Duration delay, String reason) {
      retries.add(request + " attempt " + attempt + ": " + reason + ", waited " + delay.toMillis() + " ms");
    }

    @Override
    public void redirect(Request from, Redirect redirect) {
      redirects.add(redirect.toString());
    }
  }
}
