package dev.haul.benchmarks;

import dev.haul.benchmarks.clients.ApacheBench;
import dev.haul.benchmarks.clients.HaulBench;
import dev.haul.benchmarks.clients.JdkBench;
import dev.haul.benchmarks.clients.OkHttpBench;
import dev.haul.benchmarks.clients.ReactorNettyBench;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The clients the harness knows, by name. */
public final class Clients {

  private static final Map<String, Supplier<BenchClient>> ALL = new LinkedHashMap<>();

  static {
    ALL.put("haul", () -> new HaulBench(false));
    ALL.put("haul-tuned", () -> new HaulBench(true));
    ALL.put("okhttp", OkHttpBench::new);
    ALL.put("apache", ApacheBench::new);
    ALL.put("jdk", JdkBench::new);
    ALL.put("reactor-netty", ReactorNettyBench::new);
  }

  private Clients() {}

  public static List<String> names() {
    return List.copyOf(ALL.keySet());
  }

  public static BenchClient create(String name) {
    Supplier<BenchClient> s = ALL.get(name);
    if (s == null) {
      throw new IllegalArgumentException("client: " + name + " (expected: one of " + names() + ")");
    }
    return s.get();
  }

  /** Whether the client is Haul's (the others are the peers). */
  public static boolean isHaul(String name) {
    return name.startsWith("haul");
  }
}
