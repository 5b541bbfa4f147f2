package dev.haul.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.Origin;
import dev.haul.RetrySettings;
import dev.haul.download.Download;
import dev.haul.download.DownloadConfig;
import dev.haul.download.DownloadRequest;
import dev.haul.download.DownloadStrategy;
import dev.haul.download.Downloader;
import dev.haul.monitoring.internal.MetricNames;
import dev.haul.testkit.OriginServer;
import dev.haul.testkit.StaticContent;
import dev.haul.transport.netty.NettyTransport;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The dashboard in a real browser: Debian's Chromium, headless, driven by Selenium through Debian's
 * chromedriver ({@code .ci/run} installs both), while a client makes API calls (some retried) and
 * a throttled download runs. The numbers on the page change, then match the registry; the
 * download's progress bar advances; a canary secret sent as a Bearer key, a cookie and a
 * {@code ?token=} value is nowhere in the DOM or in any response the browser received; the page
 * runs under its Content-Security-Policy without a single console error.
 */
class BrowserTest {

  private static final String DASHBOARD_TOKEN = "browser-test-access-token-42";
  private static final int FILE_SIZE = 24 * 1024 * 1024;

  @TempDir
  Path dir;

  private final MetricRegistry registry = new MetricRegistry();
  private final AtomicBoolean trafficOn = new AtomicBoolean(true);
  private OriginServer api;
  private OriginServer storage;
  private HaulClient client;
  private Downloader downloader;
  private Monitoring monitoring;
  private ChromeDriver browser;
  private Thread traffic;

  @AfterEach
  void stop() throws Exception {
    trafficOn.set(false);
    if (traffic != null) {
      traffic.join(30_000);
    }
    if (browser != null) {
      browser.quit();
    }
    if (downloader != null) {
      downloader.close();
    }
    if (monitoring != null) {
      monitoring.close();
    }
    if (client != null) {
      client.close();
    }
    if (storage != null) {
      storage.close();
    }
    if (api != null) {
      api.close();
    }
  }

  private ChromeDriver chromium() throws Exception {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1500,1300",
        "--user-data-dir=" + Files.createDirectory(dir.resolve("chromium-profile")));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  private static void waitFor(String what, Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Boolean.TRUE.equals(condition.get())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  // The page redraws its rows every refresh: read in one script, so no element goes stale in between.

  private long number(String id) {
    Object text = browser.executeScript("return document.getElementById(arguments[0]).textContent", id);
    return Long.parseLong(String.valueOf(text).replace(",", "").trim());
  }

  private String cell(String origin, String field) {
    Object text = browser.executeScript("for (const tr of document.querySelectorAll('#origins tbody tr')) {"
        + " if (tr.dataset.origin === arguments[0]) {"
        + "  const td = tr.querySelector('td[data-field=\"' + arguments[1] + '\"]'); return td ? td.textContent : null; } }"
        + " return null;", origin, field);
    return text == null ? null : text.toString();
  }

  @Test
  void theDashboardShowsLiveDataThatMatchesTheRegistryAndNoSecret() throws Exception {
    api = EndToEndTest.api();
    byte[] file = new byte[FILE_SIZE];
    new java.util.Random(7).nextBytes(file);
    // About 1.3 MB/s per connection: the download lasts long enough to be watched.
    storage = OriginServer.builder().dispatcher(StaticContent.create().add("/model.bin", file, "application/octet-stream")
        .transform((req, resp) -> resp.status() == 200 || resp.status() == 206
            ? resp.toBuilder().throttle(64 * 1024, Duration.ofMillis(50)).build() : resp)).start();
    MonitoringConfig config = MonitoringConfig.builder().dashboardEnabled(true).dashboardPort(0)
        .dashboardToken(DASHBOARD_TOKEN).build();
    HaulMetrics metrics = HaulMetrics.create(registry, config);
    client = metrics.installOn(Haul.newBuilder())
        .config(HaulConfig.builder().retry(RetrySettings.builder().baseDelay(Duration.ofMillis(5))
            .maxDelay(Duration.ofMillis(5)).budget(10.0, 100.0).build()).build())
        .transport(NettyTransport.create()).build();
    monitoring = Monitoring.start(client, metrics, config);
    String dashboard = monitoring.dashboard().orElseThrow().uri().toString();

    browser = chromium();
    browser.get(dashboard + "?access=" + DASHBOARD_TOKEN); // sets the cookie, redirects to /
    waitFor("the page to go live", () -> "live".equals(browser.findElement(By.id("status")).getText()));
    assertThat(browser.getCurrentUrl()).doesNotContain(DASHBOARD_TOKEN);
    assertThat(browser.findElement(By.id("downloads-empty")).getText()).isEqualTo("no downloads yet");
    assertThat(browser.findElement(By.id("cache-empty")).getText()).isEqualTo("cache not installed");
    assertThat(browser.findElement(By.id("origins-empty")).isDisplayed()).isTrue();

    traffic = new Thread(() -> {
      while (trafficOn.get()) {
        EndToEndTest.traffic(client, api, 1);
      }
    }, "browser-test-traffic");
    traffic.start();

    // The numbers change while traffic runs.
    waitFor("requests on the page", () -> number("requests") > 0);
    long first = number("requests");
    waitFor("the request count to grow", () -> number("requests") > first);
    String apiOrigin = Origin.of(api.url("/")).toString();
    waitFor("the API origin's row", () -> cell(apiOrigin, "requests") != null);
    waitFor("retries by reason in the row", () -> cell(apiOrigin, "retries").contains("status-503"));

    // A download: its bar appears and advances.
    downloader = Downloader.builder(client).config(DownloadConfig.builder().segmentThreshold(0)
        .pieceSize(256 * 1024).minSplit(256 * 1024).build()).build();
    Download download = downloader.start(DownloadRequest.builder(storage.url("/model.bin"))
        .toFile(dir.resolve("model.bin")).strategy(DownloadStrategy.segmented(2)).build());
    waitFor("a progress bar", () -> progress() > 0);
    double bar1 = progress();
    waitFor("the progress bar to advance", () -> progress() > bar1);
    assertThat(browser.findElement(By.id("downloads-empty")).isDisplayed()).isFalse();
    assertThat(String.valueOf(browser.executeScript("return document.getElementById('downloads-active').textContent")))
        .contains("segments", "/s", "ETA");
    waitFor("charts drawn", () -> !browser.findElements(By.cssSelector("#chart-rps canvas")).isEmpty()
        && !browser.findElements(By.cssSelector("#chart-latency canvas")).isEmpty()
        && !browser.findElements(By.cssSelector("#chart-errors canvas")).isEmpty());
    assertThat(browser.findElement(By.id("errors-empty")).isDisplayed()).isFalse();
    Thread.sleep(1500); // a little more history on the charts for the screenshot (not an assertion)
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Path target = Path.of("target", "dashboard.png");
    Files.createDirectories(target.getParent());
    Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);

    // Stop the traffic and the download: then the page settles on the registry's numbers.
    trafficOn.set(false);
    traffic.join(30_000);
    download.cancel();
    downloader.close();
    downloader = null;
    // (compared with the registry as it is at each look: a cancelled segment's last events may still arrive)
    waitFor("the page to show the registry's count", () -> number("requests") == registry.timer("haul.requests").getCount());
    String prefix = "haul." + MetricNames.token(Origin.of(api.url("/"))) + ".";
    waitFor("the origin row to show the registry's count", () ->
        String.format("%,d", registry.timer(prefix + "requests").getCount()).equals(cell(apiOrigin, "requests")));
    assertThat(registry.timer(prefix + "requests").getCount()).isPositive();
    long failed = registry.meter("haul.requests-failed").getCount();
    assertThat(number("failed")).isEqualTo(failed);
    String retries = registry.getMeters((name, m) -> name.startsWith(prefix + "retries.")).entrySet().stream()
        .map(e -> e.getKey().substring((prefix + "retries.").length()) + String.format(" %,d", e.getValue().getCount()))
        .collect(java.util.stream.Collectors.joining(", "));
    assertThat(retries).contains("status-503", "ConnectionClosedException");
    assertThat(cell(apiOrigin, "retries")).isEqualTo(retries);
    assertThat(cell(apiOrigin, "redirects")).isEqualTo(String.format("%,d", registry.meter(prefix + "redirects").getCount()));
    waitFor("the download among the finished", () -> browser.findElement(By.id("downloads-finished")).isDisplayed());

    // No secret anywhere in the DOM...
    String dom = browser.getPageSource();
    String text = browser.findElement(By.tagName("body")).getText();
    for (String secret : List.of(EndToEndTest.CANARY, DASHBOARD_TOKEN)) {
      assertThat(dom).doesNotContain(secret);
      assertThat(text).doesNotContain(secret);
    }
    assertThat(dom).doesNotContain("/api/models").doesNotContain("/model.bin");
    // ...nor in any response the browser received.
    List<String> bodies = responseBodies();
    assertThat(bodies).hasSizeGreaterThan(5);
    assertThat(bodies).noneMatch(b -> b.contains(EndToEndTest.CANARY) || b.contains(DASHBOARD_TOKEN));
    // The page ran under its policy without errors (a CSP violation is a console error).
    List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
    assertThat(errors).isEmpty();
  }

  private double progress() {
    Object v = browser.executeScript(
        "const b = document.querySelector('#downloads-active progress'); return b && b.max > 1 ? b.value : -1");
    return ((Number) v).doubleValue();
  }

  /** Every response body the browser received, read back through the DevTools protocol. */
  private List<String> responseBodies() {
    List<String> bodies = new ArrayList<>();
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (LogEntry entry : browser.manage().logs().get(LogType.PERFORMANCE).getAll()) {
      try {
        var message = json.readTree(entry.getMessage()).path("message");
        if (!"Network.responseReceived".equals(message.path("method").asText())) {
          continue;
        }
        String id = message.path("params").path("requestId").asText();
        String headers = message.path("params").path("response").path("headers").toString();
        bodies.add(headers);
        Map<String, Object> body = browser.executeCdpCommand("Network.getResponseBody", Map.of("requestId", id));
        Object b = body.get("body");
        if (b != null) {
          bodies.add(Boolean.TRUE.equals(body.get("base64Encoded"))
              ? new String(java.util.Base64.getDecoder().decode(b.toString()), java.nio.charset.StandardCharsets.UTF_8)
              : b.toString());
        }
      } catch (org.openqa.selenium.WebDriverException gone) {
        // a body Chromium no longer keeps (redirects have none): its headers were checked
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return bodies;
  }

}
