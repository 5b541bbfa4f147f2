package dev.haul.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The comparison harness. Every client runs in its own JVM with the same flags, interleaved with
 * the others (A B C ... A B C ...) for several rounds, after a warm-up inside each JVM; the report
 * gives the median and min-max of each figure, and each figure as a ratio to the best peer (the
 * best non-Haul client) in the same run.
 *
 * <pre>
 * java -jar benchmarks/target/haul-bench.jar --scenario small-get --concurrency 64 --json out.json
 * java -jar benchmarks/target/haul-bench.jar --scenario download --jvm-args -Xmx64m
 * </pre>
 * Options: --scenario small-get|get-64k|download, --concurrency N, --rounds N (3), --seconds S (5),
 * --warmup S (3), --clients a,b,... (all), --origin auto|nginx|testkit, --jvm-args "...",
 * --files DIR, --json FILE.
 */
public final class BenchMain {

  private static final ObjectMapper JSON = new ObjectMapper();

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = parse(args);
    if (a.containsKey("help")) {
      System.out.println("usage: haul-bench --scenario small-get|get-64k|download [--concurrency N] [--rounds N]"
          + " [--seconds S] [--warmup S] [--clients " + String.join(",", Clients.names()) + "]"
          + " [--origin auto|nginx|testkit] [--jvm-args \"-Xmx256m\"] [--files DIR] [--json FILE]");
      return;
    }
    ObjectNode report = run(a);
    System.out.println(markdown(report));
    if (a.containsKey("json")) {
      Files.writeString(Path.of(a.get("json")), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    }
  }

  static ObjectNode run(Map<String, String> a) throws Exception {
    String scenario = a.getOrDefault("scenario", "small-get");
    boolean download = scenario.equals("download");
    int concurrency = download ? 1 : Integer.parseInt(a.getOrDefault("concurrency", "16"));
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));
    List<String> clients = Arrays.asList(a.getOrDefault("clients", String.join(",", Clients.names())).split(","));
    List<String> jvmArgs = a.containsKey("jvm-args") ? Arrays.asList(a.get("jvm-args").trim().split("\\s+"))
        : List.of("-Xms256m", "-Xmx256m");
    Path files = Path.of(a.getOrDefault("files", System.getProperty("java.io.tmpdir") + "/haul-bench-files"));
    long size = switch (scenario) {
      case "small-get" -> 100;
      case "get-64k" -> 64 * 1024;
      case "download" -> Long.parseLong(a.getOrDefault("download-bytes", Long.toString(1L << 30)));
      default -> throw new IllegalArgumentException("scenario: " + scenario + " (expected: small-get, get-64k, download)");
    };
    Files.createDirectories(files);
    String name = "file-" + size + ".bin";
    ensureFile(files.resolve(name), size);
    ensureFile(files.resolve("warmup.bin"), 64L << 20);

    Map<String, List<JsonNode>> results = new LinkedHashMap<>();
    clients.forEach(c -> results.put(c, new ArrayList<>()));
    String originKind;
    try (Origins origin = Origins.start(files, a.getOrDefault("origin", "auto"))) {
      originKind = origin.kind();
      for (int round = 1; round <= rounds; round++) {
        for (String client : clients) {
          List<String> cmd = new ArrayList<>();
          cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
          cmd.addAll(jvmArgs);
          cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Worker.class.getName(),
              "--client", client, "--scenario", scenario, "--concurrency", Integer.toString(concurrency),
              "--url", origin.url("/" + name).toString(), "--warmup-url", origin.url("/warmup.bin").toString(),
              "--expected-bytes", Long.toString(size),
              "--seconds", a.getOrDefault("seconds", "5"), "--warmup", a.getOrDefault("warmup", "3")));
          JsonNode r = runWorker(cmd, client);
          System.err.printf(Locale.ROOT, "round %d/%d %-14s %s%n", round, rounds, client, r);
          results.get(client).add(r);
        }
      }
    }
    return summarize(scenario, concurrency, originKind, rounds, jvmArgs, results);
  }

  private static JsonNode runWorker(List<String> cmd, String client) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    JsonNode result = null;
    StringBuilder log = new StringBuilder();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("RESULT ")) {
          result = JSON.readTree(line.substring(7));
        } else if (log.length() < 20_000) {
          log.append(line).append('\n');
        }
      }
    }
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || result == null) {
      p.destroyForcibly();
      ObjectNode failed = JSON.createObjectNode();
      failed.put("client", client);
      failed.put("failed", "exit " + (p.isAlive() ? "timeout" : p.exitValue()) + ": "
          + log.toString().lines().filter(l -> l.contains("Exception") || l.contains("Error")).findFirst().orElse(""));
      return failed;
    }
    return result;
  }

  static ObjectNode summarize(String scenario, int concurrency, String origin, int rounds, List<String> jvmArgs,
      Map<String, List<JsonNode>> results) {
    ObjectNode report = JSON.createObjectNode();
    report.put("scenario", scenario);
    report.put("concurrency", concurrency);
    report.put("origin", origin);
    report.put("rounds", rounds);
    report.put("jvmArgs", String.join(" ", jvmArgs));
    report.put("cores", Runtime.getRuntime().availableProcessors());
    ArrayNode arr = report.putArray("results");
    String[] metrics = {"reqPerSec", "cpuSecPer10k", "mbPerSec", "peakHeapMb", "peakRssMb", "cpuSecPerGiB"};
    Map<String, Map<String, double[]>> stats = new LinkedHashMap<>();
    for (Map.Entry<String, List<JsonNode>> e : results.entrySet()) {
      List<JsonNode> ok = e.getValue().stream().filter(n -> !n.has("failed")).toList();
      ObjectNode row = arr.addObject();
      row.put("client", e.getKey());
      row.put("runs", ok.size());
      if (ok.isEmpty()) {
        row.put("failed", e.getValue().isEmpty() ? "not run" : e.getValue().get(0).path("failed").asText());
        continue;
      }
      Map<String, double[]> m = new LinkedHashMap<>();
      for (String metric : metrics) {
        double[] values = ok.stream().mapToDouble(n -> value(n, metric)).toArray();
        m.put(metric, values);
      }
      stats.put(e.getKey(), m);
      ObjectNode min = JSON.createObjectNode();
      ObjectNode max = JSON.createObjectNode();
      for (String metric : metrics) {
        double[] v = m.get(metric).clone();
        Arrays.sort(v);
        row.put(metric, round(median(v)));
        min.put(metric, round(v[0]));
        max.put(metric, round(v[v.length - 1]));
      }
      row.set("min", min);
      row.set("max", max);
    }
    // Ratios to the best peer of the same run.
    for (JsonNode n : arr) {
      ObjectNode row = (ObjectNode) n;
      if (row.has("failed")) {
        continue;
      }
      ObjectNode ratio = row.putObject("ratioToBestPeer");
      for (String metric : metrics) {
        boolean higherIsBetter = metric.equals("reqPerSec") || metric.equals("mbPerSec");
        double best = Double.NaN;
        for (JsonNode other : arr) {
          if (other.has("failed") || Clients.isHaul(other.get("client").asText())) {
            continue;
          }
          double v = other.get(metric).asDouble();
          if (Double.isNaN(best) || (higherIsBetter ? v > best : v < best)) {
            best = v;
          }
        }
        if (!Double.isNaN(best) && best > 0) {
          ratio.put(metric, round(row.get(metric).asDouble() / best));
        }
      }
    }
    return report;
  }

  private static double value(JsonNode n, String metric) {
    double requests = n.get("requests").asDouble();
    double seconds = n.get("seconds").asDouble();
    double cpu = n.get("cpuSeconds").asDouble();
    double bytes = n.get("bytes").asDouble();
    return switch (metric) {
      case "reqPerSec" -> requests / seconds;
      case "cpuSecPer10k" -> cpu / requests * 10_000;
      case "mbPerSec" -> bytes / seconds / 1048576.0;
      case "cpuSecPerGiB" -> bytes == 0 ? 0 : cpu / (bytes / 1073741824.0);
      default -> n.get(metric).asDouble();
    };
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** The report as a Markdown table. */
  static String markdown(JsonNode report) {
    boolean download = report.get("scenario").asText().equals("download");
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "### %s, concurrency %d, origin %s, %d rounds, JVM %s, %d cores%n%n",
        report.get("scenario").asText(), report.get("concurrency").asInt(), report.get("origin").asText(),
        report.get("rounds").asInt(), report.get("jvmArgs").asText(), report.get("cores").asInt()));
    String[][] cols = download
        ? new String[][] {{"mbPerSec", "MB/s"}, {"cpuSecPerGiB", "CPU s/GiB"}, {"peakHeapMb", "peak heap MB"},
            {"peakRssMb", "peak RSS MB"}}
        : new String[][] {{"reqPerSec", "req/s"}, {"cpuSecPer10k", "CPU s/10k req"}, {"mbPerSec", "MB/s"},
            {"peakHeapMb", "peak heap MB"}, {"peakRssMb", "peak RSS MB"}};
    sb.append("| client |");
    for (String[] c : cols) {
      sb.append(' ').append(c[1]).append(" (min–max) | × best peer |");
    }
    sb.append('\n').append("|---|");
    sb.append("---|---|".repeat(cols.length)).append('\n');
    for (JsonNode row : report.get("results")) {
      sb.append("| ").append(row.get("client").asText()).append(" |");
      if (row.has("failed")) {
        sb.append(" failed: ").append(row.get("failed").asText()).append(" |\n");
        continue;
      }
      for (String[] c : cols) {
        sb.append(String.format(Locale.ROOT, " %s (%s–%s) | %s |", fmt(row.get(c[0]).asDouble()),
            fmt(row.get("min").get(c[0]).asDouble()), fmt(row.get("max").get(c[0]).asDouble()),
            row.path("ratioToBestPeer").has(c[0])
                ? String.format(Locale.ROOT, "%.2f", row.get("ratioToBestPeer").get(c[0]).asDouble()) : "–"));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String fmt(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
  }

  private static void ensureFile(Path file, long size) throws Exception {
    if (Files.exists(file) && Files.size(file) == size) {
      return;
    }
    byte[] buf = new byte[1 << 20];
    new Random(size).nextBytes(buf);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= buf.length) {
        out.write(buf, 0, (int) Math.min(buf.length, left));
      }
    }
  }

  /** {@code --key value} pairs (and bare {@code --flag}s). */
  static Map<String, String> parse(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + args[i]);
      }
      String key = args[i].substring(2);
      if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        m.put(key, args[++i]);
      } else if (key.equals("jvm-args") && i + 1 < args.length) {
        m.put(key, args[++i]);
      } else {
        m.put(key, "true");
      }
    }
    return m;
  }

}
