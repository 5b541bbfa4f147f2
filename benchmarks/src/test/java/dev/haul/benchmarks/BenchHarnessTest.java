package dev.haul.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

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
  void runsWorkersAndReportsRatiosToTheBestPeer(@TempDir Path dir) throws Exception {
    JsonNode report = BenchMain.run(BenchMain.parse(new String[] {
        "--scenario", "small-get", "--concurrency", "2", "--rounds", "1", "--seconds", "1", "--warmup", "0.5",
        "--clients", "haul,jdk", "--origin", "testkit", "--files", dir.toString(), "--jvm-args", "-Xmx128m"}));
    assertThat(report.get("origin").asText()).isEqualTo("testkit");
    assertThat(report.get("results")).hasSize(2);
    for (JsonNode row : report.get("results")) {
      assertThat(row.has("failed")).as(row.toString()).isFalse();
      assertThat(row.get("reqPerSec").asDouble()).isPositive();
      assertThat(row.get("cpuSecPer10k").asDouble()).isPositive();
      assertThat(row.get("peakHeapMb").asDouble()).isPositive();
      assertThat(row.get("peakRssMb").asDouble()).isPositive();
    }
    JsonNode jdk = report.get("results").get(1);
    assertThat(jdk.get("ratioToBestPeer").get("reqPerSec").asDouble()).isEqualTo(1.0);
    assertThat(BenchMain.markdown(report)).contains("| haul |", "| jdk |", "× best peer");
  }

  @Test
  void downloadChecksTheBytes(@TempDir Path dir) throws Exception {
    JsonNode report = BenchMain.run(BenchMain.parse(new String[] {
        "--scenario", "download", "--download-bytes", "8388608", "--rounds", "1", "--clients", "haul",
        "--origin", "testkit", "--files", dir.toString(), "--jvm-args", "-Xmx64m"}));
    JsonNode row = report.get("results").get(0);
    assertThat(row.has("failed")).as(row.toString()).isFalse();
    assertThat(row.get("mbPerSec").asDouble()).isPositive();
  }

  @Test
  void segmentedDownloadRunsTheDownloaderAndAPeerOverRangesAndChecksTheirFiles(@TempDir Path dir) throws Exception {
    JsonNode report = BenchMain.run(BenchMain.parse(new String[] {
        "--scenario", "segmented", "--segments", "4", "--download-bytes", "2097152", "--rounds", "1",
        "--clients", "haul-dl,okhttp,curl", "--origin", "testkit", "--files", dir.toString()}));
    assertThat(report.get("jvmArgs").asText()).isEqualTo("-Xms64m -Xmx64m");
    assertThat(report.get("segments").asInt()).isEqualTo(4);
    // The workers fail on a wrong SHA-256; the sum is kept beside the file for the next run.
    assertThat(Files.readString(dir.resolve("file-2097152.bin.sha256"))).hasSize(64);
    assertThat(report.get("results")).hasSize(2);
    for (JsonNode row : report.get("results")) {
      assertThat(row.has("failed")).as(row.toString()).isFalse();
      assertThat(row.get("mbPerSec").asDouble()).isPositive();
      assertThat(row.get("cpuSecPerGiB").asDouble()).isPositive();
      assertThat(row.get("peakHeapMb").asDouble()).isPositive();
    }
    assertThat(report.get("skipped").get(0).get("client").asText()).isEqualTo("curl");
    assertThat(BenchMain.markdown(report)).contains("4 segments, 2 MiB", "| haul-dl |", "Skipped: curl");
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
