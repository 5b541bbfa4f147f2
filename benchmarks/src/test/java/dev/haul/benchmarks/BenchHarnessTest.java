package dev.haul.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness end to end on a tiny budget: real worker JVMs, testkit origin, two clients. */
class BenchHarnessTest {

  @Test
  void runsEveryClientInEachLoadModelItHasAndReportsRatiosToTheBestPeerAndToRawNetty(@TempDir Path dir)
      throws Exception {
    JsonNode report = BenchMain.run(BenchMain.parse(new String[] {
        "--scenario", "small-get", "--concurrency", "4", "--load", "both", "--rounds", "1",
        "--warmup-requests", "200", "--window", "100", "--warmup-max-requests", "400", "--requests", "400",
        "--clients", "raw-netty,haul,okhttp", "--origin", "testkit", "--files", dir.toString()}));
    assertThat(report.get("origin").asText()).isEqualTo("testkit");
    // The steady-state default: ParallelGC, recorded with the collectors the workers really ran.
    assertThat(report.get("jvmArgs").asText()).isEqualTo("-XX:+UseParallelGC -Xms256m -Xmx256m");
    assertThat(report.get("jvm").get("collectors").toString()).contains("PS Scavenge");
    assertThat(report.get("jvm").get("inputArguments").toString()).contains("-XX:+UseParallelGC");
    assertThat(report.get("measurement").get("requests").asLong()).isEqualTo(400);
    assertThat(report.get("measurement").get("steadyState").asBoolean()).isFalse();
    Map<String, JsonNode> rows = new LinkedHashMap<>();
    report.get("results").forEach(r -> rows.put(r.get("client").asText() + "@" + r.get("load").asText(), r));
    assertThat(rows).containsOnlyKeys("raw-netty@blocking", "haul@blocking", "okhttp@blocking", "raw-netty@inflight",
        "haul@inflight");
    for (JsonNode row : rows.values()) {
      assertThat(row.has("failed")).as(row.toString()).isFalse();
      JsonNode run = row.get("rounds").get(0);
      assertThat(run.get("load").asText()).isEqualTo(row.get("load").asText());
      assertThat(run.get("requests").asLong()).isEqualTo(400);
      assertThat(run.get("warmupRequests").asLong()).isBetween(200L, 400L);
      assertThat(run.get("bytes").asLong()).isEqualTo(400 * 100);
      assertThat(row.get("reqPerSec").asDouble()).isPositive();
      assertThat(row.get("cpuSecPer10k").asDouble()).isPositive();
      assertThat(row.get("allocBytesPerReq").asDouble()).as(row.get("client").asText()).isPositive().isFinite();
      assertThat(row.get("peakHeapMb").asDouble()).isPositive();
      assertThat(row.get("peakRssMb").asDouble()).isPositive();
    }
    // Each model has its own reference and its own best peer; raw Netty is never the best peer.
    assertThat(rows.get("raw-netty@blocking").get("ratioToRawNetty").get("reqPerSec").asDouble()).isEqualTo(1.0);
    assertThat(rows.get("raw-netty@inflight").get("ratioToRawNetty").get("reqPerSec").asDouble()).isEqualTo(1.0);
    assertThat(rows.get("okhttp@blocking").get("ratioToBestPeer").get("reqPerSec").asDouble()).isEqualTo(1.0);
    assertThat(rows.get("haul@inflight").get("ratioToBestPeer").has("reqPerSec")).isFalse();
    assertThat(rows.get("haul@inflight").get("ratioToRawNetty").get("reqPerSec").asDouble()).isPositive();
    JsonNode skip = report.get("skipped").get(0);
    assertThat(skip.get("client").asText() + "@" + skip.get("load").asText()).isEqualTo("okhttp@inflight");
    assertThat(BenchMain.markdown(report)).contains("| raw-netty | blocking |", "| haul | inflight |", "× best peer",
        "× raw Netty", "alloc B/req", "PS Scavenge", "not a steady-state figure",
        "Skipped: okhttp in the inflight model");
  }

  @Test
  void theTimedOptionsAreGoneAndBadCountsAreRefused(@TempDir Path dir) {
    for (String[] args : List.of(new String[] {"--seconds", "5"}, new String[] {"--requests", "0"},
        new String[] {"--load", "sideways"}, new String[] {"--concurrency", "8", "--requests", "7"})) {
      List<String> all = new java.util.ArrayList<>(List.of("--scenario", "small-get", "--clients", "haul",
          "--origin", "testkit", "--files", dir.toString()));
      all.addAll(List.of(args));
      assertThatThrownBy(() -> BenchMain.run(BenchMain.parse(all.toArray(String[]::new))))
          .as(String.join(" ", args)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void ratiosAreTakenWithinOneLoadModel() {
    Map<String, List<JsonNode>> results = new LinkedHashMap<>();
    results.put("raw-netty@blocking", List.of(req(30_000, 0.4, 1000)));
    results.put("haul@blocking", List.of(req(15_000, 0.8, 8000)));
    results.put("apache@blocking", List.of(req(20_000, 0.5, 4000)));
    results.put("raw-netty@inflight", List.of(req(40_000, 0.2, 500)));
    results.put("haul@inflight", List.of(req(20_000, 0.6, 6000)));
    results.put("apache-async@inflight", List.of(req(32_000, 0.4, 2000)));
    ObjectNode report = BenchMain.summarize("small-get", 64, "nginx", 1, List.of("-XX:+UseParallelGC"), results);
    JsonNode haulBlocking = report.get("results").get(1);
    assertThat(haulBlocking.get("load").asText()).isEqualTo("blocking");
    assertThat(haulBlocking.get("ratioToRawNetty").get("reqPerSec").asDouble()).isEqualTo(0.5);
    assertThat(haulBlocking.get("ratioToRawNetty").get("cpuSecPer10k").asDouble()).isEqualTo(2.0);
    assertThat(haulBlocking.get("ratioToRawNetty").get("allocBytesPerReq").asDouble()).isEqualTo(8.0);
    assertThat(haulBlocking.get("ratioToBestPeer").get("reqPerSec").asDouble()).isEqualTo(0.75);
    JsonNode haulInflight = report.get("results").get(4);
    assertThat(haulInflight.get("ratioToRawNetty").get("reqPerSec").asDouble()).isEqualTo(0.5);
    assertThat(haulInflight.get("ratioToBestPeer").get("reqPerSec").asDouble()).isEqualTo(0.625);
    assertThat(haulInflight.get("ratioToBestPeer").get("allocBytesPerReq").asDouble()).isEqualTo(3.0);
    // Raw Netty is faster than every peer yet not the best peer: apache is its own best peer.
    assertThat(report.get("results").get(2).get("ratioToBestPeer").get("reqPerSec").asDouble()).isEqualTo(1.0);
    assertThat(BenchMain.markdown(report)).contains("| haul | blocking | 15000 (15000–15000) | 0.75 | 0.50 |");
  }

  private static JsonNode req(double reqPerSec, double cpuSecPer10k, double allocBytesPerReq) {
    ObjectNode n = new ObjectMapper().createObjectNode();
    n.put("requests", 100_000).put("seconds", 100_000 / reqPerSec).put("bytes", 100 * 100_000)
        .put("cpuSeconds", cpuSecPer10k * 10).put("allocBytesPerReq", allocBytesPerReq).put("peakRssMb", 100)
        .put("peakHeapMb", 50);
    return n;
  }

  @Test
  void downloadChecksTheBytes(@TempDir Path dir) throws Exception {
    JsonNode report = BenchMain.run(BenchMain.parse(new String[] {
        "--scenario", "download", "--download-bytes", "8388608", "--rounds", "1", "--clients", "haul,raw-netty",
        "--origin", "testkit", "--files", dir.toString(), "--jvm-args", "-Xmx64m"}));
    assertThat(report.get("results")).hasSize(2);
    for (JsonNode row : report.get("results")) {
      // The workers fail on a wrong byte count or SHA-256.
      assertThat(row.has("failed")).as(row.toString()).isFalse();
      assertThat(row.has("load")).isFalse();
      assertThat(row.get("mbPerSec").asDouble()).isPositive();
      assertThat(row.get("rounds").get(0).get("sha256Verified").asBoolean()).isTrue();
      assertThat(row.get("allocatedMb").asDouble()).isPositive();
    }
    assertThat(report.get("results").get(1).get("ratioToRawNetty").get("mbPerSec").asDouble()).isEqualTo(1.0);
  }

  @Test
  void segmentedDownloadRunsTheDownloaderAndAPeerOverRangesAndChecksTheirFiles(@TempDir Path dir) throws Exception {
    JsonNode report = BenchMain.run(BenchMain.parse(new String[] {
        "--scenario", "segmented", "--segments", "4", "--download-bytes", "16777216", "--rounds", "1",
        "--clients", "haul-dl,okhttp,curl", "--origin", "testkit", "--files", dir.toString()}));
    assertThat(report.get("jvmArgs").asText()).isEqualTo("-Xms64m -Xmx64m");
    assertThat(report.get("segments").asInt()).isEqualTo(4);
    // The workers fail on a wrong SHA-256; the sum is kept beside the file for the next run.
    assertThat(Files.readString(dir.resolve("file-16777216.bin.sha256"))).hasSize(64);
    assertThat(report.get("results")).hasSize(2);
    for (JsonNode row : report.get("results")) {
      assertThat(row.has("failed")).as(row.toString()).isFalse();
      assertThat(row.get("mbPerSec").asDouble()).isPositive();
      assertThat(row.get("cpuSecPerGiB").asDouble()).isPositive();
      assertThat(row.get("peakHeapMb").asDouble()).isPositive();
    }
    assertThat(report.get("skipped").get(0).get("client").asText()).isEqualTo("curl");
    assertThat(BenchMain.markdown(report)).contains("4 segments, 16 MiB", "| haul-dl |", "Skipped: curl");
  }

  @Test
  void toolsAreComparedButAreNotTheBestPeer() {
    Map<String, List<JsonNode>> results = new LinkedHashMap<>();
    results.put("haul-dl", List.of(run(300, 3.0, 10.0)));
    results.put("okhttp", List.of(run(200, 4.0, 20.0)));
    results.put("aria2c", List.of(run(400, 2.0, Double.NaN)));
    ObjectNode report = BenchMain.summarize("segmented", 8, "nginx", 1, List.of("-Xmx64m"), results);
    JsonNode haul = report.get("results").get(0);
    assertThat(haul.get("ratioToBestPeer").get("mbPerSec").asDouble()).isEqualTo(1.5);
    assertThat(haul.get("ratioToBestPeer").get("peakHeapMb").asDouble()).isEqualTo(0.5);
    assertThat(haul.get("ratioToAria2c").get("mbPerSec").asDouble()).isEqualTo(0.75);
    JsonNode aria = report.get("results").get(2);
    assertThat(aria.has("peakHeapMb")).isFalse();
    assertThat(BenchMain.markdown(report)).contains("MB/s × aria2c", "| aria2c | 400 (400–400) | 2.00 |");
  }

  private static JsonNode run(double mbPerSec, double cpuSecPerGiB, double heapMb) {
    ObjectNode n = new ObjectMapper().createObjectNode();
    n.put("requests", 1).put("seconds", 1.0).put("bytes", mbPerSec * 1048576)
        .put("cpuSeconds", cpuSecPerGiB * mbPerSec / 1024).put("peakRssMb", 50);
    if (!Double.isNaN(heapMb)) {
      n.put("peakHeapMb", heapMb);
    }
    return n;
  }

  @Test
  void parsesOptions() {
    Map<String, String> m = BenchMain.parse(new String[] {"--scenario", "download", "--jvm-args", "-Xmx64m", "--flag"});
    assertThat(m).containsEntry("scenario", "download").containsEntry("jvm-args", "-Xmx64m").containsEntry("flag", "true");
  }
}
