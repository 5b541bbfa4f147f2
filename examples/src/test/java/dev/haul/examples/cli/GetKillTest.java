package dev.haul.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.haul.testkit.OriginServer;
import dev.haul.testkit.OriginServerExtension;
import dev.haul.testkit.RecordedRequest;
import dev.haul.testkit.StaticContent;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8 item 14 (F23) and issue 10 items 3 and 11: the process is killed, or the disk fails,
 * mid-download. {@code haul get -o FILE --sha256 X} runs in a child JVM, as a user runs it, against
 * testkit's origin serving a throttled body with ranges and a strong ETag; the child is killed with
 * SIGKILL ({@link Process#destroyForcibly()}) at random points of the download, and each rerun of
 * the same command resumes from the journal beside {@code FILE.part}; the last one, left to finish,
 * produces the exact body. {@code FILE} never exists before that.
 *
 * <p>The kill points are random but seeded: the seed is printed, and {@code -DgetKill.seed=N}
 * repeats a run.
 */
@ExtendWith(OriginServerExtension.class)
class GetKillTest {

  private static final int LENGTH = 8 * 1024 * 1024;
  private static final byte[] BODY = body();
  private static final String SHA256 = sha256(BODY);
  private static final int KILLS = Integer.getInteger("getKill.kills", 20);
  /** Bounds every wait on a child: its start, its progress, its exit. */
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** The journal is saved often, so that most kills leave progress for the next run to resume. */
  private static final List<String> JOURNAL_OFTEN = List.of("-Dhaul.download.journal-interval=50ms",
      "-Dhaul.download.journal-bytes=64KiB", "-Dhaul.download.piece-size=256KiB", "-Dhaul.download.min-split=256KiB");

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

  /**
   * The file with ranges and a strong ETag (testkit's static content), each response paced at 2 KiB
   * every 10 ms (at most 200 KiB/s per connection, 800 KiB/s for four) while {@code slow} is set, so
   * that twenty runs of at most 400 ms of downloading each cannot finish it.
   */
  private static void serveThrottled(OriginServer server, AtomicBoolean slow) {
    server.setDispatcher(StaticContent.create().add("/model.bin", BODY, "application/octet-stream")
        .add("/warm.bin", Arrays.copyOf(BODY, 1 << 20), "application/octet-stream")
        .transform((req, resp) -> slow.get()
            ? resp.toBuilder().throttle(2 * 1024, Duration.ofMillis(10)).build() : resp));
  }

  /** {@code haul get URL -o FILE --sha256 X} in a child JVM; output goes to {@code log}. */
  private static Process haulGet(OriginServer server, Path file, Path log, List<String> shellPrefix,
      String... extra) throws IOException {
    return haulGet(server, file, log, shellPrefix, List.of(), extra);
  }

  private static Process haulGet(OriginServer server, Path file, Path log, List<String> shellPrefix,
      List<String> jvmOptions, String... extra) throws IOException {
    String java = ProcessHandle.current().info().command().orElseGet(
        () -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(shellPrefix);
    command.addAll(List.of(java, "-cp", System.getProperty("java.class.path"),
        // Start quickly: this JVM only downloads one file.
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData"));
    command.addAll(jvmOptions);
    command.addAll(JOURNAL_OFTEN);
    command.addAll(List.of("dev.haul.examples.cli.HaulCli", "get", server.url("/model.bin").toString(),
        "-o", file.toString(), "--sha256", SHA256));
    command.addAll(List.of(extra));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /**
   * Options for the children: a dynamic class-data archive written by one complete download of a
   * small file (ranges and journal included), or none where the JVM cannot write one.
   */
  private static List<String> classDataSharing(OriginServer server, Path dir) throws Exception {
    Path archive = dir.resolve("haul-get.jsa");
    Path warm = dir.resolve("warm");
    Files.createDirectories(warm);
    Path log = dir.resolve("warm.log");
    String java = ProcessHandle.current().info().command().orElseGet(
        () -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(List.of(java, "-XX:ArchiveClassesAtExit=" + archive, "-cp",
        System.getProperty("java.class.path"), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData"));
    command.addAll(JOURNAL_OFTEN);
    command.addAll(List.of("dev.haul.examples.cli.HaulCli", "get", server.url("/warm.bin").toString(),
        "-o", warm.resolve("warm.bin").toString(), "--segments", "4", "--progress"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean done = p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
    p.destroyForcibly();
    return done && p.exitValue() == 0 && Files.exists(archive)
        ? List.of("-XX:SharedArchiveFile=" + archive) : List.of();
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

  // Issue 10 items 3 and 11: SIGKILL at random points of a segmented download, 20 times, never
  // leaves a FILE; each rerun of the same command resumes from the journal, and the last one,
  // left to finish, produces the exact body with no .part and no journal left.
  @Test
  void killedAtRandomPointsTwentyTimesResumesToAByteIdenticalFile(OriginServer server, @TempDir Path dir)
      throws Exception {
    long seed = Long.getLong("getKill.seed", System.nanoTime());
    System.out.println("GetKillTest seed=" + seed + " (repeat with -DgetKill.seed=" + seed + ")");
    Random random = new Random(seed);
    AtomicBoolean slow = new AtomicBoolean(true);
    serveThrottled(server, slow);
    Path file = dir.resolve("model.bin");
    Path part = dir.resolve("model.bin.part");

    // A class-data archive from one complete run makes each child start in a fraction of the time,
    // which keeps twenty runs within the test's budget.
    List<String> jvm = classDataSharing(server, dir);
    for (int i = 0; i < KILLS; i++) {
      // Where the kill lands: as soon as the run has sent its first request (before any answer), a
      // random 0-400 ms after it has sized its .part (it has its first answer and has read any
      // journal), or a random 0-400 ms after it has saved a journal (most kills: the next run then
      // has something to resume).
      int kind = random.nextInt(5);
      long delayMillis = kind == 0 ? 0 : random.nextInt(400);
      Path log = dir.resolve("kill-" + i + ".log");
      Path journal = dir.resolve("model.bin.part.journal");
      String run = Integer.toString(i);
      long started = System.nanoTime();
      Process child = haulGet(server, file, log, List.of(), jvm, "--segments", "4", "-H", "X-Run: " + run);
      try {
        // Requests are told apart by run: a killed run's last request may still arrive late.
        assertThat(await(() -> server.requests().stream().anyMatch(r -> run.equals(r.header("X-Run"))), child))
            .as("run %d sent its request; output: %s", i + 1, output(log)).isTrue();
        if (kind > 0) {
          assertThat(await(() -> {
            try {
              return sizeOrZero(part) > 0 && (kind == 1 || Files.exists(journal));
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }, child)).as("run %d started writing; output: %s", i + 1, output(log)).isTrue();
        }
        Thread.sleep(delayMillis);
        assertThat(child.isAlive()).as("run %d still downloading; output: %s", i + 1, output(log)).isTrue();
        child.destroyForcibly();
        assertThat(child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("killed").isTrue();
      } finally {
        child.destroyForcibly();
      }
      assertThat(child.exitValue()).as("run %d was killed after %d ms, it did not finish", i + 1, delayMillis)
          .isNotZero();
      assertThat(file).as("no final file after kill %d", i + 1).doesNotExist();
      assertThat(part).as("the killed run's .part is left for the next run").exists();
      if (Boolean.getBoolean("getKill.debug")) {
        try (Stream<Path> l = Files.list(dir)) {
          System.out.println("after kill " + (i + 1) + " (kind " + kind + ", " + delayMillis + " ms, run "
              + (System.nanoTime() - started) / 1_000_000 + " ms): " + l.filter(p -> !p.toString().endsWith(".log")).map(p -> p.getFileName() + "=" + p.toFile().length()).toList()
              + " " + server.requests().stream().filter(r -> run.equals(r.header("X-Run"))).map(r -> r.header("Range") + "/" + r.header("If-Range")).toList());
        }
      }
    }

    // The last kill left a .part and (most likely) a journal; this run resumes and finishes.
    slow.set(false);
    Path log = dir.resolve("final.log");
    int requestsBefore = server.requestCount();
    Process child = haulGet(server, file, log, List.of(), jvm, "--segments", "4", "--json");
    try {
      assertThat(child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("finished; output: %s", output(log)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    String out = output(log);
    assertThat(child.exitValue()).as(out).isZero();
    assertThat(sha256(Files.readAllBytes(file))).isEqualTo(SHA256);
    assertThat(Files.size(file)).isEqualTo(LENGTH);
    assertThat(part).doesNotExist();
    assertThat(partFiles(dir)).isZero();
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("model.bin")).toList())
          .as("nothing but FILE: no .part, no journal").containsExactly("model.bin");
    }
    // It resumed: the run before it had saved the journal after some progress, so the final run
    // started from a non-zero durable prefix (in the JSON summary) and asked only for ranges.
    JsonNode json = new ObjectMapper().readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no JSON summary in: " + out)));
    assertThat(json.get("sha256").asText()).isEqualTo(SHA256);
    List<RecordedRequest> finalRequests = server.requests().subList(requestsBefore, server.requestCount()).stream()
        .filter(r -> r.header("X-Run") == null).toList();
    assertThat(finalRequests).isNotEmpty();
    assertThat(finalRequests).as("every request of a segmented download is a range with If-Range")
        .allSatisfy(r -> {
          assertThat(r.header("Range")).startsWith("bytes=");
          assertThat(r.header("If-Range")).as("a strong ETag").startsWith("\"");
        });
    // Across all runs: some run resumed from a journal (its first request did not start at 0).
    assertThat(json.get("resumedFrom").asLong()).as("the final run resumed from the journal; output: %s", out)
        .isPositive();
  }

  // Issue 8 item 14 (F23), issue 10 item 7: an I/O error mid-write (here the file size limit,
  // RLIMIT_FSIZE, set with `ulimit -f` in the child's shell: the JVM ignores SIGXFSZ, so the write
  // fails with EFBIG, "File too large", as on a full disk). The run fails typed with exit 1 and an
  // older FILE already there (replaced only with --force, once complete) is left exactly as it was.
  // The downloader keeps FILE.part and its journal for a resume (issue 10: a full disk resumes once
  // space is freed); the old command removed its .part. A rerun without the limit completes.
  @Test
  void anIoErrorMidWriteLeavesTheOldFileIntactAndARerunCompletes(OriginServer server, @TempDir Path dir)
      throws Exception {
    assumeThat(new File("/bin/sh").canExecute()).as("a POSIX shell for ulimit").isTrue();
    serveThrottled(server, new AtomicBoolean(false));
    byte[] previous = "the previous version".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(dir.resolve("model.bin"), previous);
    Path log = dir.resolve("eio.log");
    // 2048 blocks: 1 MiB (512-byte blocks, POSIX) or 2 MiB (bash's 1024-byte ones), both under LENGTH.
    Process child = haulGet(server, file, log, List.of("/bin/sh", "-c", "ulimit -f 2048 && exec \"$@\"", "sh"),
        "--force");
    try {
      assertThat(child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("finished; output: %s", output(log)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    String out = output(log);
    assertThat(child.exitValue()).as(out).isEqualTo(1);
    assertThat(out).as("a typed message naming the file").contains("haul: ").contains("model.bin.part")
        .doesNotContain("Exception");
    assertThat(file).as("FILE as it was").hasBinaryContent(previous);

    Path rerunLog = dir.resolve("rerun.log");
    Process rerun = haulGet(server, file, rerunLog, List.of(), "--force");
    try {
      assertThat(rerun.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("finished; output: %s", output(rerunLog))
          .isTrue();
    } finally {
      rerun.destroyForcibly();
    }
    assertThat(rerun.exitValue()).as(output(rerunLog)).isZero();
    assertThat(sha256(Files.readAllBytes(file))).isEqualTo(SHA256);
    assertThat(partFiles(dir)).isZero();
  }
}
