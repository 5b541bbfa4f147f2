package dev.haul.benchmarks.clients;

import dev.haul.benchmarks.BenchClient;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A command-line downloader ({@code curl}, {@code aria2c}) run as a child process of the worker
 * JVM. Its CPU time is the worker's reaped-children time ({@code /proc/self/stat}), its peak RSS
 * the child's {@code VmHWM} sampled while it runs; it has no heap. Absent binaries are skipped by
 * the harness.
 */
public final class ExternalBench implements BenchClient {

  private final String name;
  private final String binary;
  private volatile long peakRssKb = -1;

  private ExternalBench(String name, String binary) {
    this.name = name;
    this.binary = binary;
  }

  /** {@code curl -sS --fail -o FILE URL}: one stream only. */
  public static ExternalBench curl() {
    return new ExternalBench("curl", "curl");
  }

  /** {@code aria2c -xN -sN}: N connections (1 for a single stream). */
  public static ExternalBench aria2c() {
    return new ExternalBench("aria2c", "aria2c");
  }

  @Override
  public String name() {
    return name;
  }

  /** The binary on the {@code PATH}, if installed. */
  public Optional<Path> executable() {
    String path = System.getenv("PATH");
    for (String dir : (path == null ? "/usr/bin:/bin" : path).split(File.pathSeparator)) {
      Path p = Path.of(dir, binary);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  @Override
  public void start(int concurrency) {
    executable().orElseThrow(() -> new IllegalStateException(binary + " is not installed"));
  }

  @Override
  public long get(URI uri) {
    throw new UnsupportedOperationException(name + " only downloads");
  }

  @Override
  public long download(URI uri, Path file) throws Exception {
    return download(uri, file, 1);
  }

  @Override
  public long download(URI uri, Path file, int segments) throws Exception {
    Path exe = executable().orElseThrow();
    List<String> cmd = new ArrayList<>(List.of(exe.toString()));
    if (name.equals("curl")) {
      if (segments != 1) {
        throw new UnsupportedOperationException("curl downloads in one stream");
      }
      cmd.addAll(List.of("-sS", "--fail", "-o", file.toString(), uri.toString()));
    } else {
      cmd.addAll(List.of("-x" + segments, "-s" + segments, "--no-conf", "-q", "--allow-overwrite=true",
          "--auto-file-renaming=false", "-d", file.getParent().toString(), "-o", file.getFileName().toString(),
          uri.toString()));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    Path status = Path.of("/proc", Long.toString(p.pid()), "status");
    long peak = -1;
    // VmHWM only grows: its last reading before the exit is the peak (to within one sample).
    while (!p.waitFor(10, TimeUnit.MILLISECONDS)) {
      peak = Math.max(peak, vmHwmKb(status));
    }
    peakRssKb = peak;
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue());
    }
    return Files.size(file);
  }

  /** The last child's peak resident set in KiB, -1 if unknown. */
  public long peakRssKb() {
    return peakRssKb;
  }

  /** CPU seconds (user + system) of the children this JVM has waited for, from {@code /proc/self/stat}. */
  public static double childrenCpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // Fields after the command name (which may hold spaces) start at field 3; cutime and cstime are 16 and 17.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0; // USER_HZ is 100 on Linux
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static long vmHwmKb(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // exited between the check and the read
    }
    return -1;
  }

  @Override
  public void close() {}
}
