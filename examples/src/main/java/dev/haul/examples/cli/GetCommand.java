package dev.haul.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.haul.BearerAuth;
import dev.haul.BodyHandlers;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.Request;
import dev.haul.Response;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code haul get URL [-o FILE] ...}: fetch a URL through the full Haul stack. */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = {"Fetch URL through Haul (pooling, retries, redirects, strict parsing).",
        "With -o the body streams to FILE.part and is renamed to FILE only when complete and, with --sha256, verified;"
            + " a broken connection resumes from the last byte when the server has an ETag."})
final class GetCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "URL", description = "http or https URL")
  String url;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the body to FILE instead of stdout")
  Path output;

  @Option(names = {"-H", "--header"}, paramLabel = "'Name: value'", description = "add a request header (repeatable)")
  List<String> headers = new ArrayList<>();

  @Option(names = "--bearer-env", paramLabel = "VAR",
      description = "read a Bearer key from environment variable VAR; it is sent only to URL's origin")
  String bearerEnv;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "deadline for the whole call, e.g. 30s or 10m")
  String timeout;

  @Option(names = "--retries", paramLabel = "N", defaultValue = "3", description = "retries (and resumes) at most (default: ${DEFAULT-VALUE})")
  int retries;

  @Option(names = "--sha256", paramLabel = "HEX", description = "expected SHA-256 of the body")
  String sha256;

  @Option(names = "--json", description = "print one JSON summary line (stdout with -o, stderr otherwise)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Request request = request();
    HaulConfig.Builder config = HaulConfig.builder().retryMaxRetries(retries);
    if (timeout != null) {
      config.callTimeout(parseDuration(timeout));
    }
    Haul.Builder builder = Haul.newBuilder().config(config.build())
        .transport(new NettyTransport(NettyTransportConfig.from(dev.haul.ConfigSource.system())));
    if (bearerEnv != null) {
      String key = System.getenv(bearerEnv);
      if (key == null || key.isBlank()) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "environment variable " + bearerEnv + " is not set");
      }
      builder.bearerAuth(BearerAuth.of(key.trim(), request.origin()));
    }
    try (HaulClient client = builder.build()) {
      return output != null ? toFile(client, request, out, err) : toStdout(client, request, err);
    }
  }

  private Request request() {
    Request.Builder b;
    try {
      b = Request.newBuilder(url);
      for (String h : headers) {
        int colon = h.indexOf(':');
        if (colon <= 0) {
          throw new IllegalArgumentException("header '" + h + "' (expected: 'Name: value')");
        }
        b.header(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private Duration parseDuration(String text) {
    try {
      // The configuration's own parser: 30s, 10m, 500ms or ISO-8601.
      Duration d = HaulConfig.from(dev.haul.ConfigSource.fromMap(Map.of("haul.timeout.call", text)))
          .callTimeout().orElseThrow();
      return d;
    } catch (RuntimeException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--timeout: '" + text + "' (expected: a positive duration such as 30s or 10m)");
    }
  }

  private int toFile(HaulClient client, Request request, PrintWriter out, PrintWriter err) throws Exception {
    Progress progress = Progress.auto(System.err, output.getFileName().toString(), json);
    FileDownload.Result r = new FileDownload(client, progress, retries).toFile(request, output, sha256);
    if (r.status() >= 300) {
      err.println("haul: " + request + " answered " + r.status() + "; nothing was written");
      summary(out, r.status(), 0, r.elapsed(), null, r.attempts(), r.redirects());
      return HaulCli.HTTP_STATUS;
    }
    summary(out, r.status(), r.bytes(), r.elapsed(), r.sha256(), r.attempts(), r.redirects());
    return HaulCli.OK;
  }

  private int toStdout(HaulClient client, Request request, PrintWriter err) throws Exception {
    long start = System.nanoTime();
    Response<InputStream> r = client.send(request, BodyHandlers.ofInputStream());
    MessageDigest sha = FileDownload.sha256();
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
    summary(err, r.status(), n, Duration.ofNanos(System.nanoTime() - start), hex, r.attempts(), r.redirects().size());
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

  private void summary(PrintWriter w, int status, long bytes, Duration elapsed, String hex, int attempts,
      int redirects) throws Exception {
    if (!json) {
      return;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", status);
    m.put("bytes", bytes);
    m.put("seconds", elapsed.toNanos() / 1e9);
    m.put("sha256", hex);
    m.put("attempts", attempts);
    m.put("redirects", redirects);
    if (output != null) {
      m.put("file", output.toString());
    }
    m.put("url", dev.haul.Redaction.uri(URI.create(url)));
    w.println(new ObjectMapper().writeValueAsString(m));
    w.flush();
  }
}
