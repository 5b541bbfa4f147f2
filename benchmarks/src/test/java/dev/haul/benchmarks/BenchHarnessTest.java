package dev.haul.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
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
  void parsesOptions() {
    Map<String, String> m = BenchMain.parse(new String[] {"--scenario", "download", "--jvm-args", "-Xmx64m", "--flag"});
    assertThat(m).containsEntry("scenario", "download").containsEntry("jvm-args", "-Xmx64m").containsEntry("flag", "true");
  }
}
