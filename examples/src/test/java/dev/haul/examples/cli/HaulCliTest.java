package dev.haul.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.haul.testkit.Fault;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import dev.haul.testkit.OriginServerExtension;
import dev.haul.testkit.StaticContent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@ExtendWith(OriginServerExtension.class)
class HaulCliTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return HaulCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private static String sha(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static byte[] data(int n) {
    byte[] b = new byte[n];
    new Random(3).nextBytes(b);
    return b;
  }

  private static long partFiles(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".part")).count();
    }
  }

  @Test
  void getToAFileVerifiesTheHashAndPrintsJson(OriginServer server, @TempDir Path dir) throws Exception {
    byte[] body = data(3_000_000);
    server.setDispatcher(StaticContent.create().add("/model.bin", body, "application/octet-stream"));
    Path file = dir.resolve("model.bin");
    int code = run("get", server.url("/model.bin").toString(), "-o", file.toString(), "--sha256", sha(body), "--json");
    assertThat(code).as(err.toString()).isZero();
    assertThat(Files.readAllBytes(file)).isEqualTo(body);
    JsonNode json = new ObjectMapper().readTree(out.toString().trim());
    assertThat(json.get("status").asInt()).isEqualTo(200);
    assertThat(json.get("bytes").asLong()).isEqualTo(body.length);
    assertThat(json.get("sha256").asText()).isEqualTo(sha(body));
    // Issue 10: -o goes through the downloader, whose summary says how the download went.
    assertThat(json.get("resumedFrom").asLong()).isZero();
    assertThat(json.get("restarts").asInt()).isZero();
    assertThat(json.get("connections").asInt()).isPositive();
    assertThat(json.get("file").asText()).isEqualTo(file.toString());
    assertThat(partFiles(dir)).isZero();
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).as("no journal either").containsExactly("model.bin");
    }
  }

  /** Issue 11: a second run with the same --cache-dir answers from the disk cache without a request. */
  @Test
  void getWithACacheDirServesTheSecondRunFromTheCache(OriginServer server, @TempDir Path dir) throws Exception {
    java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    server.setDispatcher(r -> {
      requests.incrementAndGet();
      return MockResponse.builder().body("[\"model-a\"]").header("Cache-Control", "max-age=300")
          .header("Date", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
              java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC))).build();
    });
    Path cache = dir.resolve("cache");
    String url = server.url("/api/models").toString();
    assertThat(run("get", url, "--cache-dir", cache.toString(), "--json")).as(err.toString()).isZero();
    JsonNode first = new ObjectMapper().readTree(err.toString().trim());
    assertThat(first.get("cache").asText()).isEqualTo("haul; fwd=uri-miss; fwd-status=200; stored");
    err.getBuffer().setLength(0);
    assertThat(run("get", url, "--cache-dir", cache.toString(), "--json")).as(err.toString()).isZero();
    JsonNode second = new ObjectMapper().readTree(err.toString().trim());
    assertThat(second.get("cache").asText()).startsWith("haul; hit; ttl=");
    assertThat(second.get("sha256").asText()).isEqualTo(first.get("sha256").asText());
    assertThat(requests.get()).isEqualTo(1);
  }

  @Test
  void hashMismatchExitsFiveAndLeavesNothing(OriginServer server, @TempDir Path dir) throws Exception {
    server.enqueue(MockResponse.builder().body(data(1000)).build());
    Path file = dir.resolve("x.bin");
    assertThat(run("get", server.url("/x").toString(), "-o", file.toString(), "--sha256", "00".repeat(32))).isEqualTo(5);
    assertThat(file).doesNotExist();
    assertThat(partFiles(dir)).isZero();
    assertThat(err.toString()).contains("SHA-256 mismatch");
  }

  @Test
  void httpErrorExitsThree(OriginServer server, @TempDir Path dir) {
    server.enqueue(MockResponse.builder().status(404).body("nope").build());
    assertThat(run("get", server.url("/missing").toString(), "-o", dir.resolve("m").toString())).isEqualTo(3);
    assertThat(dir.resolve("m")).doesNotExist();
  }

  @Test
  void networkFailureExitsFour(@TempDir Path dir) throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThat(run("get", "http://127.0.0.1:" + port + "/", "--retries", "0", "-o", dir.resolve("f").toString())).isEqualTo(4);
    assertThat(err.toString()).contains("connect failed");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("get")).isEqualTo(2);
    assertThat(run("get", "ftp://x/")).isEqualTo(2);
    assertThat(run("get", "http://x/", "-H", "no colon")).isEqualTo(2);
    assertThat(run("get", "http://x/", "--timeout", "soon")).isEqualTo(2);
    assertThat(run("nonsense")).isEqualTo(2);
    assertThat(run("get", "http://x/", "--bearer-env", "HAUL_TEST_SURELY_UNSET_VARIABLE")).isEqualTo(2);
  }

  // Issue 10: the downloader's options are checked before anything is sent or written.
  @Test
  void downloadOptionsAreCheckedUpFront(@TempDir Path dir) throws Exception {
    String f = dir.resolve("f").toString();
    assertThat(run("get", "http://127.0.0.1:9/", "-o", f, "--segments", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--segments: 0 (expected: >= 1)");
    assertThat(run("get", "http://127.0.0.1:9/", "-o", f, "--segments", "65")).isEqualTo(2);
    assertThat(err.toString()).contains("--segments: ");
    assertThat(run("get", "http://127.0.0.1:9/", "-o", f, "-O", dir.toString())).isEqualTo(2);
    assertThat(run("get", "http://127.0.0.1:9/", "--force")).as("--force without a target").isEqualTo(2);
    assertThat(run("get", "http://127.0.0.1:9/", "--segments", "2")).isEqualTo(2);
    assertThat(run("get", "http://127.0.0.1:9/", "--no-resume")).isEqualTo(2);
    assertThat(run("get", "http://127.0.0.1:9/", "-O", dir.toString(), "-H", "Range: bytes=0-1")).isEqualTo(2);
    String secretish = "sk-live-not-a-hash-0123456789";
    assertThat(run("get", "http://127.0.0.1:9/", "-o", f, "--sha256", secretish)).isEqualTo(2);
    assertThat(err.toString()).doesNotContain(secretish);
    assertThat(Files.list(dir).count()).as("nothing written").isZero();
  }

  // Issue 10 item 10: -O DIR names the file from Content-Disposition (made safe, inside DIR), and
  // one or four segments give the same bytes.
  @Test
  void outputDirectoryAndSegmentsGiveTheSameBytes(OriginServer server, @TempDir Path dir) throws Exception {
    byte[] body = data(3_000_000);
    server.setDispatcher(StaticContent.create().add("/dl", body, "application/octet-stream")
        .transform((req, resp) -> resp.toBuilder()
            .header("Content-Disposition", "attachment; filename=\"../evil/../model.bin\"").build()));
    for (String segments : new String[] {"1", "4"}) {
      Path into = Files.createDirectories(dir.resolve("s" + segments));
      int code = run("get", server.url("/dl").toString(), "-O", into.toString(), "--segments", segments,
          "--sha256", sha(body), "--json");
      assertThat(code).as(err.toString()).isZero();
      try (java.util.stream.Stream<Path> s = Files.list(into)) {
        List<Path> files = s.toList();
        assertThat(files).as("one file, inside DIR").hasSize(1);
        assertThat(files.get(0).getParent()).isEqualTo(into);
        assertThat(files.get(0).getFileName().toString()).doesNotContain("/").isNotEqualTo("..").endsWith("model.bin");
        assertThat(Files.readAllBytes(files.get(0))).isEqualTo(body);
      }
    }
    assertThat(dir.getParent().resolve("evil")).doesNotExist();
    assertThat(out.toString().lines().filter(l -> l.contains("\"connections\":4")).count())
        .as("four connections with --segments 4").isEqualTo(1);
  }

  // Issue 10 item 3: --no-resume ignores a journal left by an earlier run and starts from zero;
  // without it the next run resumes from the journal.
  @Test
  void aKilledDownloadResumesFromItsJournalUnlessNoResume(OriginServer server, @TempDir Path dir) throws Exception {
    byte[] body = data(3_000_000);
    java.util.concurrent.atomic.AtomicBoolean slow = new java.util.concurrent.atomic.AtomicBoolean(true);
    server.setDispatcher(StaticContent.create().add("/big", body, "application/octet-stream")
        .transform((req, resp) -> slow.get() ? resp.toBuilder().throttle(64 * 1024, java.time.Duration.ofMillis(50)).build()
            : resp));
    Path file = dir.resolve("big");
    // The download's own deadline (not the call's): when it runs out, the journal is saved first.
    dev.haul.config.ConfigSource cfg = dev.haul.config.ConfigSource.fromMap(java.util.Map.of(
        "haul.download.timeout", "1s", "haul.download.journal-bytes", "64KiB"));
    int failed = HaulCli.execute(new String[] {"get", server.url("/big").toString(), "-o", file.toString()},
        new PrintWriter(out, true), new PrintWriter(err, true), cfg);
    assertThat(failed).as(err.toString()).isEqualTo(4);
    assertThat(file).doesNotExist();
    assertThat(dir.resolve("big.part")).exists();
    assertThat(dir.resolve("big.part.journal")).exists();
    cfg = dev.haul.config.ConfigSource.fromMap(java.util.Map.of());
    slow.set(false);
    int before = server.requestCount();
    StringWriter json = new StringWriter();
    int resumed = HaulCli.execute(new String[] {"get", server.url("/big").toString(), "-o", file.toString(), "--json",
        "--sha256", sha(body)}, new PrintWriter(json, true), new PrintWriter(err, true), cfg);
    assertThat(resumed).as(err.toString()).isZero();
    assertThat(Files.readAllBytes(file)).isEqualTo(body);
    assertThat(new ObjectMapper().readTree(json.toString().trim()).get("resumedFrom").asLong()).isPositive();
    assertThat(server.requests().get(before).header("If-Range")).as("a resume carries If-Range").startsWith("\"");

    // The same again with --no-resume: the journal is ignored and the download starts at byte 0.
    Files.delete(file);
    slow.set(true);
    assertThat(HaulCli.execute(new String[] {"get", server.url("/big").toString(), "-o", file.toString()},
        new PrintWriter(out, true), new PrintWriter(err, true), dev.haul.config.ConfigSource.fromMap(java.util.Map.of(
            "haul.download.timeout", "1s", "haul.download.journal-bytes", "64KiB")))).isEqualTo(4);
    assertThat(dir.resolve("big.part.journal")).exists();
    slow.set(false);
    before = server.requestCount();
    StringWriter json2 = new StringWriter();
    int fresh = HaulCli.execute(new String[] {"get", server.url("/big").toString(), "-o", file.toString(), "--json",
        "--no-resume", "--sha256", sha(body)}, new PrintWriter(json2, true), new PrintWriter(err, true), cfg);
    assertThat(fresh).as(err.toString()).isZero();
    assertThat(Files.readAllBytes(file)).isEqualTo(body);
    assertThat(new ObjectMapper().readTree(json2.toString().trim()).get("resumedFrom").asLong()).isZero();
    assertThat(server.requests().get(before).header("Range")).isEqualTo("bytes=0-");
  }

  // Issue 8 defect 12: a malformed -H argument was echoed whole, and it may hold a key.
  @Test
  void aMalformedHeaderIsNamedButItsValueNeverEchoed() {
    String secret = "sk-live-0123456789abcdef";
    for (String bad : new String[] {"Authorization Bearer " + secret, "Authorization: Bearer " + secret + "\u0007",
        "Authorization: Bearer " + secret + "\r\nX-Injected: 1", "X Bad " + secret + ": v", ": " + secret}) {
      StringWriter e = new StringWriter();
      int code = HaulCli.execute(new String[] {"get", "http://127.0.0.1:9/", "-H", bad},
          new PrintWriter(new StringWriter(), true), new PrintWriter(e, true));
      assertThat(code).as(bad).isEqualTo(2);
      assertThat(e.toString()).as(bad).contains("-H #1").doesNotContain(secret).doesNotContain("Bearer sk");
    }
    StringWriter e = new StringWriter();
    HaulCli.execute(new String[] {"get", "http://127.0.0.1:9/", "-H", "Authorization: Bearer " + secret + "\u0007"},
        new PrintWriter(new StringWriter(), true), new PrintWriter(e, true));
    assertThat(e.toString()).as("a valid name may be named").contains("Authorization");
  }

  // Issue 8 defect 12: `haul get` read only the transport keys from system properties; every
  // haul.* key the README lists must apply (here retries, redirects, user agent).
  @Test
  void getReadsTheCoreKeysFromSystemProperties(OriginServer server) {
    java.util.Map<String, String> props = java.util.Map.of("haul.retry.max-retries", "0",
        "haul.redirect.max-hops", "0", "haul.user-agent", "cli-test/1");
    props.forEach(System::setProperty);
    try {
      server.enqueue(MockResponse.builder().status(307).header("Location", server.url("/elsewhere").toString()).build());
      assertThat(run("get", server.url("/r").toString())).as(err.toString()).isZero();
      assertThat(server.requestCount()).as("the redirect is returned as it is, not followed").isEqualTo(1);
      server.enqueue(MockResponse.builder().status(503).build());
      server.enqueue(MockResponse.ok("never asked for"));
      assertThat(run("get", server.url("/503").toString())).as("no retry").isEqualTo(3);
      assertThat(server.requestCount()).isEqualTo(2);
      assertThat(server.takeRequest().header("User-Agent")).isEqualTo("cli-test/1");
    } finally {
      props.keySet().forEach(System::clearProperty);
    }
  }

  // Issue 8 defect 12: the same keys from the environment (HAUL_*), with command line flags
  // taking precedence over them.
  @Test
  void getReadsTheEnvironmentAndFlagsOverrideIt(OriginServer server) {
    dev.haul.config.ConfigSource env = dev.haul.config.ConfigSource.fromEnvironment(java.util.Map.of(
        "HAUL_RETRY_MAX_RETRIES", "0", "HAUL_RETRY_BASE_DELAY", "10ms", "HAUL_USER_AGENT", "from-env/2"));
    server.enqueue(MockResponse.builder().status(503).build());
    assertThat(HaulCli.execute(new String[] {"get", server.url("/a").toString()}, new PrintWriter(out, true),
        new PrintWriter(err, true), env)).as("HAUL_RETRY_MAX_RETRIES=0").isEqualTo(3);
    assertThat(server.requestCount()).isEqualTo(1);
    assertThat(server.takeRequest().header("User-Agent")).isEqualTo("from-env/2");

    server.enqueue(MockResponse.builder().status(503).build());
    server.enqueue(MockResponse.ok("second"));
    assertThat(HaulCli.execute(new String[] {"get", server.url("/b").toString(), "--retries", "1"},
        new PrintWriter(out, true), new PrintWriter(err, true), env)).as("--retries 1 beats the environment").isZero();
    assertThat(server.requestCount()).isEqualTo(3);

    dev.haul.config.ConfigSource deadline = dev.haul.config.ConfigSource.fromEnvironment(java.util.Map.of("HAUL_TIMEOUT_CALL", "1s"));
    server.enqueue(MockResponse.builder().headersDelay(java.time.Duration.ofSeconds(10)).body("late").build());
    StringWriter late = new StringWriter();
    assertThat(HaulCli.execute(new String[] {"get", server.url("/slow").toString(), "--retries", "0"},
        new PrintWriter(out, true), new PrintWriter(late, true), deadline)).as("HAUL_TIMEOUT_CALL=1s").isEqualTo(4);
    assertThat(late.toString()).containsIgnoringCase("deadline");
    server.enqueue(MockResponse.builder().headersDelay(java.time.Duration.ofMillis(1500)).body("in time").build());
    assertThat(HaulCli.execute(new String[] {"get", server.url("/slow2").toString(), "--timeout", "20s"},
        new PrintWriter(out, true), new PrintWriter(err, true), deadline)).as("--timeout beats the environment").isZero();

    StringWriter e = new StringWriter();
    assertThat(HaulCli.execute(new String[] {"get", server.url("/c").toString()}, new PrintWriter(out, true),
        new PrintWriter(e, true), dev.haul.config.ConfigSource.fromEnvironment(java.util.Map.of("HAUL_RETRY_MAX_RETRIES", "many"))))
        .as("a bad setting is a usage error").isEqualTo(2);
    assertThat(e.toString()).contains("haul.retry.max-retries");
  }

  @Test
  void helpDocumentsTheExitCodes() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("Exit codes", "integrity mismatch", "usage error");
  }

  @Test
  void resumesAfterAResetMidBody(OriginServer server, @TempDir Path dir) throws Exception {
    byte[] body = data(2_000_000);
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    server.setDispatcher(StaticContent.create().add("/big", body, "application/octet-stream")
        // Issue 10: the downloader asks for a range from its first request on (bytes=0-).
        .transform((req, resp) -> n.getAndIncrement() == 0
            ? resp.toBuilder().fault(Fault.RESET_DURING_BODY, 700_000).build() : resp));
    Path file = dir.resolve("big");
    assertThat(run("get", server.url("/big").toString(), "-o", file.toString(), "--sha256", sha(body))).isZero();
    assertThat(Files.readAllBytes(file)).isEqualTo(body);
    assertThat(server.requests().get(1).header("Range")).startsWith("bytes=");
    assertThat(server.requests().get(1).header("If-Range")).startsWith("\"");
  }

  @Test
  void bearerKeyGoesOnlyToTheUrlsOrigin(OriginServer api, OriginServer storage) {
    // The key comes from an environment variable; PATH is always set, so use it as a stand-in key.
    api.enqueue(MockResponse.builder().status(307).header("Location", storage.url("/f").toString()).build());
    storage.enqueue(MockResponse.ok("payload"));
    assertThat(run("get", api.url("/d").toString(), "--bearer-env", "PATH")).isZero();
    assertThat(api.takeRequest().header("Authorization")).isEqualTo("Bearer " + System.getenv("PATH").trim());
    assertThat(storage.takeRequest().header("Authorization")).isNull();
  }

  @Test
  void getToStdoutWithHeaders(OriginServer server) {
    server.enqueue(MockResponse.ok("hello"));
    assertThat(run("get", server.url("/h").toString(), "-H", "X-Trace: 42", "--json")).isZero();
    assertThat(server.takeRequest().header("X-Trace")).isEqualTo("42");
    assertThat(err.toString()).contains("\"status\":200");
  }

  @Test
  void serveServesAFolderWithRanges(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a.txt"), "0123456789");
    ServeCommand serve = new ServeCommand();
    CommandLine cmd = new CommandLine(serve);
    cmd.setOut(new PrintWriter(out, true));
    Thread t = new Thread(() -> cmd.execute(dir.toString(), "--port", "0"));
    t.start();
    assertThat(serve.started.await(10, TimeUnit.SECONDS)).isTrue();
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(serve.server.url("/a.txt")).header("Range", "bytes=2-4").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(206);
      assertThat(r.body()).isEqualTo("234");
      assertThat(out.toString()).contains("serving");
    } finally {
      serve.stop();
      t.join(10_000);
    }
  }

  // Issue 8 defect 13: `serve --tls` wrote its CA next to DIR through whatever link was there.
  @Test
  void serveTlsNeverWritesItsCaThroughAPlantedSymlink(@TempDir Path dir) throws Exception {
    Path root = Files.createDirectories(dir.resolve("served"));
    Path victim = Files.writeString(Files.createDirectories(dir.resolve("elsewhere")).resolve("victim"), "precious");
    Path pem = Files.createSymbolicLink(dir.resolve("haul-serve-ca.pem"), victim);
    ServeCommand serve = new ServeCommand();
    CommandLine cmd = new CommandLine(serve);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    java.util.concurrent.atomic.AtomicInteger code = new java.util.concurrent.atomic.AtomicInteger(-1);
    Thread t = new Thread(() -> code.set(cmd.execute(root.toString(), "--port", "0", "--tls")));
    t.start();
    try {
      assertThat(serve.started.await(20, TimeUnit.SECONDS)).as(err.toString()).isTrue();
      assertThat(Files.readString(victim)).isEqualTo("precious");
      assertThat(Files.isSymbolicLink(pem)).isFalse();
      assertThat(Files.readString(pem)).startsWith("-----BEGIN CERTIFICATE-----");
    } finally {
      serve.stop();
      t.join(10_000);
    }
    assertThat(code.get()).isZero();
  }

  @Test
  void demoRunsTheWholeJob() {
    int code = run("demo", "--size-mb", "16");
    assertThat(code).as(out + "\n" + err).isZero();
    // Issue 10: the download is segmented, interrupts itself and resumes from its journal.
    assertThat(out.toString()).contains("SHA-256 verified", "storage received it: no",
        "status 503 with Retry-After, waited 1000 ms", "interrupted: cancelled at", "resumed from ",
        "kept by the journal").containsPattern("connections: +4 at most").contains("segments retried:");
    // Issue 11: the repeated catalogue call is revalidated once (304), then answered by the cache.
    assertThat(out.toString()).contains("200, Cache-Status: haul; fwd=stale; fwd-status=304; ttl=",
        "200, Cache-Status: haul; hit; ttl=").containsPattern("HTTP cache: +2 hits, 1 revalidated \\(304\\), 2 misses, 1 stored");
  }

  /** Issue 12: the dashboard's URL on its own line, live data on it, a metrics summary, and a load until interrupted. */
  @Test
  void demoWithTheDashboardServesLiveDataUntilInterrupted() throws Exception {
    System.setProperty("haul.dashboard.port", "0");
    java.util.concurrent.atomic.AtomicInteger code = new java.util.concurrent.atomic.AtomicInteger(-1);
    Thread demo = new Thread(() -> code.set(run("demo", "--size-mb", "8", "--dashboard")), "demo");
    try {
      demo.start();
      java.util.regex.Pattern urlLine = java.util.regex.Pattern.compile("(?m)^(http://127\\.0\\.0\\.1:\\d+/)$");
      String url = waitFor(() -> {
        java.util.regex.Matcher m = urlLine.matcher(out.toString());
        return m.find() ? m.group(1) : null;
      });
      waitFor(() -> out.toString().contains("Keeping a light load running") ? "" : null);
      assertThat(out.toString()).contains("Metrics (haul-monitoring's registry)", "retries.status-503 1",
          "downloads: 1 completed");
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      java.util.function.Supplier<Long> requests = () -> {
        try {
          String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "api/snapshot")).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString()).body();
          return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("overview").path("requests").asLong();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      };
      long before = requests.get();
      waitFor(() -> requests.get() > before ? "" : null); // the load moves the numbers
      waitFor(() -> {
        try {
          String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "api/snapshot")).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString()).body();
          return body.contains("\"active\":[{") ? "" : null; // a download of the load is running
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
    } finally {
      demo.interrupt();
      demo.join(30_000);
      System.clearProperty("haul.dashboard.port");
    }
    assertThat(demo.isAlive()).isFalse();
    assertThat(code.get()).as(out + "\n" + err).isZero();
    assertThat(out.toString()).contains("Load stopped.");
  }

  /** Issue 12: {@code get --dashboard} serves the dashboard during the transfer; its URL goes to stderr alone on a line. */
  @Test
  void getWithTheDashboardShowsTheDownloadWhileItRuns(OriginServer server, @TempDir Path dir) throws Exception {
    byte[] body = data(6_000_000);
    server.setDispatcher(StaticContent.create().add("/model.bin", body, "application/octet-stream")
        .transform((req, resp) -> resp.toBuilder().throttle(64 * 1024, java.time.Duration.ofMillis(50)).build()));
    Path file = dir.resolve("model.bin");
    System.setProperty("haul.dashboard.port", "0");
    java.util.concurrent.atomic.AtomicInteger code = new java.util.concurrent.atomic.AtomicInteger(-1);
    Thread get = new Thread(() -> code.set(run("get", server.url("/model.bin?token=sk-canary-3").toString(),
        "-o", file.toString(), "--json", "--dashboard")), "get");
    String url;
    try {
      get.start();
      java.util.regex.Pattern urlLine = java.util.regex.Pattern.compile("(?m)^(http://127\\.0\\.0\\.1:\\d+/)$");
      url = waitFor(() -> {
        java.util.regex.Matcher m = urlLine.matcher(err.toString());
        return m.find() ? m.group(1) : null;
      });
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String running = waitFor(() -> {
        try {
          String snapshot = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "api/snapshot")).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString()).body();
          return snapshot.contains("\"active\":[{") ? snapshot : null;
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      assertThat(running).doesNotContain("sk-canary-3").doesNotContain("model.bin");
    } finally {
      get.join(120_000);
      System.clearProperty("haul.dashboard.port");
    }
    assertThat(code.get()).as(err.toString()).isZero();
    assertThat(Files.readAllBytes(file)).isEqualTo(body);
    assertThat(new ObjectMapper().readTree(out.toString().trim()).get("status").asInt()).isEqualTo(200);
    assertThat(java.net.http.HttpClient.newHttpClient().sendAsync(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
        java.net.http.HttpResponse.BodyHandlers.discarding()).handle((r, e) -> e != null).get())
        .as("the dashboard stopped with the command").isTrue();
  }

  private static <T> T waitFor(java.util.function.Supplier<T> found) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      T t = found.get();
      if (t != null) {
        return t;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("timed out");
  }

  // Review finding 5: an unquoted -H 'Authorization: Bearer KEY' splits the key into arguments of
  // its own, and picocli echoed them: "Unmatched arguments from index 4: 'Bearer', 'sk-...'".
  @Test
  void unmatchedArgumentsAreCountedNeverEchoed(OriginServer server) {
    int code = run("get", server.url("/").toString(), "-H", "Authorization:", "Bearer", "sk-secret-8");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).doesNotContain("sk-secret-8").doesNotContain("Bearer")
        .contains("2 unexpected arguments at positions 5, 6", "quoted");
    assertThat(server.requestCount()).isZero();
  }

  // Review finding 5: other picocli usage errors never repeat an argument either.
  @Test
  void aBadOptionValueIsNotEchoed() {
    assertThat(run("get", "http://127.0.0.1:1/", "--retries", "sk-secret-9")).isEqualTo(2);
    assertThat(err.toString()).doesNotContain("sk-secret-9").contains("--retries");
  }

  // Review finding 10: the CA path was DIR.toAbsolutePath().getParent(): for "root/." that is root
  // itself, so the CA landed inside the served folder. It is now normalized first.
  @Test
  void serveTlsWritesItsCaNextToTheNormalizedFolder(@TempDir Path dir) throws Exception {
    Path root = Files.createDirectories(dir.resolve("served"));
    ServeCommand serve = new ServeCommand();
    CommandLine cmd = new CommandLine(serve);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    Thread t = new Thread(() -> cmd.execute(root.resolve(".").toString(), "--port", "0", "--tls"));
    t.start();
    try {
      assertThat(serve.started.await(20, TimeUnit.SECONDS)).as(err.toString()).isTrue();
      assertThat(dir.resolve("haul-serve-ca.pem")).exists();
      assertThat(root.resolve("haul-serve-ca.pem")).doesNotExist();
    } finally {
      serve.stop();
      t.join(10_000);
    }
  }

  // Issue 8 review 2, finding 7: the redaction missed values attached to an option.
  @Test
  void aValueAttachedToAnOptionIsNotEchoed() {
    assertThat(run("get", "http://127.0.0.1:1/", "--retries=sk-secret-9")).isEqualTo(2);
    assertThat(err.toString()).doesNotContain("sk-secret-9").contains("--retries");
    StringWriter e2 = new StringWriter();
    assertThat(HaulCli.execute(new String[] {"get", "http://127.0.0.1:1/", "-Hsk-secret-7"},
        new PrintWriter(new StringWriter(), true), new PrintWriter(e2, true))).isEqualTo(2);
    assertThat(e2.toString()).doesNotContain("sk-secret-7");
  }

  // Issue 8 review 2, finding 9: -o / (no file name) crashed with a NullPointerException (exit 1).
  @Test
  void anOutputWithoutAFileNameIsAUsageError() {
    assertThat(run("get", "http://127.0.0.1:1/", "-o", "/")).isEqualTo(2);
    assertThat(err.toString()).contains("-o", "no file name").doesNotContain("NullPointer");
  }

  // Issue 8 review 2, finding 8: -o exited 3 for any status >= 300, stdout only for >= 400. One
  // rule now: 400 and above is exit 3; a 3xx that is not followed is an answer, saved or printed.
  @Test
  void aRedirectThatIsNotFollowedExitsTheSameWithAndWithoutOutput(OriginServer server, @TempDir Path dir)
      throws Exception {
    server.setDispatcher(q -> MockResponse.builder().status(302).header("Location", "/x").body("moved").build());
    dev.haul.config.ConfigSource cfg = dev.haul.config.ConfigSource.fromMap(java.util.Map.of("haul.redirect.max-hops", "0"));
    Path file = dir.resolve("z");
    int toFile = HaulCli.execute(new String[] {"get", server.url("/a").toString(), "-o", file.toString()},
        new PrintWriter(out, true), new PrintWriter(err, true), cfg);
    int toStdout = HaulCli.execute(new String[] {"get", server.url("/a").toString()},
        new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), cfg);
    assertThat(toFile).as(err.toString()).isZero();
    assertThat(toStdout).as(err.toString()).isZero();
    // Issue 10: -o goes through the downloader, which writes only the file itself (a 200 or 206
    // body), never a redirect's body: the 302 is reported and FILE is not written.
    assertThat(file).doesNotExist();
    assertThat(err.toString()).contains("answered 302").contains("not followed");
    Files.writeString(file, "moved");
    server.setDispatcher(q -> MockResponse.builder().status(404).body("nope").build());
    assertThat(HaulCli.execute(new String[] {"get", server.url("/a").toString(), "-o", file.toString(), "--force"},
        new PrintWriter(out, true), new PrintWriter(err, true), cfg)).isEqualTo(3);
    assertThat(HaulCli.execute(new String[] {"get", server.url("/a").toString()},
        new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), cfg)).isEqualTo(3);
    assertThat(Files.readString(file)).as("an error leaves FILE as it was").isEqualTo("moved");
  }

  // Issue 8: a 304 to a caller's own validator (-H If-None-Match) must never replace FILE with the
  // empty 304 body: FILE stays as it was and the exit is 0.
  @Test
  void aNotModifiedAnswerLeavesTheFileAsItWas(OriginServer server, @TempDir Path dir) throws Exception {
    server.setDispatcher(q -> MockResponse.builder().status(304).header("ETag", "\"v1\"").build());
    Path file = Files.writeString(dir.resolve("model.bin"), "the copy I have");
    // Issue 10: no clobber by default, so without --force the run is refused before any request.
    int refused = HaulCli.execute(new String[] {"get", server.url("/m").toString(), "-o", file.toString(),
        "-H", "If-None-Match: \"v1\""}, new PrintWriter(out, true), new PrintWriter(err, true),
        dev.haul.config.ConfigSource.fromMap(java.util.Map.of()));
    assertThat(refused).as(err.toString()).isEqualTo(1);
    assertThat(err.toString()).contains("already exists");
    assertThat(server.requestCount()).isZero();
    int code = HaulCli.execute(new String[] {"get", server.url("/m").toString(), "-o", file.toString(),
        "-H", "If-None-Match: \"v1\"", "--force"}, new PrintWriter(out, true), new PrintWriter(err, true),
        dev.haul.config.ConfigSource.fromMap(java.util.Map.of()));
    assertThat(code).as(err.toString()).isZero();
    assertThat(Files.readString(file)).isEqualTo("the copy I have");
    // The downloader opens FILE.part before its first request and keeps it after a failure (for a
    // resume); after a 304 nothing was written to it and no journal exists. (Reported: the engine
    // should remove a .part it created when nothing was written.)
    Path part = dir.resolve("model.bin.part");
    assertThat(!Files.exists(part) || Files.size(part) == 0).as("an empty .part at most").isTrue();
    assertThat(dir.resolve("model.bin.part.journal")).doesNotExist();
    assertThat(err.toString()).contains("304");
  }


  // Issue 8 review 2, finding 10: serve --tls kept the server running when its CA could not be
  // written (the command had failed, the port stayed open).
  @Test
  void serveStopsTheServerWhenItsCaCannotBeWritten(@TempDir Path dir) throws Exception {
    Path root = Files.createDirectories(dir.resolve("served"));
    Files.createDirectories(dir.resolve("haul-serve-ca.pem").resolve("x")); // a non-empty dir blocks the rename
    ServeCommand serve = new ServeCommand();
    CommandLine cmd = new CommandLine(serve);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    assertThat(cmd.execute(root.toString(), "--port", "0", "--tls")).isNotZero();
    java.net.URI u = serve.server.url("/");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
      try (java.net.Socket s = new java.net.Socket(u.getHost(), u.getPort())) {
        s.getOutputStream().write(1);
      }
    }).isInstanceOf(java.io.IOException.class);
  }

  // Issue 8 review 2, finding 2: serve computed the ETag and length at lookup but opened the file by
  // path at the first body read: a file renamed into place in between was sent (a prefix of the new
  // bytes) under the old ETag and length. The body is now sent only if the file opened is still the
  // one the headers describe; otherwise the connection closes and the download starts over.
  @Test
  void serveNeverSendsNewBytesUnderOldValidators(OriginServer server, @TempDir Path dir) throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    byte[] v1 = new byte[1_000_000];
    byte[] v2 = new byte[2_000_000];
    new Random(1).nextBytes(v1);
    new Random(2).nextBytes(v2);
    Path f = Files.write(root.resolve("m.bin"), v1);
    Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2024-05-01T10:00:00.25Z")));
    StaticContent content = StaticContent.ofDirectory(root);
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    content.transform((q, r) -> {
      if (n.getAndIncrement() == 0) { // after the first lookup, before its body is read
        try {
          Path tmp = Files.write(dir.resolve("new"), v2);
          Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
              java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return r;
    });
    server.setDispatcher(content);
    Path file = dir.resolve("out.bin");
    assertThat(run("get", server.url("/m.bin").toString(), "-o", file.toString())).as(err.toString()).isZero();
    byte[] got = Files.readAllBytes(file);
    assertThat(java.util.Arrays.equals(got, v2)).as("got " + got.length + " bytes, the new file whole").isTrue();
  }
}
