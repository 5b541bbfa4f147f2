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
import java.util.Collections;
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
 * best client that is neither Haul's, nor a tool, nor the reference) and to the reference,
 * {@code raw-netty}, in the same run and the same load model.
 *
 * <pre>
 * java -jar benchmarks/target/haul-bench.jar --scenario small-get --concurrency 64 --load both --json out.json
 * java -jar benchmarks/target/haul-bench.jar --scenario download --jvm-args -Xmx64m
 * java -jar benchmarks/target/haul-bench.jar --scenario segmented --segments 8
 * </pre>
 * Options: --scenario small-get|get-64k|download|segmented, --concurrency N, --segments N (8),
 * --rounds N (3), --clients a,b,... (the scenario's), --origin auto|nginx|testkit, --jvm-args "...",
 * --files DIR, --download-bytes N, --json FILE; for the request scenarios --load
 * blocking|inflight|both (blocking), --warmup-requests N (20000), --window N (5000),
 * --warmup-max-requests N (5 x warm-up, at least 100000), --requests N (200000); for the downloads
 * also --fsync (every client's file is forced to disk inside the measured time, as Haul's
 * downloader does by itself), --profile (CPU seconds per thread group in the JSON), --dir DIR (where
 * the workers write).
 *
 * <p>{@code segmented} downloads one file over N connections: Haul's downloader ({@code haul-dl}),
 * the plain clients doing N ranges by hand, {@code aria2c -xN -sN} and (N = 1) {@code curl}; tools
 * that are not installed are skipped with a note. Every result file's SHA-256 is checked.
 */
public final class BenchMain {

  private static final ObjectMapper JSON = new ObjectMapper();

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = parse(args);
    if (a.containsKey("help")) {
      System.out.println("usage: haul-bench --scenario small-get|get-64k|download|segmented [--concurrency N]"
          + " [--load blocking|inflight|both] [--warmup-requests N] [--window N] [--warmup-max-requests N]"
          + " [--requests N] [--segments N] [--rounds N] [--clients " + String.join(",", Clients.names()) + "]"
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
    boolean download = scenario.equals("download") || scenario.equals("segmented");
    int segments = scenario.equals("segmented") ? Integer.parseInt(a.getOrDefault("segments", "8")) : 1;
    if (segments < 1) {
      throw new IllegalArgumentException("segments: " + segments + " (expected: >= 1)");
    }
    int concurrency = download ? segments : Integer.parseInt(a.getOrDefault("concurrency", "16"));
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));
    List<String> clients = a.containsKey("clients") ? Arrays.asList(a.get("clients").split(","))
        : Clients.defaultsFor(scenario);
    clients.forEach(c -> Clients.create(c)); // fails now on an unknown name
    for (String gone : List.of("seconds", "warmup")) {
      if (a.containsKey(gone)) {
        throw new IllegalArgumentException("--" + gone + " is gone: the request scenarios are measured by request count"
            + " (--warmup-requests, --requests)");
      }
    }
    List<LoadModel> loads = download ? List.of() : switch (a.getOrDefault("load", "blocking")) {
      case "both" -> List.of(LoadModel.BLOCKING, LoadModel.INFLIGHT);
      default -> List.of(LoadModel.of(a.getOrDefault("load", "blocking")));
    };
    long warmupRequests = positive(a, "warmup-requests", 20_000);
    long requests = positive(a, "requests", 200_000);
    long window = positive(a, "window", 5_000);
    long warmupMax = positive(a, "warmup-max-requests", Math.max(5 * warmupRequests, 100_000));
    if (!download && requests < concurrency) {
      throw new IllegalArgumentException("requests: " + requests + " (expected: >= concurrency " + concurrency + ")");
    }
    List<String> jvmArgs = a.containsKey("jvm-args") ? Arrays.asList(a.get("jvm-args").trim().split("\\s+"))
        : download ? List.of("-Xms64m", "-Xmx64m") : List.of("-XX:+UseParallelGC", "-Xms256m", "-Xmx256m");
    Path files = Path.of(a.getOrDefault("files", System.getProperty("java.io.tmpdir") + "/haul-bench-files"));
    long size = switch (scenario) {
      case "small-get" -> 100;
      case "get-64k" -> 64 * 1024;
      case "download", "segmented" -> Long.parseLong(a.getOrDefault("download-bytes", Long.toString(1L << 30)));
      default -> throw new IllegalArgumentException(
          "scenario: " + scenario + " (expected: small-get, get-64k, download, segmented)");
    };
    Files.createDirectories(files);
    String name = "file-" + size + ".bin";
    ensureFile(files.resolve(name), size);
    // The warm-up: 64 MiB, or the file's size when it is smaller (the harness's own tests).
    String warmup = "warmup-" + Math.min(size, 64L << 20) + ".bin";
    ensureFile(files.resolve(warmup), Math.min(size, 64L << 20));
    String sha256 = download ? sha256Of(files.resolve(name)) : null;

    Map<String, List<JsonNode>> results = new LinkedHashMap<>();
    Map<String, String> skipped = new LinkedHashMap<>();
    // A row is a client in one load model ("haul@inflight"); the downloads have one model, no suffix.
    for (LoadModel load : loads.isEmpty() ? Collections.<LoadModel>singletonList(null) : loads) {
      for (String c : clients) {
        String row = load == null ? c : c + "@" + load.id();
        Clients.unavailable(c, segments, load).ifPresentOrElse(why -> skipped.put(row, why),
            () -> results.put(row, new ArrayList<>()));
      }
    }
    String originKind;
    try (Origins origin = Origins.start(files, a.getOrDefault("origin", "auto"))) {
      originKind = origin.kind();
      for (int round = 1; round <= rounds; round++) {
        for (String row : results.keySet()) {
          String client = row.contains("@") ? row.substring(0, row.indexOf('@')) : row;
          List<String> cmd = new ArrayList<>();
          cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
          cmd.addAll(jvmArgs);
          cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Worker.class.getName(),
              "--client", client, "--scenario", scenario, "--concurrency", Integer.toString(concurrency),
              "--url", origin.url("/" + name).toString(), "--warmup-url", origin.url("/" + warmup).toString(),
              "--expected-bytes", Long.toString(size), "--segments", Integer.toString(segments)));
          if (row.contains("@")) {
            cmd.addAll(List.of("--load", row.substring(row.indexOf('@') + 1),
                "--warmup-requests", Long.toString(warmupRequests), "--window", Long.toString(window),
                "--warmup-max-requests", Long.toString(warmupMax), "--requests", Long.toString(requests)));
          }
          if (sha256 != null) {
            cmd.addAll(List.of("--expected-sha256", sha256));
          }
          for (String flag : List.of("fsync", "profile")) {
            if (a.containsKey(flag)) {
              cmd.add("--" + flag);
            }
          }
          if (a.containsKey("dir")) {
            cmd.addAll(List.of("--dir", a.get("dir")));
          }
          JsonNode r = runWorker(cmd, client);
          System.err.printf(Locale.ROOT, "round %d/%d %-23s %s%n", round, rounds, row, r);
          results.get(row).add(r);
        }
      }
    }
    ObjectNode report = summarize(scenario, concurrency, originKind, rounds, jvmArgs, results);
    report.put("bytes", size);
    report.put("segments", segments);
    report.put("fsync", a.containsKey("fsync"));
    if (!download) {
      ObjectNode m = report.putObject("measurement");
      m.put("warmupRequests", warmupRequests);
      m.put("window", window);
      m.put("settleTolerance", LoadRunner.SETTLE_TOLERANCE);
      m.put("warmupMaxRequests", warmupMax);
      m.put("requests", requests);
      m.put("steadyState", requests >= 100_000);
    }
    ArrayNode skips = report.putArray("skipped");
    skipped.forEach((row, why) -> {
      ObjectNode skip = skips.addObject().put("client", row.contains("@") ? row.substring(0, row.indexOf('@')) : row);
      if (row.contains("@")) {
        skip.put("load", row.substring(row.indexOf('@') + 1));
      }
      skip.put("reason", why);
    });
    return report;
  }

  private static long positive(Map<String, String> a, String key, long fallback) {
    long v = a.containsKey(key) ? Long.parseLong(a.get(key)) : fallback;
    if (v < 1) {
      throw new IllegalArgumentException(key + ": " + v + " (expected: >= 1)");
    }
    return v;
  }

  /** The SHA-256 of {@code file}, kept beside it in {@code FILE.sha256} for the next run. */
  static String sha256Of(Path file) throws Exception {
    Path sidecar = file.resolveSibling(file.getFileName() + ".sha256");
    if (Files.exists(sidecar) && Files.getLastModifiedTime(sidecar).compareTo(Files.getLastModifiedTime(file)) >= 0) {
      return Files.readString(sidecar).trim();
    }
    String sha = Worker.sha256(file);
    Files.writeString(sidecar, sha);
    return sha;
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

  /**
   * The figures of each row ({@code client} or {@code client@load}): median and min-max over the
   * rounds, and ratios to the best peer and to the reference, each within the row's load model.
   */
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
    String[] metrics = {"reqPerSec", "cpuSecPer10k", "allocBytesPerReq", "mbPerSec", "peakHeapMb", "peakRssMb",
        "cpuSecPerGiB", "heapAfterGcMb", "allocatedMb", "gcSeconds"};
    for (Map.Entry<String, List<JsonNode>> e : results.entrySet()) {
      List<JsonNode> ok = e.getValue().stream().filter(n -> !n.has("failed")).toList();
      ObjectNode row = arr.addObject();
      String key = e.getKey();
      row.put("client", key.contains("@") ? key.substring(0, key.indexOf('@')) : key);
      if (key.contains("@")) {
        row.put("load", key.substring(key.indexOf('@') + 1));
      }
      row.put("runs", ok.size());
      row.putArray("rounds").addAll(e.getValue()); // every worker's own figures (threads, events, JVM)
      if (ok.isEmpty()) {
        row.put("failed", e.getValue().isEmpty() ? "not run" : e.getValue().get(0).path("failed").asText());
        continue;
      }
      if (!report.has("jvm") && ok.get(0).has("jvm")) {
        report.set("jvm", ok.get(0).get("jvm")); // flags, collectors and heap bounds, the same for every worker
      }
      long unsettled = ok.stream().filter(n -> n.has("warmupSettled") && !n.get("warmupSettled").asBoolean()).count();
      if (unsettled > 0) {
        row.put("warmupUnsettledRuns", unsettled);
      }
      ObjectNode min = JSON.createObjectNode();
      ObjectNode max = JSON.createObjectNode();
      for (String metric : metrics) {
        // A figure a client does not have (the heap of a command-line tool) is left out.
        double[] v = ok.stream().mapToDouble(n -> value(n, metric)).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length > 0) {
          row.put(metric, round(median(v)));
          min.put(metric, round(v[0]));
          max.put(metric, round(v[v.length - 1]));
        }
      }
      row.set("min", min);
      row.set("max", max);
    }
    // Ratios to aria2c, to the best peer (the best Java library client that is not Haul's) and to
    // the reference (raw Netty), each among the rows of the same load model.
    JsonNode aria2c = null;
    for (JsonNode n : arr) {
      if (n.get("client").asText().equals("aria2c") && !n.has("failed")) {
        aria2c = n;
      }
    }
    for (JsonNode n : arr) {
      ObjectNode row = (ObjectNode) n;
      if (row.has("failed")) {
        continue;
      }
      if (aria2c != null) {
        ObjectNode ratio = row.putObject("ratioToAria2c");
        for (String metric : new String[] {"mbPerSec", "cpuSecPerGiB"}) {
          if (aria2c.get(metric).asDouble() > 0) {
            ratio.put(metric, round(row.get(metric).asDouble() / aria2c.get(metric).asDouble()));
          }
        }
      }
      String load = row.path("load").asText("");
      JsonNode reference = null;
      for (JsonNode other : arr) {
        if (Clients.isReference(other.get("client").asText()) && !other.has("failed")
            && other.path("load").asText("").equals(load)) {
          reference = other;
        }
      }
      ObjectNode ratio = row.putObject("ratioToBestPeer");
      ObjectNode toReference = reference == null ? null : row.putObject("ratioToRawNetty");
      for (String metric : metrics) {
        if (!row.has(metric)) {
          continue;
        }
        boolean higherIsBetter = metric.equals("reqPerSec") || metric.equals("mbPerSec");
        double best = Double.NaN;
        for (JsonNode other : arr) {
          String c = other.get("client").asText();
          if (other.has("failed") || Clients.isHaul(c) || Clients.isTool(c) || Clients.isReference(c)
              || !other.has(metric) || !other.path("load").asText("").equals(load)) {
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
        if (reference != null && reference.has(metric) && reference.get(metric).asDouble() > 0) {
          toReference.put(metric, round(row.get(metric).asDouble() / reference.get(metric).asDouble()));
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
      default -> n.has(metric) ? n.get(metric).asDouble() : Double.NaN;
    };
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** The report as a Markdown table, with how it was measured above it and the skipped clients below. */
  static String markdown(JsonNode report) {
    String scenario = report.get("scenario").asText();
    boolean download = scenario.equals("download") || scenario.equals("segmented");
    StringBuilder sb = new StringBuilder();
    String what = scenario.equals("segmented")
        ? String.format(Locale.ROOT, "%s, %d segment%s, %s", scenario, report.path("segments").asInt(1),
            report.path("segments").asInt(1) == 1 ? "" : "s", size(report.path("bytes").asLong()))
        : String.format(Locale.ROOT, "%s, concurrency %d", scenario, report.get("concurrency").asInt());
    sb.append(String.format(Locale.ROOT, "### %s%s, origin %s, %d rounds, JVM %s, %d cores%n%n",
        what, report.path("fsync").asBoolean() ? ", fsync inside the measured time" : "", report.get("origin").asText(),
        report.get("rounds").asInt(), report.get("jvmArgs").asText(), report.get("cores").asInt()));
    JsonNode jvm = report.path("jvm");
    if (jvm.has("collectors")) {
      List<String> gcs = new ArrayList<>();
      jvm.get("collectors").forEach(g -> gcs.add(g.asText()));
      sb.append(String.format(Locale.ROOT, "JVM %s, collectors %s, heap %s MB initial and %s MB usable at most"
              + " (as the JVM reports them).%n", jvm.path("version").asText(),
          String.join(" + ", gcs), fmt(jvm.path("initialHeapMb").asDouble()), fmt(jvm.path("maxHeapMb").asDouble())));
    }
    JsonNode m = report.path("measurement");
    if (m.has("requests")) {
      sb.append(String.format(Locale.ROOT, "Warm-up: at least %d requests, in windows of %d, until two consecutive"
              + " windows are within %.0f %% (at most %d); then %d requests measured%s. Allocation: bytes allocated"
              + " by the live threads of the client JVM in the measured window, per request (threads that end inside"
              + " the window are not counted).%n",
          m.get("warmupRequests").asLong(), m.get("window").asLong(), m.get("settleTolerance").asDouble() * 100,
          m.get("warmupMaxRequests").asLong(), m.get("requests").asLong(),
          m.get("steadyState").asBoolean() ? "" : " (fewer than 100k: a smoke run, not a steady-state figure)"));
    }
    sb.append('\n');
    String[][] cols = download
        ? new String[][] {{"mbPerSec", "MB/s"}, {"cpuSecPerGiB", "CPU s/GiB"}, {"peakHeapMb", "peak heap MB"},
            {"heapAfterGcMb", "heap after GC MB"}, {"peakRssMb", "peak RSS MB"}}
        : new String[][] {{"reqPerSec", "req/s"}, {"cpuSecPer10k", "CPU s/10k req"},
            {"allocBytesPerReq", "alloc B/req"}, {"peakHeapMb", "peak heap MB"}, {"peakRssMb", "peak RSS MB"}};
    boolean aria = false;
    boolean reference = false;
    boolean loads = false;
    for (JsonNode row : report.get("results")) {
      aria |= row.has("ratioToAria2c");
      reference |= row.has("ratioToRawNetty");
      loads |= row.has("load");
    }
    sb.append("| client |").append(loads ? " load |" : "");
    for (String[] c : cols) {
      sb.append(' ').append(c[1]).append(" (min–max) | × best peer |").append(reference ? " × raw Netty |" : "");
    }
    if (aria) {
      sb.append(" MB/s × aria2c |");
    }
    sb.append('\n').append("|---|").append(loads ? "---|" : "");
    sb.append((reference ? "---|---|---|" : "---|---|").repeat(cols.length)).append(aria ? "---|" : "").append('\n');
    for (JsonNode row : report.get("results")) {
      sb.append("| ").append(row.get("client").asText()).append(" |");
      if (loads) {
        sb.append(' ').append(row.path("load").asText("–")).append(" |");
      }
      if (row.has("failed")) {
        sb.append(" failed: ").append(row.get("failed").asText()).append(" |\n");
        continue;
      }
      for (String[] c : cols) {
        if (!row.has(c[0])) {
          sb.append(reference ? " – | – | – |" : " – | – |");
          continue;
        }
        sb.append(String.format(Locale.ROOT, " %s (%s–%s) | %s |", fmt(row.get(c[0]).asDouble()),
            fmt(row.get("min").get(c[0]).asDouble()), fmt(row.get("max").get(c[0]).asDouble()),
            ratio(row.path("ratioToBestPeer"), c[0])));
        if (reference) {
          sb.append(' ').append(ratio(row.path("ratioToRawNetty"), c[0])).append(" |");
        }
      }
      if (aria) {
        sb.append(String.format(Locale.ROOT, " %.2f |", row.path("ratioToAria2c").path("mbPerSec").asDouble()));
      }
      sb.append('\n');
    }
    for (JsonNode row : report.get("results")) {
      if (row.has("warmupUnsettledRuns")) {
        sb.append(String.format(Locale.ROOT, "%n%s%s: the warm-up did not settle within 5 %% in %d run(s).",
            row.get("client").asText(), row.has("load") ? " (" + row.get("load").asText() + ")" : "",
            row.get("warmupUnsettledRuns").asInt()));
      }
    }
    for (JsonNode skip : report.path("skipped")) {
      sb.append("\nSkipped: ").append(skip.get("client").asText())
          .append(skip.has("load") ? " in the " + skip.get("load").asText() + " model" : "")
          .append(" (").append(skip.get("reason").asText()).append(").");
    }
    if (report.path("skipped").size() > 0) {
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String ratio(JsonNode ratios, String metric) {
    return ratios.has(metric) ? String.format(Locale.ROOT, "%.2f", ratios.get(metric).asDouble()) : "–";
  }

  private static String size(long bytes) {
    return bytes % (1L << 30) == 0 ? bytes / (1L << 30) + " GiB" : bytes % (1L << 20) == 0 ? bytes / (1L << 20) + " MiB"
        : bytes + " bytes";
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
