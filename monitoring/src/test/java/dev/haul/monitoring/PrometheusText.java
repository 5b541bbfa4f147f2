package dev.haul.monitoring;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Prometheus text format parsed by the Prometheus client's own parser (Python's
 * {@code prometheus_client.parser}, Debian package {@code python3-prometheus-client}, which
 * {@code .ci/run} installs): the Java client has none. A text the parser rejects fails the test.
 */
final class PrometheusText {

  record Sample(String family, String type, String name, Map<String, String> labels, double value) {}

  private PrometheusText() {}

  static List<Sample> parse(String text) throws IOException, InterruptedException {
    Path script = Files.createTempFile("prometheus_parse", ".py");
    try (InputStream in = PrometheusText.class.getResourceAsStream("/prometheus_parse.py")) {
      Files.write(script, in.readAllBytes());
    }
    try {
      Process p = new ProcessBuilder("/usr/bin/python3", script.toString()).redirectErrorStream(false).start();
      p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("the Prometheus parser refused the text (is python3-prometheus-client installed?): " + err);
      }
      JsonNode all = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build().readTree(out);
      List<Sample> samples = new ArrayList<>();
      for (JsonNode s : all) {
        Map<String, String> labels = new HashMap<>();
        s.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        samples.add(new Sample(s.path("family").asText(), s.path("type").asText(), s.path("name").asText(), labels,
            s.path("value").asDouble()));
      }
      return samples;
    } finally {
      Files.deleteIfExists(script);
    }
  }

  /** The value of the one sample named {@code name} with exactly these labels (besides others it may have none). */
  static double value(List<Sample> samples, String name, Map<String, String> labels) {
    List<Sample> found = samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels)).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one sample " + name + labels + ", found " + found.size() + ": "
          + samples.stream().filter(s -> s.name().equals(name)).toList());
    }
    return found.get(0).value();
  }
}
