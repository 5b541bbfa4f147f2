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
import dev.haul.config.ConfigSource;
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
        "With -o the body streams to FILE.part (created new, owner-only, never through a symlink) and is renamed to"
            + " FILE only when complete and, with --sha256, verified; a broken connection resumes from the last byte"
            + " when the server has an ETag and answers with the exact Content-Range, otherwise it restarts from zero.",
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

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the body to FILE instead of stdout")
  Path output;

  @Option(names = {"-H", "--header"}, paramLabel = "'Name: value'", description = "add a request header (repeatable)")
  List<String> headers = new ArrayList<>();

  @Option(names = "--bearer-env", paramLabel = "VAR",
      description = "read a Bearer key from environment variable VAR; it is sent only to URL's origin")
  String bearerEnv;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "deadline for the whole call, e.g. 30s or 10m")
  String timeout;

  @Option(names = "--retries", paramLabel = "N",
      description = "retries (and resumes) at most (default: haul.retry.max-retries, which defaults to 3)")
  Integer retries;

  @Option(names = "--sha256", paramLabel = "HEX", description = "expected SHA-256 of the body")
  String sha256;

  @Option(names = "--json", description = "print one JSON summary line (stdout with -o, stderr otherwise); with -o its"
      + " status is the download's as a whole: 200 for a complete file even if its last part came in a 206")
  boolean json;

  private int maxResumes;
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
    maxResumes = haulConfig.retry().maxRetries();
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
    try (HaulClient client = builder.build()) {
      return output != null ? toFile(client, request, out, err) : toStdout(client, request, err);
    }
  }

  private Request request() {
    Request.Builder b;
    try {
      if (output != null && (output.getFileName() == null || output.getFileName().toString().isEmpty())) {
        throw new IllegalArgumentException("-o: '" + output + "' has no file name (expected: a file path)");
      }
      b = Request.newBuilder(url);
      for (int i = 0; i < headers.size(); i++) {
        header(b, i + 1, headers.get(i));
      }
      Request r = b.build();
      if (output != null && (r.headers().contains("Range") || r.headers().contains("If-Range"))) {
        // -o manages ranges itself (resume); a user range would be saved as if it were the file.
        throw new IllegalArgumentException("-H Range and -H If-Range cannot be combined with -o"
            + " (haul get -o resumes by itself; without -o a range is written to stdout)");
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
    Progress progress = Progress.auto(System.err, output.getFileName().toString(), json);
    FileDownload.Result r = new FileDownload(client, progress, maxResumes, downloadTimeout)
        .toFile(request, output, sha256);
    if (r.status() == 304) {
      err.println("haul: " + request + " answered 304 (Not Modified); " + output + " left as it was");
      summary(out, r.status(), 0, r.elapsed(), null, r.attempts(), r.redirects());
      return HaulCli.OK;
    }
    if (r.status() >= 400 || r.file() == null) {
      err.println("haul: " + request + " answered " + r.status() + (r.bytes() > 0
          ? " to a resume after " + r.bytes() + " bytes; the partial download was removed and " + output
              + " left as it was"
          : "; " + output + " was not written"));
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
