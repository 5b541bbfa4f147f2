package dev.haul.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import dev.haul.benchmarks.clients.ExternalBench;
import dev.haul.benchmarks.clients.HaulDownloaderBench;
import dev.haul.benchmarks.clients.RawNettyBench;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one client for one scenario in its own JVM and prints one JSON line: requests, bytes,
 * seconds, process CPU seconds, bytes allocated, peak heap and peak RSS, and the JVM's flags and
 * collectors. Started by {@link BenchMain}.
 *
 * <p>The request scenarios run in one {@link LoadModel} ({@code --load}) through a
 * {@link LoadRunner}: a warm-up of at least {@code --warmup-requests} (20k) in windows of
 * {@code --window} (5k) requests until two consecutive windows are within 5 % of each other (at
 * most {@code --warmup-max-requests}), then {@code --requests} (200k) measured. The download
 * scenarios fetch a warm-up file once, then the measured file once.
 */
public final class Worker {

  private Worker() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = BenchMain.parse(args);
    String name = a.get("client");
    String scenario = a.get("scenario");
    int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "1"));
    URI url = URI.create(a.get("url"));
    long expectedBytes = Long.parseLong(a.getOrDefault("expected-bytes", "-1"));

    HeapSampler heap = new HeapSampler();
    heap.start();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("client", name);
    result.put("jvm", jvm());
    try (BenchClient client = Clients.create(name)) {
      client.start(concurrency);
      if (client instanceof RawNettyBench raw) {
        result.put("io", raw.io());
      }
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
        if (!(client instanceof ExternalBench)) {
          if (threads0 != null) {
            result.put("threadCpuSeconds", threadCpuDelta(threads0, threadCpuByName()));
          }
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
        LoadModel load = LoadModel.of(a.getOrDefault("load", "blocking"));
        client.unsupported(load).ifPresent(why -> {
          throw new IllegalArgumentException(why);
        });
        long warmupRequests = Long.parseLong(a.getOrDefault("warmup-requests", "20000"));
        long requests = Long.parseLong(a.getOrDefault("requests", "200000"));
        long window = Long.parseLong(a.getOrDefault("window", "5000"));
        long warmupMax = Long.parseLong(a.getOrDefault("warmup-max-requests",
            Long.toString(Math.max(5 * warmupRequests, 100_000))));
        try (LoadRunner runner = new LoadRunner(client, url, load, concurrency)) {
          LoadRunner.Warmup w = runner.warmUp(warmupRequests, window, LoadRunner.SETTLE_TOLERANCE, warmupMax);
          heap.reset();
          GcWatcher gc = new GcWatcher();
          long gcMillis0 = gcMillis();
          // All threads of this JVM, sampled at the window's ends: a thread that ends inside the
          // window takes its allocation with it (an undercount; the clients here keep their threads).
          long allocated0 = allocatedBytes();
          long cpu0 = cpuNanos();
          LoadRunner.Phase p = runner.run(requests);
          double cpu = (cpuNanos() - cpu0) / 1e9;
          long allocated = allocatedBytes() - allocated0;
          gc.stop();
          if (expectedBytes >= 0 && p.bytes() != p.requests() * expectedBytes) {
            throw new IllegalStateException(name + " read " + p.bytes() + " bytes in " + p.requests()
                + " responses of " + expectedBytes);
          }
          result.put("load", load.id());
          result.put("requests", p.requests());
          result.put("bytes", p.bytes());
          result.put("seconds", p.nanos() / 1e9);
          result.put("tailSeconds", p.tailNanos() / 1e9);
          result.put("cpuSeconds", cpu);
          result.put("errors", p.errors());
          result.put("allocatedBytes", allocated);
          result.put("allocBytesPerReq", (double) allocated / p.requests());
          result.put("gcCount", gc.count());
          result.put("gcSeconds", (gcMillis() - gcMillis0) / 1e3);
          result.put("warmupRequests", w.requests());
          result.put("warmupSettled", w.settled());
          result.put("warmupWindowReqPerSec", w.windowRates());
        }
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

  /** Milliseconds the collectors have spent so far, all of them. */
  private static long gcMillis() {
    long sum = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, gc.getCollectionTime());
    }
    return sum;
  }

  /** The JVM this worker runs in: its flags, collectors and heap bounds, for the report. */
  static Map<String, Object> jvm() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", System.getProperty("java.vm.version"));
    m.put("inputArguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
    m.put("collectors", ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList());
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    m.put("initialHeapMb", heap.getInit() / 1048576.0);
    m.put("maxHeapMb", heap.getMax() / 1048576.0);
    return m;
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
