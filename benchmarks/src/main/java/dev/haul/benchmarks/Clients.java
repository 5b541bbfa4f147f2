package dev.haul.benchmarks;

import dev.haul.benchmarks.clients.ApacheAsyncBench;
import dev.haul.benchmarks.clients.ApacheBench;
import dev.haul.benchmarks.clients.ExternalBench;
import dev.haul.benchmarks.clients.HaulBench;
import dev.haul.benchmarks.clients.HaulDownloaderBench;
import dev.haul.benchmarks.clients.JdkBench;
import dev.haul.benchmarks.clients.OkHttpBench;
import dev.haul.benchmarks.clients.RawNettyBench;
import dev.haul.benchmarks.clients.ReactorNettyBench;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The clients the harness knows, by name. */
public final class Clients {

  private static final Map<String, Supplier<BenchClient>> ALL = new LinkedHashMap<>();
  /** The clients of the request scenarios (each in the load models its API has). */
  private static final List<String> REQUESTS =
      List.of("raw-netty", "haul", "haul-tuned", "okhttp", "apache", "apache-async", "jdk", "reactor-netty");
  /** The clients of the one-stream {@code download}. */
  private static final List<String> DOWNLOAD =
      List.of("raw-netty", "haul", "haul-tuned", "okhttp", "apache", "jdk", "reactor-netty");
  /** The clients of the {@code segmented} scenario: the downloader, the manual-range peers, the tools. */
  private static final List<String> SEGMENTED =
      List.of("raw-netty", "haul-dl", "haul", "okhttp", "apache", "reactor-netty", "curl", "aria2c");
  /** The reference client: the limit the others are compared with, not a peer. */
  public static final String REFERENCE = "raw-netty";

  static {
    ALL.put("haul", () -> new HaulBench(false));
    ALL.put("haul-tuned", () -> new HaulBench(true));
    ALL.put("haul-dl", HaulDownloaderBench::new);
    ALL.put("okhttp", OkHttpBench::new);
    ALL.put("apache", ApacheBench::new);
    ALL.put("apache-async", ApacheAsyncBench::new);
    ALL.put("jdk", JdkBench::new);
    ALL.put("reactor-netty", ReactorNettyBench::new);
    ALL.put("raw-netty", RawNettyBench::new);
    ALL.put("curl", ExternalBench::curl);
    ALL.put("aria2c", ExternalBench::aria2c);
  }

  private Clients() {}

  public static List<String> names() {
    return List.copyOf(ALL.keySet());
  }

  /** The clients a scenario runs unless {@code --clients} says otherwise. */
  public static List<String> defaultsFor(String scenario) {
    return switch (scenario) {
      case "segmented" -> SEGMENTED;
      case "download" -> DOWNLOAD;
      default -> REQUESTS;
    };
  }

  public static BenchClient create(String name) {
    Supplier<BenchClient> s = ALL.get(name);
    if (s == null) {
      throw new IllegalArgumentException("client: " + name + " (expected: one of " + names() + ")");
    }
    return s.get();
  }

  /**
   * Why {@code name} cannot run {@code segments} connections here, if it cannot: a tool that is
   * not installed, one-stream tools asked for more, request clients without a range download.
   */
  public static Optional<String> unavailable(String name, int segments) {
    return unavailable(name, segments, null);
  }

  /**
   * Why {@code name} cannot run here, if it cannot: {@link #unavailable(String, int)} for the
   * downloads ({@code load} null), or no API for {@code load} in the request scenarios.
   */
  public static Optional<String> unavailable(String name, int segments, LoadModel load) {
    BenchClient c = create(name);
    if (load != null) {
      if (c instanceof ExternalBench) {
        return Optional.of(name + " only downloads");
      }
      return c.unsupported(load);
    }
    if (name.equals("apache-async")) {
      return Optional.of(name + " is measured in the request scenarios only");
    }
    if (c instanceof ExternalBench e && e.executable().isEmpty()) {
      return Optional.of(name + " is not installed");
    }
    if (segments > 1 && (name.equals("curl") || name.equals("jdk") || name.equals("haul-tuned"))) {
      return Optional.of(name + " is measured in one stream only");
    }
    return Optional.empty();
  }

  /** Whether the client is a command-line tool run as a child process ({@code curl}, {@code aria2c}). */
  public static boolean isTool(String name) {
    return name.equals("curl") || name.equals("aria2c");
  }

  /** Whether the client is the reference ({@code raw-netty}): compared with, but not a peer. */
  public static boolean isReference(String name) {
    return name.equals(REFERENCE);
  }

  /** Whether the client is Haul's (the others are the peers). */
  public static boolean isHaul(String name) {
    return name.startsWith("haul");
  }
}
