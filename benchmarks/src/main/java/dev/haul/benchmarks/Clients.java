package dev.haul.benchmarks;

import dev.haul.benchmarks.clients.ApacheBench;
import dev.haul.benchmarks.clients.ExternalBench;
import dev.haul.benchmarks.clients.HaulBench;
import dev.haul.benchmarks.clients.HaulDownloaderBench;
import dev.haul.benchmarks.clients.JdkBench;
import dev.haul.benchmarks.clients.OkHttpBench;
import dev.haul.benchmarks.clients.ReactorNettyBench;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The clients the harness knows, by name. */
public final class Clients {

  private static final Map<String, Supplier<BenchClient>> ALL = new LinkedHashMap<>();
  /** The clients of the request scenarios (and of the one-stream {@code download}). */
  private static final List<String> REQUESTS = List.of("haul", "haul-tuned", "okhttp", "apache", "jdk", "reactor-netty");
  /** The clients of the {@code segmented} scenario: the downloader, the manual-range peers, the tools. */
  private static final List<String> SEGMENTED =
      List.of("haul-dl", "haul", "okhttp", "apache", "reactor-netty", "curl", "aria2c");

  static {
    ALL.put("haul", () -> new HaulBench(false));
    ALL.put("haul-tuned", () -> new HaulBench(true));
    ALL.put("haul-dl", HaulDownloaderBench::new);
    ALL.put("okhttp", OkHttpBench::new);
    ALL.put("apache", ApacheBench::new);
    ALL.put("jdk", JdkBench::new);
    ALL.put("reactor-netty", ReactorNettyBench::new);
    ALL.put("curl", ExternalBench::curl);
    ALL.put("aria2c", ExternalBench::aria2c);
  }

  private Clients() {}

  public static List<String> names() {
    return List.copyOf(ALL.keySet());
  }

  /** The clients a scenario runs unless {@code --clients} says otherwise. */
  public static List<String> defaultsFor(String scenario) {
    return scenario.equals("segmented") ? SEGMENTED : REQUESTS;
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
    BenchClient c = create(name);
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

  /** Whether the client is Haul's (the others are the peers). */
  public static boolean isHaul(String name) {
    return name.startsWith("haul");
  }
}
