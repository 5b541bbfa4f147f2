package dev.haul.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import dev.haul.testkit.OriginServerExtension;
import dev.haul.testkit.RecordedRequest;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8 item 14, catalogue case F23 (the process is killed, or the disk fails, mid-download):
 * never a corrupt final file. {@code haul get -o FILE --sha256 X} runs in a child JVM, as a user
 * runs it, against testkit's origin serving a throttled body; the child is killed with SIGKILL
 * ({@link Process#destroyForcibly()}) at random points of the download, then run to completion.
 *
 * <p>The kill points are random but seeded: the seed is printed, and {@code -DgetKill.seed=N}
 * repeats a run.
 */
@ExtendWith(OriginServerExtension.class)
class GetKillTest {

  private static final int LENGTH = 4 * 1024 * 1024;
  private static final byte[] BODY = body();
  private static final String SHA256 = sha256(BODY);
  private static final int KILLS = 5;
  /** Bounds every wait on a child: its start, its progress, its exit. */
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static byte[] body() {
    byte[] b = new byte[LENGTH];
    new Random(23).nextBytes(b); // random, so a byte written at a wrong offset cannot match by chance
    return b;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** About 1 s per download: 64 KiB every 15 ms, slow enough to be killed anywhere in it. */
  private static void serveThrottled(OriginServer server) {
    server.setDispatcher(r -> MockResponse.builder().header("ETag", "\"v1\"").header("Accept-Ranges", "bytes")
        .body(BODY).throttle(64 * 1024, Duration.ofMillis(15)).build());
  }

  /** {@code haul get URL -o FILE --sha256 X} in a child JVM; output goes to {@code log}. */
  private static Process haulGet(OriginServer server, Path file, Path log, List<String> shellPrefix)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElseGet(
        () -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(shellPrefix);
    command.addAll(List.of(java, "-cp", System.getProperty("java.class.path"),
        // Start quickly: this JVM only downloads one file.
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
        "dev.haul.examples.cli.HaulCli", "get", server.url("/model.bin").toString(), "-o", file.toString(),
        "--sha256", SHA256));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static long sizeOrZero(Path p) throws IOException {
    try {
      return Files.size(p);
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  private static boolean await(BooleanSupplier condition, Process child) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (!child.isAlive()) {
        return condition.getAsBoolean();
      }
      Thread.sleep(2);
    }
    return false;
  }

  private static String output(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  private static long partFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".part")).count();
    }
  }

  // Issue 8 item 14 (F23): SIGKILL at random points of the download never leaves a FILE, only a
  // .part holding a prefix of the body; each later run removes the stale .part and starts over,
  // and the last one, left to finish, produces the exact body and no .part.
  @Test
  void killedAtRandomPointsNeverLeavesAPartialFileAndARerunCompletes(OriginServer server, @TempDir Path dir)
      throws Exception {
    long seed = Long.getLong("getKill.seed", System.nanoTime());
    System.out.println("GetKillTest seed=" + seed + " (repeat with -DgetKill.seed=" + seed + ")");
    Random random = new Random(seed);
    serveThrottled(server);
    Path file = dir.resolve("model.bin");
    Path part = dir.resolve("model.bin.part");

    for (int i = 0; i < KILLS; i++) {
      // Between 5% and 70% of the body: well before the end, so the kill lands mid-download.
      long point = LENGTH / 20 + (long) (random.nextDouble() * (LENGTH * 0.65));
      System.out.println("GetKillTest kill " + (i + 1) + " after " + point + " of " + LENGTH + " bytes");
      Path log = dir.resolve("kill-" + i + ".log");
      int requestsBefore = server.requestCount();
      Process child = haulGet(server, file, log, List.of());
      try {
        // The request is sent only after the run has removed any stale .part and created its own:
        // from then on the size seen is this run's.
        assertThat(await(() -> server.requestCount() > requestsBefore, child))
            .as("run %d sent its request; output: %s", i + 1, output(log)).isTrue();
        assertThat(await(() -> {
          try {
            // Either file: an implementation writing into FILE directly must be caught, not waited for.
            return Math.max(sizeOrZero(part), sizeOrZero(file)) > point;
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }, child)).as("run %d wrote past %d bytes; output: %s", i + 1, point, output(log)).isTrue();
        assertThat(child.isAlive()).as("run %d still downloading; output: %s", i + 1, output(log)).isTrue();
        child.destroyForcibly();
        assertThat(child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("killed").isTrue();
      } finally {
        child.destroyForcibly();
      }
      assertThat(child.exitValue()).as("run %d was killed, it did not finish", i + 1).isNotZero();

      assertThat(file).as("no final file after kill %d", i + 1).doesNotExist();
      assertThat(part).as("the killed run's .part is left for the next run").exists();
      byte[] partial = Files.readAllBytes(part);
      assertThat(partial.length).as("the .part after kill %d", i + 1).isGreaterThan((int) point)
          .isLessThanOrEqualTo(LENGTH);
      assertThat(Arrays.equals(partial, 0, partial.length, BODY, 0, partial.length))
          .as("the .part after kill %d is a prefix of the body", i + 1).isTrue();
    }

    // The last kill left a stale .part; this run removes it, starts over and finishes.
    Path log = dir.resolve("final.log");
    int requestsBefore = server.requestCount();
    Process child = haulGet(server, file, log, List.of());
    try {
      assertThat(child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("finished; output: %s", output(log)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.exitValue()).as(output(log)).isZero();
    assertThat(sha256(Files.readAllBytes(file))).isEqualTo(SHA256);
    assertThat(Files.size(file)).isEqualTo(LENGTH);
    assertThat(part).doesNotExist();
    assertThat(partFiles(dir)).isZero();
    // Every run started from zero: a .part left by a killed run is never resumed from.
    List<RecordedRequest> requests = server.requests();
    assertThat(requests).hasSize(requestsBefore + 1);
    assertThat(requests.stream().map(r -> r.header("Range")).toList()).containsOnlyNulls();
  }

  // Issue 8 item 14 (F23): an I/O error mid-write (here the file size limit, RLIMIT_FSIZE, set with
  // `ulimit -f` in the child's shell: the JVM ignores SIGXFSZ, so the write fails with EFBIG, "File
  // too large", as on a full disk). The run fails with exit 1, removes its .part, and an older
  // FILE already there is left exactly as it was.
  @Test
  void anIoErrorMidWriteLeavesTheOldFileIntactAndNoPart(OriginServer server, @TempDir Path dir) throws Exception {
    assumeThat(new File("/bin/sh").canExecute()).as("a POSIX shell for ulimit").isTrue();
    serveThrottled(server);
    byte[] previous = "the previous version".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(dir.resolve("model.bin"), previous);
    Path log = dir.resolve("eio.log");
    // 2048 blocks: 1 MiB (512-byte blocks, POSIX) or 2 MiB (bash's 1024-byte ones), both under LENGTH.
    Process child = haulGet(server, file, log, List.of("/bin/sh", "-c", "ulimit -f 2048 && exec \"$@\"", "sh"));
    try {
      assertThat(child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("finished; output: %s", output(log)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    String out = output(log);
    assertThat(child.exitValue()).as(out).isEqualTo(1);
    assertThat(out).contains("File too large");
    assertThat(server.requestCount()).as("it failed mid-body, not before the request").isEqualTo(1);
    assertThat(file).as("FILE as it was").hasBinaryContent(previous);
    assertThat(partFiles(dir)).isZero();
  }
}
