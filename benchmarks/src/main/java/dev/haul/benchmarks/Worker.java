package dev.haul.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
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
      if (scenario.equals("download")) {
        Path dir = Files.createTempDirectory("haul-bench");
        Path file = dir.resolve("download.bin");
        URI warm = URI.create(a.get("warmup-url"));
        client.download(warm, file);
        Files.deleteIfExists(file);
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        long bytes = client.download(url, file);
        double s = (System.nanoTime() - t0) / 1e9;
        double cpu = (cpuNanos() - cpu0) / 1e9;
        long onDisk = Files.size(file);
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
        if (bytes != expectedBytes || onDisk != expectedBytes) {
          throw new IllegalStateException(name + " wrote " + bytes + " bytes (" + onDisk + " on disk), expected "
              + expectedBytes);
        }
        result.put("requests", 1);
        result.put("bytes", bytes);
        result.put("seconds", s);
        result.put("cpuSeconds", cpu);
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
    result.put("peakHeapMb", heap.peak() / 1048576.0);
    result.put("peakRssMb", peakRssKb() / 1024.0);
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

    void stop2() {
      running = false;
    }

    long peak() {
      return Math.max(peak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
  }
}
