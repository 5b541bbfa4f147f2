package dev.haul.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import dev.haul.benchmarks.clients.ExternalBench;
import dev.haul.benchmarks.clients.HaulDownloaderBench;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.TreeMap;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one client for one scenario in its own JVM and prints one JSON line: requests, bytes,
 * seconds, process CPU seconds, peak heap and peak RSS. Started by {@link BenchMain}.
 */
public final class Worker {

  private Worker() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = BenchMain.parse(args);
    String name = a.get("client");
    String scenario = a.get("scenario");
    int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "1"));
    URI url = URI.create(a.get("url"));
    double seconds = Double.parseDouble(a.getOrDefault("seconds", "5"));
    double warmup = Double.parseDouble(a.getOrDefault("warmup", "3"));
    long expectedBytes = Long.parseLong(a.getOrDefault("expected-bytes", "-1"));

    HeapSampler heap = new HeapSampler();
    heap.start();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("client", name);
    try (BenchClient client = Clients.create(name)) {
      client.start(concurrency);
      if (scenario.equals("download") || scenario.equals("segmented")) {
        int segments = Integer.parseInt(a.getOrDefault("segments", "1"));
        Path dir = Files.createTempDirectory(Path.of(a.getOrDefault("dir", System.getProperty("java.io.tmpdir"))),
            "haul-bench");
        Path file = dir.resolve("download.bin");
        URI warm = URI.create(a.get("warmup-url"));
        if (!(client instanceof ExternalBench)) {
          client.download(warm, file, segments);
          Files.deleteIfExists(file);
        }
        heap.reset();
        if (client instanceof HaulDownloaderBench h) {
          h.clearEvents();
        }
        GcWatcher gc = new GcWatcher();
        boolean fsync = a.containsKey("fsync");
        Map<String, Long> threads0 = a.containsKey("profile") ? threadCpuByName() : null;
        long allocated0 = allocatedBytes();
        double childCpu0 = ExternalBench.childrenCpuSeconds();
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        long bytes = client.download(url, file, segments);
        if (fsync) {
          // Equal durability: every client's file is on disk when the clock stops (Haul's
          // downloader has forced it already, so this costs it nothing more).
          try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(false);
          }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        double cpu = client instanceof ExternalBench ? ExternalBench.childrenCpuSeconds() - childCpu0
            : (cpuNanos() - cpu0) / 1e9;
        long peakHeap = heap.peak();
        gc.stop();
        if (client instanceof HaulDownloaderBench h) {
          result.put("downloadEvents", h.events());
        }
        if (threads0 != null && !(client instanceof ExternalBench)) {
          result.put("threadCpuSeconds", threadCpuDelta(threads0, threadCpuByName()));
          result.put("allocatedMb", (allocatedBytes() - allocated0) / 1048576.0);
        }
        long onDisk = Files.size(file);
        try {
          if (bytes != expectedBytes || onDisk != expectedBytes) {
            throw new IllegalStateException(name + " wrote " + bytes + " bytes (" + onDisk + " on disk), expected "
                + expectedBytes);
          }
          if (a.containsKey("expected-sha256")) {
            long hashCpu0 = threadCpuNanos();
            String sha = sha256(file);
            result.put("sha256CpuSeconds", (threadCpuNanos() - hashCpu0) / 1e9);
            if (!sha.equals(a.get("expected-sha256"))) {
              throw new IllegalStateException(name + " wrote a file with SHA-256 " + sha + ", expected "
                  + a.get("expected-sha256"));
            }
            result.put("sha256Verified", true);
          }
        } finally {
          try (var left = Files.list(dir)) {
            for (Path p : left.toList()) {
              Files.deleteIfExists(p);
            }
          }
          Files.deleteIfExists(dir);
        }
        result.put("segments", segments);
        result.put("requests", 1);
        result.put("bytes", bytes);
        result.put("seconds", s);
        result.put("cpuSeconds", cpu);
        if (client instanceof ExternalBench e) {
          result.put("external", true);
          result.put("peakRssMb", e.peakRssKb() / 1024.0);
        } else {
          result.put("peakHeapMb", peakHeap / 1048576.0);
          if (gc.peakAfterGc() >= 0) {
            result.put("heapAfterGcMb", gc.peakAfterGc() / 1048576.0);
          }
          result.put("gcCount", gc.count());
        }
      } else {
        run(client, url, concurrency, warmup, new AtomicLong(), new AtomicLong(), new AtomicLong());
        AtomicLong requests = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        run(client, url, concurrency, seconds, requests, bytes, errors);
        double s = (System.nanoTime() - t0) / 1e9;
        double cpu = (cpuNanos() - cpu0) / 1e9;
        if (expectedBytes >= 0 && bytes.get() != requests.get() * expectedBytes) {
          throw new IllegalStateException(name + " read " + bytes.get() + " bytes in " + requests.get()
              + " responses of " + expectedBytes);
        }
        result.put("requests", requests.get());
        result.put("bytes", bytes.get());
        result.put("seconds", s);
        result.put("cpuSeconds", cpu);
        result.put("errors", errors.get());
      }
    }
    heap.stop2();
    if (!result.containsKey("external")) {
      result.putIfAbsent("peakHeapMb", heap.peak() / 1048576.0);
      result.putIfAbsent("peakRssMb", peakRssKb() / 1024.0);
    }
    System.out.println("RESULT " + new ObjectMapper().writeValueAsString(result));
    System.exit(0);
  }

  private static void run(BenchClient client, URI url, int threads, double seconds, AtomicLong requests,
      AtomicLong bytes, AtomicLong errors) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long end = System.nanoTime() + (long) (seconds * 1e9);
    List<Future<?>> fs = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      fs.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          try {
            bytes.addAndGet(client.get(url));
            requests.incrementAndGet();
          } catch (Exception e) {
            if (errors.incrementAndGet() > 100) {
              throw new IllegalStateException("too many errors", e);
            }
          }
        }
        return null;
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Heap bytes allocated so far by the live threads (threads that ended are not counted). */
  static long allocatedBytes() {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long n : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
      sum += Math.max(0, n);
    }
    return sum;
  }

  /** CPU nanoseconds of the live threads, summed by name without its trailing number. */
  static Map<String, Long> threadCpuByName() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> m = new TreeMap<>();
    for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      long cpu = t == null ? -1 : mx.getThreadCpuTime(t.getThreadId());
      if (cpu > 0) {
        m.merge(t.getThreadName().replaceAll("[-#_ ]?\\d+$", "").replaceAll("\\d+", "N"), cpu, Long::sum);
      }
    }
    return m;
  }

  /** What each group of threads used between two readings, in seconds, the busiest first (threads that ended are not counted). */
  static Map<String, Double> threadCpuDelta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Double> d = new LinkedHashMap<>();
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1e9))
        .filter(e -> e.getValue() >= 0.01)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> d.put(e.getKey(), Math.round(e.getValue() * 100) / 100.0));
    return d;
  }

  private static long threadCpuNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  /** The SHA-256 of {@code file}, lower-case hex (after the measured window). */
  static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (ch.read(buf) >= 0) {
        buf.flip();
        md.update(buf);
        buf.clear();
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** VmHWM from /proc/self/status: the peak resident set of this process. */
  static long peakRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception ignored) {
      // not Linux
    }
    return -1;
  }

  /** Samples used heap every 10 ms and keeps the maximum. */
  static final class HeapSampler extends Thread {
    private volatile boolean running = true;
    private long peak;

    HeapSampler() {
      setDaemon(true);
    }

    @Override
    public void run() {
      while (running) {
        peak = Math.max(peak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /** Forgets the peak so far: the measured window starts. */
    void reset() {
      peak = 0;
    }

    void stop2() {
      running = false;
    }

    long peak() {
      return Math.max(peak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
  }

  /**
   * The heap in use right after each collection (an upper bound on the live data: what a smaller
   * heap would have to hold), the largest seen, and how many collections ran.
   */
  static final class GcWatcher implements NotificationListener {
    private final Set<String> heapPools = new HashSet<>();
    private final AtomicLong peak = new AtomicLong(-1);
    private final AtomicLong count = new AtomicLong();

    GcWatcher() {
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          heapPools.add(pool.getName());
        }
      }
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) gc).addNotificationListener(this, null, null);
      }
    }

    @Override
    public void handleNotification(Notification n, Object handback) {
      if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
        return;
      }
      GcInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
      long used = 0;
      for (Map.Entry<String, MemoryUsage> e : info.getMemoryUsageAfterGc().entrySet()) {
        if (heapPools.contains(e.getKey())) {
          used += e.getValue().getUsed();
        }
      }
      long u = used;
      peak.accumulateAndGet(u, Math::max);
      count.incrementAndGet();
    }

    void stop() {
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        try {
          ((NotificationEmitter) gc).removeNotificationListener(this);
        } catch (ListenerNotFoundException ignored) {
          // never added
        }
      }
    }

    /** The largest heap in use after a collection, -1 when none ran. */
    long peakAfterGc() {
      return peak.get();
    }

    long count() {
      return count.get();
    }
  }
}
