package dev.haul.download.internal;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.function.DoubleSupplier;

/**
 * The downloader's memory budget: the bytes all downloads may have in flight at once, counted in
 * connections. Each connection of a download holds at most about {@link #PER_CONNECTION} of
 * buffers (the transport reads ahead at most 1 MiB into memory while the previous 1 MiB is being
 * written to disk), so the budget is a number of connection permits shared by every download.
 *
 * <p>Under memory pressure (heap or direct buffers above {@link #PRESSURE} of their maximum) the
 * budget shrinks to one connection per download: no connection is started beyond a download's
 * first, and every connection's read-ahead drops from the transport's 1 MiB to
 * {@link #PRESSED_READ_AHEAD} at the next {@link #sample} (a few times a second), so buffers
 * shrink at once and connections as they finish their ranges, before any is dropped.
 */
final class MemoryBudget {

  /** The most memory one connection of a download holds in buffers. */
  static final long PER_CONNECTION = 2L * 1024 * 1024;
  /** The share of heap or direct memory above which the budget shrinks. */
  static final double PRESSURE = 0.85;
  /** What a connection may read ahead of the disk under pressure (instead of the transport's 1 MiB). */
  static final long PRESSED_READ_AHEAD = 64 * 1024;

  private final int permits;
  private final DoubleSupplier pressure;
  private int used; // guarded by this
  private volatile boolean pressed;

  MemoryBudget(long bytes, DoubleSupplier pressure) {
    this.permits = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / PER_CONNECTION));
    this.pressure = pressure;
  }

  /** The budget over this JVM's heap and direct buffer pool. */
  static MemoryBudget ofJvm(long bytes) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(b -> b.getName().equals("direct")).findFirst().orElse(null);
    long maxDirect = maxDirectMemory();
    java.util.List<java.lang.management.MemoryPoolMXBean> heapPools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
            .toList();
    return new MemoryBudget(bytes, () -> {
      double heap = 0;
      long max = memory.getHeapMemoryUsage().getMax();
      if (max > 0) {
        heap = (double) heapInUse(memory, heapPools) / max;
      }
      double dir = direct == null || maxDirect <= 0 ? 0 : (double) direct.getMemoryUsed() / maxDirect;
      return Math.max(heap, dir);
    });
  }

  /**
   * The heap the application holds: what the last collection left in each pool (garbage not yet
   * collected is no pressure; at -Xmx64m "used" is mostly that), or the plain used heap where the
   * collector reports no such figure.
   */
  private static long heapInUse(MemoryMXBean memory, java.util.List<java.lang.management.MemoryPoolMXBean> pools) {
    long afterGc = 0;
    boolean known = false;
    for (java.lang.management.MemoryPoolMXBean p : pools) {
      java.lang.management.MemoryUsage u = p.getCollectionUsage();
      if (u != null) {
        afterGc += u.getUsed();
        known = true;
      }
    }
    return known ? afterGc : memory.getHeapMemoryUsage().getUsed();
  }

  private static long maxDirectMemory() {
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-XX:MaxDirectMemorySize=")) {
        return jvmSize(arg.substring(arg.indexOf('=') + 1));
      }
    }
    return Runtime.getRuntime().maxMemory(); // the JDK's default limit for direct buffers
  }

  /** A JVM flag's size ({@code 512m}, {@code 1g}, {@code 65536}); -1 when unreadable. */
  static long jvmSize(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    long unit = 1;
    if (t.endsWith("k")) {
      unit = 1024;
    } else if (t.endsWith("m")) {
      unit = 1024 * 1024;
    } else if (t.endsWith("g")) {
      unit = 1024L * 1024 * 1024;
    }
    try {
      long n = Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1));
      return Math.multiplyExact(n, unit);
    } catch (NumberFormatException | ArithmeticException e) {
      return -1;
    }
  }

  /**
   * A permit for one more connection of a download that has {@code active} connections now; false
   * when the budget is spent or memory is under pressure. A download's first connection is always
   * granted (it would otherwise never finish); it still counts against the budget.
   */
  synchronized boolean tryAcquire(int active) {
    if (active == 0) {
      used++;
      return true;
    }
    if (used >= permits || pressure.getAsDouble() > PRESSURE) {
      return false;
    }
    used++;
    return true;
  }

  /**
   * Measures the memory pressure now (the downloads' clocks call it a few times a second): while
   * it is high, every connection reads ahead only {@link #PRESSED_READ_AHEAD} and no connection is
   * added, so buffers shrink before any connection is dropped.
   */
  void sample() {
    pressed = pressure.getAsDouble() > PRESSURE;
  }

  /** The read-ahead each connection may have now: a byte count, or {@code Long.MAX_VALUE} for the transport's own. */
  long readAhead() {
    return pressed ? PRESSED_READ_AHEAD : Long.MAX_VALUE;
  }

  /** A connection ended. */
  synchronized void release() {
    used--;
  }

  /** Connection permits in use (for tests and progress). */
  synchronized int used() {
    return used;
  }

  int permits() {
    return permits;
  }
}
