package dev.haul.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.haul.BearerAuth;
import dev.haul.BodyHandlers;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.Headers;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.RetrySettings;
import dev.haul.UnexpectedStatusException;
import dev.haul.cache.CacheConfig;
import dev.haul.cache.HttpCache;
import dev.haul.config.ConfigSource;
import dev.haul.download.Download;
import dev.haul.download.DownloadConfig;
import dev.haul.download.DownloadListener;
import dev.haul.download.DownloadProgress;
import dev.haul.download.DownloadRequest;
import dev.haul.download.DownloadResult;
import dev.haul.download.DownloadStrategy;
import dev.haul.download.Downloader;
import dev.haul.monitoring.HaulMetrics;
import dev.haul.monitoring.Monitoring;
import dev.haul.monitoring.MonitoringConfig;
import dev.haul.transport.netty.NettyTransport;
import dev.haul.transport.netty.NettyTransportConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code haul get URL [-o FILE | -O DIR] ...}: fetch a URL through the full Haul stack; with a
 * target, through the {@link Downloader} (segmented, resumable, verified), else to stdout.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = {"Fetch URL through Haul (pooling, retries, redirects, strict parsing).",
        "With -o FILE or -O DIR the downloader writes FILE.part (never through a symlink) over one or more"
            + " connections, each range checked against the file's validator; FILE appears only when complete and,"
            + " with --sha256, verified. A journal beside FILE.part lets a later run (after a crash, kill -9 or"
            + " Ctrl-C) resume where the disk was last synced.",
        "Settings: every haul.* key from system properties or the environment (HAUL_RETRY_MAX_RETRIES=5);"
            + " --retries and --timeout override them."})
final class GetCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  /** Where {@code haul.*} settings come from: system properties, then the environment. */
  private final ConfigSource config;

  GetCommand() {
    this(ConfigSource.system());
  }

  GetCommand(ConfigSource config) {
    this.config = config;
  }

  @Parameters(index = "0", paramLabel = "URL", description = "http or https URL")
  String url;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "download to FILE (through FILE.part and its journal) instead of writing the body to stdout")
  Path output;

  @Option(names = {"-O", "--output-dir"}, paramLabel = "DIR",
      description = "download into DIR, under the name from Content-Disposition or the URL path (made safe)")
  Path outputDir;

  @Option(names = "--segments", paramLabel = "N",
      description = "connections for this download (1: one stream); default: adaptive, segmented only when the"
          + " server answers ranges with a validator and the file is at least haul.download.segment-threshold")
  Integer segments;

  @Option(names = "--no-resume", description = "start from zero even when a journal from an earlier run is beside"
      + " FILE.part, and keep no journal (haul.download.resume=false)")
  boolean noResume;

  @Option(names = "--force", description = "replace an existing FILE once the new one is complete and verified"
      + " (default: an existing FILE is an error and left as it is)")
  boolean force;

  @Option(names = "--progress", description = "show progress on stderr even when it is not a terminal"
      + " (a line at every quarter)")
  boolean progressFlag;

  @Option(names = "--dashboard", description = "serve the live dashboard while the transfer runs (haul.dashboard.* keys;"
      + " default port 9464); its URL goes to stderr on a line of its own")
  boolean dashboardFlag;

  @Option(names = {"-H", "--header"}, paramLabel = "'Name: value'", description = "add a request header (repeatable)")
  List<String> headers = new ArrayList<>();

  @Option(names = "--bearer-env", paramLabel = "VAR",
      description = "read a Bearer key from environment variable VAR; it is sent only to URL's origin")
  String bearerEnv;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "deadline for the whole call, e.g. 30s or 10m;"
      + " with -o/-O for the whole download, resumes included")
  String timeout;

  @Option(names = "--retries", paramLabel = "N",
      description = "retries at most: of each request (haul.retry.max-retries, default 3) and, with -o/-O, of failed"
          + " range requests per download (haul.download.max-retries, default 5)")
  Integer retries;

  @Option(names = "--sha256", paramLabel = "HEX", description = "expected SHA-256 of the body")
  String sha256;

  @Option(names = "--cache-dir", paramLabel = "DIR", description = "answer from and store into the RFC 9111 HTTP"
      + " cache on disk in DIR (created if missing; shared by every run and process using it; haul.cache.* settings"
      + " apply): a second run while the response is fresh makes no request, a stale one is revalidated")
  Path cacheDir;

  @Option(names = "--json", description = "print one JSON summary line (stdout with -o, stderr otherwise); with -o its"
      + " status is the download's as a whole: 200 for a complete file even if its last part came in a 206")
  boolean json;

  private Duration downloadTimeout;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Request request = request();
    // Every haul.* key from system properties and the environment, then the flags on top.
    HaulConfig.Builder settings;
    NettyTransportConfig transport;
    try {
      settings = HaulConfig.builder().read(config);
      transport = NettyTransportConfig.from(config);
    } catch (IllegalArgumentException e) {
      throw new HaulCli.UsageException(spec.commandLine(), "configuration: " + e.getMessage());
    }
    if (retries != null) {
      if (retries < 0) {
        throw new HaulCli.UsageException(spec.commandLine(), "--retries: " + retries + " (expected: >= 0)");
      }
      settings.set(RetrySettings.MAX_RETRIES, retries);
    }
    Duration deadline = null;
    if (timeout != null) {
      deadline = parseDuration(timeout);
      settings.callTimeout(deadline);
    }
    HaulConfig haulConfig = settings.build();
    // With -o the whole download, every resume included, is bounded by one deadline.
    downloadTimeout = deadline != null ? deadline : haulConfig.callTimeout().orElse(null);
    Haul.Builder builder = Haul.newBuilder().config(haulConfig).transport(new NettyTransport(transport));
    if (bearerEnv != null) {
      String key = System.getenv(bearerEnv);
      if (key == null || key.isBlank()) {
        throw new HaulCli.UsageException(spec.commandLine(),
            "environment variable " + bearerEnv + " is not set");
      }
      builder.bearerAuth(BearerAuth.of(key.trim(), request.origin()));
    }
    HttpCache cache = cache();
    if (cache != null) {
      builder.cache(cache);
    }
    MonitoringConfig monitoringConfig = null;
    HaulMetrics metrics = null;
    if (dashboardFlag) {
      monitoringConfig = MonitoringConfig.from(ConfigSource.system()).toBuilder().dashboardEnabled(true).build();
      metrics = HaulMetrics.create(new com.codahale.metrics.MetricRegistry(), monitoringConfig);
      metrics.installOn(builder);
    }
    try (HaulClient client = builder.build();
        Monitoring monitoring = metrics == null ? null : Monitoring.start(client, metrics, monitoringConfig)) {
      if (monitoring != null) {
        err.println(monitoring.dashboard().orElseThrow().uri()); // stdout may carry the body
        err.flush();
      }
      return output != null || outputDir != null ? toFile(client, request, out, err) : toStdout(client, request, err);
    } finally {
      if (cache != null) {
        cache.close();
      }
    }
  }

  /** The disk cache of {@code --cache-dir} (or {@code haul.cache.dir}), or null without one. */
  private HttpCache cache() {
    try {
      CacheConfig.Builder c = CacheConfig.from(config).toBuilder();
      if (cacheDir != null) {
        c.dir(cacheDir);
      }
      CacheConfig cc = c.build();
      return cc.dir().isPresent() ? HttpCache.builder().config(cc).build() : null;
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new HaulCli.UsageException(spec.commandLine(), "cache: " + e.getMessage());
    }
  }

  private Request request() {
    Request.Builder b;
    try {
      if (output != null && outputDir != null) {
        throw new IllegalArgumentException("-o and -O cannot be combined (expected: one target)");
      }
      if (segments != null && segments < 1) {
        throw new IllegalArgumentException("--segments: " + segments + " (expected: >= 1)");
      }
      if ((output == null && outputDir == null) && (segments != null || noResume || force)) {
        throw new IllegalArgumentException("--segments, --no-resume and --force need -o FILE or -O DIR");
      }
      if (output != null && (output.getFileName() == null || output.getFileName().toString().isEmpty())) {
        throw new IllegalArgumentException("-o: '" + output + "' has no file name (expected: a file path)");
      }
      b = Request.newBuilder(url);
      for (int i = 0; i < headers.size(); i++) {
        header(b, i + 1, headers.get(i));
      }
      Request r = b.build();
      if ((output != null || outputDir != null) && (r.headers().contains("Range") || r.headers().contains("If-Range"))) {
        // The downloader manages ranges itself; a user range would be saved as if it were the file.
        throw new IllegalArgumentException("-H Range and -H If-Range cannot be combined with -o or -O"
            + " (the download asks for its own ranges; without -o a range is written to stdout)");
      }
      return r;
    } catch (IllegalArgumentException e) {
      throw new HaulCli.UsageException(spec.commandLine(), e.getMessage());
    }
  }

  /**
   * Adds one {@code -H} argument. Its value may be a key, so a problem is reported by position and,
   * when the name is a valid token, by name; the value is never repeated.
   */
  private void header(Request.Builder b, int position, String argument) {
    String where = "-H #" + position;
    int colon = argument.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(where + ": no ':' (expected: 'Name: value')");
    }
    String name = ows(argument.substring(0, colon));
    try {
      Headers.checkName(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + (name.isEmpty() ? "empty header name" : "invalid header name")
          + " (expected: 'Name: value')");
    }
    String value = ows(argument.substring(colon + 1));
    try {
      Headers.checkValue(name, value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": the value of header '" + name
          + "' has a forbidden character (control characters and line breaks are not allowed)");
    }
    try {
      b.header(name, value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": header '" + name + "' is not accepted");
    }
  }

  /** Strips spaces and tabs only (RFC 9110 OWS): String.trim() would also drop control characters. */
  private static String ows(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return s.substring(from, to);
  }

  private Duration parseDuration(String text) {
    try {
      // The configuration's own parser: 30s, 10m, 500ms or ISO-8601.
      Duration d = HaulConfig.from(ConfigSource.fromMap(Map.of("haul.timeout.call", text)))
          .callTimeout().orElseThrow();
      return d;
    } catch (RuntimeException e) {
      throw new HaulCli.UsageException(spec.commandLine(),
          "--timeout: '" + text + "' (expected: a positive duration such as 30s or 10m)");
    }
  }

  private int toFile(HaulClient client, Request request, PrintWriter out, PrintWriter err) throws Exception {
    DownloadConfig.Builder dc;
    try {
      dc = DownloadConfig.from(config).toBuilder();
    } catch (IllegalArgumentException e) {
      throw new HaulCli.UsageException(spec.commandLine(), "configuration: " + e.getMessage());
    }
    if (retries != null) {
      try {
        dc.maxRetries(retries);
      } catch (IllegalArgumentException e) {
        throw new HaulCli.UsageException(spec.commandLine(), "--retries: " + e.getMessage());
      }
    }
    if (downloadTimeout != null) {
      dc.timeout(downloadTimeout);
    }
    if (noResume) {
      dc.resume(false);
    }
    if (segments != null) {
      // The flag is the whole answer: it also lifts haul.download.max-segments to N.
      try {
        dc.maxSegments(segments);
      } catch (IllegalArgumentException e) {
        // The key's own validator says the range (a number: nothing secret to echo).
        throw new HaulCli.UsageException(spec.commandLine(), "--segments: " + e.getMessage());
      }
    }
    DownloadRequest download = downloadRequest(request);
    Path shown = output != null ? output : outputDir;
    Progress progress = new Progress(System.err, progressMode(), shown.getFileName() == null
        ? shown.toString() : shown.getFileName().toString());
    DownloadStrategy strategy = segments == null ? DownloadStrategy.adaptive()
        : segments == 1 ? DownloadStrategy.singleStream() : DownloadStrategy.segmented(segments);
    long start = System.nanoTime();
    try (Downloader downloader = Downloader.builder(client).config(dc.build()).strategy(strategy)
        .listener(new DownloadListener() {
          @Override
          public void onProgress(Download d, DownloadProgress p) {
            progress.update(p);
          }
        }).build()) {
      Download d = downloader.start(download);
      // Ctrl-C or SIGTERM: stop the connections and save the journal, so the next run resumes.
      Thread hook = new Thread(() -> {
        d.cancel();
        try {
          d.result().get(5, TimeUnit.SECONDS); // the journal is saved before the result completes
        } catch (Exception stopped) {
          // cancelled, failed or still stopping: the process exits either way
        }
      }, "haul-get-interrupted");
      Runtime.getRuntime().addShutdownHook(hook);
      DownloadResult r;
      try {
        r = d.result().join();
      } catch (CompletionException | CancellationException e) {
        progress.abandon();
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof UnexpectedStatusException u) {
          return unexpectedStatus(u.status(), request, shown, out, err, Duration.ofNanos(System.nanoTime() - start));
        }
        throw cause instanceof Exception ex ? ex : new IllegalStateException(cause);
      } finally {
        removeHook(hook);
      }
      progress.finish(r);
      summary(out, 200, r.size(), r.elapsed(), r.sha256(), r.file(), r);
      return HaulCli.OK;
    }
  }

  /** A status the download could not use: 3xx (not followed) leaves things as they were, 4xx/5xx exit 3. */
  private int unexpectedStatus(int status, Request request, Path shown, PrintWriter out, PrintWriter err,
      Duration elapsed) throws Exception {
    if (status < 400) {
      err.println("haul: " + request + " answered " + status + (status == 304 ? " (Not Modified)" : "")
          + " (not followed); " + shown + (status == 304 ? " left as it was" : " was not written"));
      summary(out, status, 0, elapsed, null, (Path) null, null);
      return HaulCli.OK;
    }
    err.println("haul: " + request + " answered " + status + "; " + shown + " was not written"
        + (noResume ? "" : " (a partial download, if any, stays for the next run)"));
    summary(out, status, 0, elapsed, null, (Path) null, null);
    return HaulCli.HTTP_STATUS;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is exiting: the hook is running or has run.
    }
  }

  private DownloadRequest downloadRequest(Request request) {
    try {
      DownloadRequest.Builder b = DownloadRequest.builder(request.uri());
      if (output != null) {
        b.toFile(output);
      } else {
        b.toDirectory(outputDir);
      }
      // Extra headers by name; values are never repeated in a message (they may hold a key).
      Headers extra = request.headers();
      for (int i = 0; i < extra.size(); i++) {
        b.header(extra.name(i), extra.value(i));
      }
      if (sha256 != null) {
        b.sha256(sha256);
      }
      if (force) {
        b.overwrite(DownloadRequest.Overwrite.REPLACE);
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new HaulCli.UsageException(spec.commandLine(), e.getMessage());
    }
  }

  private Progress.Mode progressMode() {
    if (json && !progressFlag) {
      return Progress.Mode.OFF;
    }
    // Java 17 cannot ask whether stderr alone is a terminal; a console means stdin and stdout are.
    if (System.console() != null) {
      return Progress.Mode.TERMINAL;
    }
    return progressFlag ? Progress.Mode.LINES : Progress.Mode.OFF;
  }

  private int toStdout(HaulClient client, Request request, PrintWriter err) throws Exception {
    long start = System.nanoTime();
    Response<InputStream> r = client.send(request, BodyHandlers.ofInputStream());
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long n = 0;
    OutputStream stdout = System.out;
    try (InputStream in = r.body()) {
      byte[] buf = new byte[64 * 1024];
      int k;
      while ((k = in.read(buf)) > 0) {
        stdout.write(buf, 0, k);
        sha.update(buf, 0, k);
        n += k;
      }
    }
    stdout.flush();
    String hex = HexFormat.of().formatHex(sha.digest());
    summary(err, r.status(), n, Duration.ofNanos(System.nanoTime() - start), hex, r.attempts(), r.redirects().size(),
        r.headers().all("Cache-Status"));
    if (r.status() >= 400) {
      err.println("haul: " + request + " answered " + r.status());
      return HaulCli.HTTP_STATUS;
    }
    if (sha256 != null && !hex.equalsIgnoreCase(sha256.trim())) {
      err.println("haul: SHA-256 mismatch: expected " + sha256.trim() + ", got " + hex);
      return HaulCli.INTEGRITY;
    }
    return HaulCli.OK;
  }

  /** The stdout summary: the exchange's attempts and redirects. */
  private void summary(PrintWriter w, int status, long bytes, Duration elapsed, String hex, int attempts,
      int redirects, List<String> cacheStatus) throws Exception {
    Map<String, Object> m = common(status, bytes, elapsed, hex);
    m.put("attempts", attempts);
    m.put("redirects", redirects);
    if (!cacheStatus.isEmpty()) {
      m.put("cache", cacheStatus.get(cacheStatus.size() - 1)); // ours is the last (RFC 9211)
    }
    print(w, m);
  }

  /**
   * The download summary: {@code status} is the download's as a whole (200 for a complete file,
   * whatever mix of 206s made it); {@code resumedFrom}, {@code restarts} and {@code connections}
   * from its result, when there is one.
   */
  private void summary(PrintWriter w, int status, long bytes, Duration elapsed, String hex, Path file,
      DownloadResult r) throws Exception {
    Map<String, Object> m = common(status, bytes, elapsed, hex);
    if (r != null) {
      m.put("resumedFrom", r.resumedFrom());
      m.put("restarts", r.restarts());
      m.put("connections", r.connections());
    }
    m.put("file", String.valueOf(file != null ? file : output != null ? output : outputDir));
    print(w, m);
  }

  private Map<String, Object> common(int status, long bytes, Duration elapsed, String hex) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", status);
    m.put("bytes", bytes);
    m.put("seconds", elapsed.toNanos() / 1e9);
    m.put("sha256", hex);
    return m;
  }

  private void print(PrintWriter w, Map<String, Object> m) throws Exception {
    if (!json) {
      return;
    }
    m.put("url", dev.haul.Redaction.uri(URI.create(url)));
    w.println(new ObjectMapper().writeValueAsString(m));
    w.flush();
  }
}
