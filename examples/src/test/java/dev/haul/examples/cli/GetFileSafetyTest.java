package dev.haul.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.testkit.Fault;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import dev.haul.testkit.OriginServerExtension;
import dev.haul.testkit.RecordedRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 8 defect 13: what {@code haul get -o FILE} writes, where, and from which responses.
 * Every case runs the real command against testkit's origin with scripted responses.
 */
@ExtendWith(OriginServerExtension.class)
class GetFileSafetyTest {

  private static final int LENGTH = 2_000_000;
  private static final byte[] BODY = body();
  private static final String ETAG = "\"v1\"";

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private static byte[] body() {
    byte[] b = new byte[LENGTH];
    new Random(8).nextBytes(b);
    return b;
  }

  private int run(String... args) {
    return HaulCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  /** {@code haul get URL/model.bin -o FILE}, then {@code extra}. */
  private int getTo(OriginServer server, Path file, String... extra) {
    List<String> args = new ArrayList<>(List.of("get", server.url("/model.bin").toString(), "-o", file.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  /** The full body with the validator, cut by a reset after 700 000 bytes. */
  private static MockResponse fullThenReset() {
    return full().fault(Fault.RESET_DURING_BODY, 700_000).build();
  }

  private static MockResponse.Builder full() {
    return MockResponse.builder().header("ETag", ETAG).header("Accept-Ranges", "bytes").body(BODY);
  }

  /** The offset the client asked for, from {@code Range: bytes=N-}. */
  private static int requestedStart(RecordedRequest r) {
    String range = r.header("Range");
    assertThat(range).as("a resume asks for a range").matches("bytes=\\d+-\\d*");
    return Integer.parseInt(range.substring(6, range.indexOf('-')));
  }

  /**
   * The file as a server with ranges answers it: a {@code 206} with the requested slice (open or
   * closed range) under the strong ETag, a {@code 200} without {@code Range}.
   */
  private static MockResponse good(RecordedRequest r) {
    String range = r.header("Range");
    if (range == null) {
      return full().build();
    }
    int start = requestedStart(r);
    String end = range.substring(range.indexOf('-') + 1);
    int last = end.isEmpty() ? LENGTH - 1 : Math.min(LENGTH - 1, Integer.parseInt(end));
    return MockResponse.builder().status(206).header("ETag", ETAG).header("Accept-Ranges", "bytes")
        .header("Content-Range", "bytes " + start + "-" + last + "/" + LENGTH)
        .body(Arrays.copyOfRange(BODY, start, last + 1)).build();
  }

  /** {@link #good} cut by a reset after 700 000 bytes of its body. */
  private static MockResponse goodThenReset(RecordedRequest r) {
    return good(r).toBuilder().fault(Fault.RESET_DURING_BODY, 700_000).build();
  }

  /** Answers the i-th request with the i-th script entry. */
  private static void script(OriginServer server, List<Function<RecordedRequest, MockResponse>> steps) {
    java.util.concurrent.atomic.AtomicInteger i = new java.util.concurrent.atomic.AtomicInteger();
    server.setDispatcher(r -> steps.get(Math.min(i.getAndIncrement(), steps.size() - 1)).apply(r));
  }

  private static long partFiles(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".part")).count();
    }
  }

  /** Bad answers to {@code Range: bytes=start-}: each must be rejected, never spliced (B15, F22). */
  static Stream<org.junit.jupiter.params.provider.Arguments> bad206s() {
    record Bad(String name, Function<Integer, MockResponse> response) {}
    return Stream.of(
        new Bad("missing Content-Range", s -> MockResponse.builder().status(206).header("ETag", ETAG)
            .body(Arrays.copyOfRange(BODY, s, LENGTH)).build()),
        new Bad("start 0 instead of the offset", s -> MockResponse.builder().status(206).header("ETag", ETAG)
            .header("Content-Range", "bytes 0-" + (LENGTH - 1) + "/" + LENGTH).body(BODY).build()),
        new Bad("start one byte early", s -> MockResponse.builder().status(206).header("ETag", ETAG)
            .header("Content-Range", "bytes " + (s - 1) + "-" + (LENGTH - 1) + "/" + LENGTH)
            .body(Arrays.copyOfRange(BODY, s - 1, LENGTH)).build()),
        new Bad("short end", s -> MockResponse.builder().status(206).header("ETag", ETAG)
            .header("Content-Range", "bytes " + s + "-" + (LENGTH - 2) + "/" + LENGTH)
            .body(Arrays.copyOfRange(BODY, s, LENGTH - 1)).build()),
        new Bad("another total", s -> MockResponse.builder().status(206).header("ETag", ETAG)
            .header("Content-Range", "bytes " + s + "-" + (LENGTH - 1) + "/" + (LENGTH + 1))
            .body(Arrays.copyOfRange(BODY, s, LENGTH)).build()),
        new Bad("unknown total", s -> MockResponse.builder().status(206).header("ETag", ETAG)
            .header("Content-Range", "bytes " + s + "-" + (LENGTH - 1) + "/*")
            .body(Arrays.copyOfRange(BODY, s, LENGTH)).build()),
        new Bad("malformed", s -> MockResponse.builder().status(206).header("ETag", ETAG)
            .header("Content-Range", "bytes=" + s + "-" + (LENGTH - 1) + "/" + LENGTH)
            .body(Arrays.copyOfRange(BODY, s, LENGTH)).build()),
        new Bad("other unit", s -> MockResponse.builder().status(206).header("ETag", ETAG)
            .header("Content-Range", "items " + s + "-" + (LENGTH - 1) + "/" + LENGTH)
            .body(Arrays.copyOfRange(BODY, s, LENGTH)).build()),
        new Bad("two Content-Range fields", s -> MockResponse.builder().status(206).header("ETag", ETAG)
            .header("Content-Range", "bytes " + s + "-" + (LENGTH - 1) + "/" + LENGTH)
            .header("Content-Range", "bytes 0-" + (LENGTH - 1) + "/" + LENGTH)
            .body(Arrays.copyOfRange(BODY, s, LENGTH)).build()),
        new Bad("unrequested multipart", s -> MockResponse.builder().status(206).header("ETag", ETAG)
            .header("Content-Type", "multipart/byteranges; boundary=THIS")
            .body(Arrays.copyOfRange(BODY, s, LENGTH)).build()),
        // Review finding 11: the right Content-Range with a Content-Length that does not match it.
        new Bad("Content-Length one short of the range", s -> MockResponse.builder().status(206).header("ETag", ETAG)
            .header("Content-Range", "bytes " + s + "-" + (LENGTH - 1) + "/" + LENGTH)
            .header("Content-Length", Integer.toString(LENGTH - s - 1))
            .body(Arrays.copyOfRange(BODY, s, LENGTH)).build()),
        new Bad("ETag changed (F22)", s -> MockResponse.builder().status(206).header("ETag", "\"v2\"")
            .header("Content-Range", "bytes " + s + "-" + (LENGTH - 1) + "/" + LENGTH)
            .body(Arrays.copyOfRange(BODY, s, LENGTH)).build()),
        // Issue 8 review 2: after If-Range with an ETag, a 206 without any ETag was accepted.
        new Bad("no ETag", s -> MockResponse.builder().status(206)
            .header("Content-Range", "bytes " + s + "-" + (LENGTH - 1) + "/" + LENGTH)
            .body(Arrays.copyOfRange(BODY, s, LENGTH)).build()),
        // Issue 8 review 2: multipart is rejected even when its Content-Range would be right.
        new Bad("multipart with a valid Content-Range", s -> MockResponse.builder().status(206).header("ETag", ETAG)
            .header("Content-Type", "multipart/byteranges; boundary=THIS")
            .header("Content-Range", "bytes " + s + "-" + (LENGTH - 1) + "/" + LENGTH)
            .body(Arrays.copyOfRange(BODY, s, LENGTH)).build()))
        .map(b -> org.junit.jupiter.params.provider.Arguments.of(b.name(), b.response()));
  }

  // Issue 8 defect 13 (B15, F22): a 206 whose Content-Range is missing, wrong or malformed, a
  // multipart answer nobody asked for, or a 206 under another ETag, was spliced into the file.
  @ParameterizedTest(name = "{0}")
  @MethodSource("bad206s")
  void aBad206IsNeverSplicedAndTheDownloadRestartsFromZero(String name, Function<Integer, MockResponse> bad,
      OriginServer server, @TempDir Path dir) throws Exception {
    // Issue 10: the downloader asks for ranges from its first request on (bytes=0-); the second
    // request resumes the broken first one and gets the bad answer; from then on the file is served
    // right. Which request follows (a restart from zero or another range) is the engine's choice.
    script(server, List.of(GetFileSafetyTest::goodThenReset, r -> bad.apply(requestedStart(r)), GetFileSafetyTest::good));
    Path file = dir.resolve("model.bin");
    // No --sha256: nothing but the range check stands between a bad 206 and a corrupt file.
    int code = getTo(server, file);
    assertThat(code).as(err.toString()).isZero();
    assertThat(Files.readAllBytes(file)).isEqualTo(BODY);
    assertThat(server.requests().get(1).header("If-Range")).as("the resume carried If-Range").isEqualTo(ETAG);
    assertThat(partFiles(dir)).isZero();
    assertThat(dir.resolve("model.bin.part.journal")).doesNotExist();
  }

  // Issue 8 defect 13 (F22): the file changes on the origin between the broken attempt and the
  // resume; If-Range fails, the origin sends the new version whole, and that is what is saved.
  @Test
  void aResourceThatChangesBetweenAttemptsIsDownloadedAgainNeverSpliced(OriginServer server, @TempDir Path dir)
      throws Exception {
    byte[] v2 = BODY.clone();
    for (int i = 0; i < v2.length; i += 1000) {
      v2[i] ^= 0x5a;
    }
    dev.haul.testkit.StaticContent content = dev.haul.testkit.StaticContent.create()
        .add("/model.bin", BODY, "application/octet-stream");
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    content.transform((req, resp) -> {
      if (n.getAndIncrement() == 0) {
        content.replace("/model.bin", v2, "application/octet-stream"); // edited while being sent
        return resp.toBuilder().fault(Fault.RESET_DURING_BODY, 700_000).build();
      }
      return resp;
    });
    server.setDispatcher(content);
    Path file = dir.resolve("model.bin");
    assertThat(getTo(server, file)).as(err.toString()).isZero();
    assertThat(server.requests().get(1).header("If-Range")).isNotNull();
    assertThat(Files.readAllBytes(file)).isEqualTo(v2);
  }

  // Issue 8 defect 13 (F21): a server that ignores Range answers 200; it is written from zero.
  @Test
  void a200ToARangedRequestRestartsFromZero(OriginServer server, @TempDir Path dir) throws Exception {
    script(server, List.of(r -> fullThenReset(), r -> full().build()));
    Path file = dir.resolve("model.bin");
    assertThat(getTo(server, file)).as(err.toString()).isZero();
    assertThat(server.requests().get(1).header("Range")).startsWith("bytes=");
    assertThat(Files.readAllBytes(file)).isEqualTo(BODY);
  }

  // Issue 8 defect 13: FILE.part was opened with CREATE+TRUNCATE and followed a planted symlink,
  // truncating and overwriting whatever it pointed to.
  @Test
  void aSymlinkPlantedAtThePartFileIsNeverFollowed(OriginServer server, @TempDir Path dir) throws Exception {
    script(server, List.of(r -> full().build()));
    Path victim = Files.writeString(Files.createDirectories(dir.resolve("elsewhere")).resolve("victim"), "precious");
    Path out = Files.createDirectories(dir.resolve("out"));
    Path part = Files.createSymbolicLink(out.resolve("model.bin.part"), victim);
    int code = run("get", server.url("/model.bin").toString(), "-o", out.resolve("model.bin").toString());
    assertThat(code).isEqualTo(1);
    // Issue 10: the downloader opens FILE.part with NOFOLLOW_LINKS; its message names the file.
    assertThat(err.toString()).contains("model.bin.part");
    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(Files.isSymbolicLink(part)).as("the link is left as it was").isTrue();
    assertThat(out.resolve("model.bin")).doesNotExist();
    assertThat(server.requestCount()).as("refused before any request").isZero();
  }

  // Issue 8 defect 13: FILE itself a symlink: the download neither writes through it nor silently
  // replaces it.
  @Test
  void aSymlinkAtTheTargetIsRefused(OriginServer server, @TempDir Path dir) throws Exception {
    script(server, List.of(GetFileSafetyTest::good));
    Path victim = Files.writeString(Files.createDirectories(dir.resolve("elsewhere")).resolve("victim"), "precious");
    Path out = Files.createDirectories(dir.resolve("out"));
    Path target = Files.createSymbolicLink(out.resolve("model.bin"), victim);
    // Issue 10: a link at FILE is an existing FILE (no clobber): refused before any request.
    assertThat(run("get", server.url("/model.bin").toString(), "-o", target.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("already exists");
    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(Files.isSymbolicLink(target)).isTrue();
    assertThat(partFiles(out)).isZero();
    assertThat(server.requestCount()).isZero();
    // With --force the link itself is replaced by the complete file (a rename), never written through.
    assertThat(run("get", server.url("/model.bin").toString(), "-o", target.toString(), "--force"))
        .as(err.toString()).isZero();
    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(Files.isSymbolicLink(target)).isFalse();
    assertThat(Files.readAllBytes(target)).isEqualTo(BODY);
  }

  // Issue 10: no clobber by default; --force replaces FILE only once the new one is complete.
  @Test
  void anExistingFileIsKeptWithoutForceAndReplacedWhole(OriginServer server, @TempDir Path dir) throws Exception {
    script(server, List.of(GetFileSafetyTest::goodThenReset, GetFileSafetyTest::good));
    Path file = Files.writeString(dir.resolve("model.bin"), "the old one");
    assertThat(getTo(server, file)).isEqualTo(1);
    assertThat(err.toString()).contains("already exists");
    assertThat(file).hasContent("the old one");
    assertThat(server.requestCount()).as("refused before any request").isZero();
    assertThat(getTo(server, file, "--force")).as(err.toString()).isZero();
    assertThat(Files.readAllBytes(file)).isEqualTo(BODY);
    assertThat(partFiles(dir)).isZero();
  }


  // Issue 8 defect 13: a stale FILE.part (a regular file of ours, from a killed run) is replaced
  // by a new one created exclusively with owner-only permissions; the final file keeps them.
  @Test
  void aStalePartIsReplacedAndFilesAreOwnerOnly(OriginServer server, @TempDir Path dir) throws Exception {
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    Path file = dir.resolve("model.bin");
    Path part = dir.resolve("model.bin.part");
    Files.writeString(part, "stale bytes from a killed run");
    Files.writeString(file, "an older download, replaced when the new one is complete");
    if (posix) {
      Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-rw-rw-"));
    }
    AtomicReference<Set<PosixFilePermission>> partPermissions = new AtomicReference<>();
    script(server, List.of(r -> {
      if (posix) {
        try {
          partPermissions.set(Files.getPosixFilePermissions(part, LinkOption.NOFOLLOW_LINKS));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return full().build();
    }));
    // --force: the older FILE is replaced (without it, no-clobber refuses the run).
    assertThat(getTo(server, file, "--force")).as(err.toString()).isZero();
    assertThat(Files.readAllBytes(file)).isEqualTo(BODY);
    assertThat(part).doesNotExist();
    if (posix) {
      Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
      assertThat(partPermissions.get()).isEqualTo(ownerOnly);
      assertThat(Files.getPosixFilePermissions(file)).isEqualTo(ownerOnly);
    }
  }

  // Issue 8 defect 13: anything else at FILE.part (a directory here) is refused, not removed.
  @Test
  void aDirectoryAtThePartPathIsRefused(OriginServer server, @TempDir Path dir) throws Exception {
    script(server, List.of(r -> full().build()));
    Path part = Files.createDirectories(dir.resolve("model.bin.part"));
    Files.writeString(part.resolve("keep"), "x");
    assertThat(run("get", server.url("/model.bin").toString(), "-o", dir.resolve("model.bin").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("model.bin.part");
    assertThat(part.resolve("keep")).exists();
  }

  /** A chunked first response (no length known) that breaks after 600 000 bytes. */
  private static MockResponse chunkedThenClose() {
    return full().chunked(8192).fault(Fault.CLOSE_DURING_BODY, 600_000).build();
  }

  // Review finding 6: a 206 body longer than its Content-Range (chunked, so no Content-Length
  // caps it) was written to disk past the total. Nothing past the total may be written: the
  // response is rejected and the download restarts from zero.
  @Test
  void aBodyLongerThanItsRangeIsRejectedAndRestarted(OriginServer server, @TempDir Path dir) throws Exception {
    script(server, List.of(r -> chunkedThenClose(), r -> {
      int s = requestedStart(r);
      byte[] overlong = Arrays.copyOf(Arrays.copyOfRange(BODY, s, LENGTH), LENGTH - s + 100_000);
      return MockResponse.builder().status(206).header("ETag", ETAG)
          .header("Content-Range", "bytes " + s + "-" + (LENGTH - 1) + "/" + LENGTH)
          .body(overlong).chunked(8192).build();
    }, r -> full().build()));
    Path file = dir.resolve("model.bin");
    assertThat(getTo(server, file)).as(err.toString()).isZero();
    assertThat(Files.readAllBytes(file)).isEqualTo(BODY);
    // Nothing past the range was written; the download started over from zero.
    assertThat(server.requests().get(2).header("Range")).as("restart from zero").isEqualTo("bytes=0-");
  }

  // Review finding 1: two runs to the same FILE. The second deleted the first one's live .part,
  // and the first then renamed the second's half-written .part onto FILE. Now the second is
  // refused while the first holds its .part, and the first finishes intact.
  @Test
  void aSecondRunToTheSameFileIsRefusedWhileTheFirstIsWriting(OriginServer server, @TempDir Path dir)
      throws Exception {
    java.util.concurrent.CountDownLatch firstRequest = new java.util.concurrent.CountDownLatch(1);
    server.setDispatcher(r -> {
      firstRequest.countDown();
      // Throttled so the first run is still writing when the second one starts.
      return full().throttle(100_000, java.time.Duration.ofMillis(20)).build();
    });
    Path file = dir.resolve("model.bin");
    java.util.concurrent.CompletableFuture<Integer> first = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> getTo(server, file));
    assertThat(firstRequest.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    StringWriter err2 = new StringWriter();
    int second = HaulCli.execute(new String[] {"get", server.url("/model.bin").toString(), "-o", file.toString()},
        new PrintWriter(new StringWriter(), true), new PrintWriter(err2, true));
    assertThat(first.get(30, java.util.concurrent.TimeUnit.SECONDS)).as(err.toString()).isZero();
    assertThat(second).as(err2.toString()).isEqualTo(1);
    assertThat(err2.toString()).contains("another download is writing");
    assertThat(server.requestCount()).as("the second run sent nothing").isEqualTo(1);
    assertThat(Files.readAllBytes(file)).isEqualTo(BODY);
    assertThat(partFiles(dir)).isZero();
  }

  // Review finding 9: the stale-.part ownership check looked the user up by name, which fails for a
  // uid without a passwd entry (containers): the user's own stale .part was refused.
  @Test
  void aStalePartIsRecognisedAsOursByUidNotByUserName(OriginServer server, @TempDir Path dir) throws Exception {
    script(server, List.of(r -> full().build()));
    Path file = dir.resolve("model.bin");
    Files.writeString(dir.resolve("model.bin.part"), "stale");
    String name = System.getProperty("user.name");
    System.setProperty("user.name", "no-such-user-in-passwd-8");
    int code;
    try {
      code = getTo(server, file);
    } finally {
      System.setProperty("user.name", name);
    }
    assertThat(code).as(err.toString()).isZero();
    assertThat(Files.readAllBytes(file)).isEqualTo(BODY);
  }

  // Review finding 11: offsets must mean the same in every attempt, so the identity coding is asked for.
  @Test
  void everyAttemptAsksForTheIdentityCoding(OriginServer server, @TempDir Path dir) throws Exception {
    script(server, List.of(GetFileSafetyTest::goodThenReset, GetFileSafetyTest::good));
    Path file = dir.resolve("model.bin");
    assertThat(getTo(server, file)).as(err.toString()).isZero();
    assertThat(server.requests()).hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(r -> assertThat(r.header("Accept-Encoding")).isEqualTo("identity"));
  }

  // Review finding 13: a user Range or If-Range with -o would be saved as if it were the whole file.
  @Test
  void aUserRangeWithOutputIsAUsageError(OriginServer server, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("model.bin");
    assertThat(getTo(server, file, "-H", "Range: bytes=5-"))
        .isEqualTo(2);
    assertThat(getTo(server, file, "-H", "If-Range: \"x\""))
        .isEqualTo(2);
    assertThat(err.toString()).contains("-o");
    assertThat(server.requestCount()).isZero();
  }

  private static Object fileKey(Path p) throws Exception {
    return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
        .fileKey();
  }

}
