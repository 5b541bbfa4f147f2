package dev.haul.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.BodyHandlers;
import dev.haul.BodyTooLargeException;
import dev.haul.DeadlineExceededException;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.PartialTransferException;
import dev.haul.RecordingFileOps;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.spi.RetryPolicy;
import dev.haul.testkit.Fault;
import dev.haul.testkit.MockResponse;
import dev.haul.testkit.OriginServer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link BodyHandlers#ofFileChannel} end to end over Netty: positional writes into a file the
 * caller owns, straight from the transport's buffers, with the exact count of what was written
 * when the body breaks, passes its bound or the call's deadline passes.
 */
class FileChannelTransferTest extends EndToEndTestBase {

  private static final int FILE = 2 * 1024 * 1024;

  private HaulClient client() {
    return client(Haul.newBuilder().transport(NettyTransport.create()).retryPolicy(RetryPolicy.none()));
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /**
   * A file whose range {@code [at, at + content.length)} holds the complement of {@code content}
   * (so every byte the body writes there changes) and whose other bytes are 0x5A.
   */
  private Path prefilled(long at, byte[] content) throws IOException {
    byte[] file = new byte[FILE];
    Arrays.fill(file, (byte) 0x5A);
    for (int i = 0; i < content.length && at + i < FILE; i++) {
      file[(int) at + i] = (byte) ~content[i];
    }
    Path p = dir.resolve("target.bin");
    Files.write(p, file);
    return p;
  }

  /**
   * Asserts that the file holds {@code content}'s first {@code written} bytes at {@code at}, and
   * that every other byte is as {@link #prefilled} left it.
   */
  private static void assertWrittenExactly(Path p, long at, byte[] content, long written) throws IOException {
    byte[] file = Files.readAllBytes(p);
    assertThat(file).hasSize(FILE);
    for (int i = 0; i < FILE; i++) {
      long k = i - at;
      byte expected = k >= 0 && k < written ? content[(int) k]
          : k >= 0 && k < content.length ? (byte) ~content[(int) k] : (byte) 0x5A;
      if (file[i] != expected) {
        throw new AssertionError("byte " + i + " (offset " + k + " in the body, " + written
            + " written): expected " + expected + ", found " + file[i]);
      }
    }
  }

  private static PartialTransferException partial(Throwable t) {
    Throwable c = t instanceof ExecutionException ? t.getCause() : t;
    assertThat(c).isInstanceOf(PartialTransferException.class);
    return (PartialTransferException) c;
  }

  @Test
  void writesAtTheOffsetStraightFromTheTransportsBuffersAndNothingElse() throws Exception {
    OriginServer server = server();
    byte[] content = random(1024 * 1024 + 17, 1);
    long at = 300_001;
    server.enqueue(MockResponse.builder().status(200).body(content).chunked(64 * 1024).build());
    Path p = prefilled(at, content);
    AtomicLong progress = new AtomicLong();

    Response<Long> r;
    RecordingFileOps ops = new RecordingFileOps();
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      ch.position(7);
      r = client().sendAsync(Request.newBuilder(server.url("/f")).build(),
          BodyHandlers.ofFileChannel(ops.recording(ch), at, content.length, progress::set)).get(30, TimeUnit.SECONDS);
      assertThat(ch.position()).as("the caller's position is left alone").isEqualTo(7);
    }
    // Zero copy: the transport's own (direct) buffers reach the channel, on its file threads;
    // only positional writes, and the channel is neither moved, truncated nor closed.
    assertThat(ops.threads.keySet()).containsExactly("write");
    assertThat(ops.threads.get("write")).allMatch(t -> t.getName().startsWith("haul-file-io-"));

    assertThat(r.body()).isEqualTo(content.length);
    assertThat(progress.get()).isEqualTo(content.length);
    assertWrittenExactly(p, at, content, content.length);
  }

  @Test
  void aChannelAskingForTheSmallestReadAheadStillGetsEveryByteOnce() throws Exception {
    // A read-ahead of 1 byte: the transport may hold no more than one socket read while a write
    // runs. A transport that took it literally (never read while a byte is queued) would hang here.
    OriginServer server = server();
    byte[] content = random(1024 * 1024 + 5, 3);
    server.enqueue(MockResponse.builder().status(200).body(content).chunked(16 * 1024).build());
    Path p = prefilled(0, content);
    AtomicLong asked = new AtomicLong();
    Response<Long> r;
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      dev.haul.spi.PositionalWriteChannel slow = new dev.haul.spi.PositionalWriteChannel(ch) {
        @Override
        public long readAhead() {
          asked.incrementAndGet();
          return 1;
        }

        @Override
        public int write(java.nio.ByteBuffer src, long position) throws IOException {
          return target.write(src, position);
        }
      };
      r = client().sendAsync(Request.newBuilder(server.url("/f")).build(),
          BodyHandlers.ofFileChannel(slow, 0, content.length, n -> {})).get(30, TimeUnit.SECONDS);
    }
    assertThat(r.body()).isEqualTo(content.length);
    assertThat(asked.get()).as("the transport consulted the channel's read-ahead").isPositive();
    assertWrittenExactly(p, 0, content, content.length);
  }

  @Test
  void aBodyCutMidwayReportsTheBytesReallyWritten() throws Exception {
    OriginServer server = server();
    byte[] content = random(512 * 1024, 2);
    long at = 65_537;
    server.enqueue(MockResponse.builder().status(200).body(content).fault(Fault.CLOSE_DURING_BODY, 200_000).build());
    Path p = prefilled(at, content);
    AtomicLong progress = new AtomicLong();

    PartialTransferException e;
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      e = partial(catching(() -> client().sendAsync(Request.newBuilder(server.url("/f")).build(),
          BodyHandlers.ofFileChannel(ch, at, content.length, progress::set)).get(30, TimeUnit.SECONDS)));
    }

    assertThat(e.bytesTransferred()).isBetween(0L, 200_000L).isEqualTo(progress.get());
    assertThat(e.getCause()).isInstanceOf(dev.haul.HaulException.class);
    assertThat(e.isTransient()).isTrue(); // a cut connection: asking for the rest may work
    assertThat(e.sendState()).isEqualTo(((dev.haul.HaulException) e.getCause()).sendState());
    assertWrittenExactly(p, at, content, e.bytesTransferred());
  }

  @Test
  void aBodyLongerThanMaxBytesFailsAndWritesNothingPastTheRange() throws Exception {
    OriginServer server = server();
    byte[] content = random(700_000, 3);
    long at = 1000;
    long max = 500_000;
    // Chunked: no length to refuse up front; the bound is met in the middle of the body.
    server.enqueue(MockResponse.builder().status(200).body(content).chunked(16 * 1024).build());
    Path p = prefilled(at, content);

    PartialTransferException e;
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      e = partial(catching(() -> client().send(Request.newBuilder(server.url("/f")).build(),
          BodyHandlers.ofFileChannel(ch, at, max))));
    }

    assertThat(e.getCause()).isInstanceOf(BodyTooLargeException.class);
    assertThat(((BodyTooLargeException) e.getCause()).limit()).isEqualTo(max);
    assertThat(e.isTransient()).isFalse();
    assertThat(e.bytesTransferred()).isLessThanOrEqualTo(max);
    assertWrittenExactly(p, at, content, e.bytesTransferred());
  }

  @Test
  void aDeclaredLengthAboveMaxBytesIsRefusedBeforeAnyByteIsWritten() throws Exception {
    OriginServer server = server();
    byte[] content = random(100_000, 4);
    server.enqueue(MockResponse.builder().status(200).body(content).build());
    Path p = prefilled(0, content);

    PartialTransferException e;
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      e = partial(catching(() -> client().send(Request.newBuilder(server.url("/f")).build(),
          BodyHandlers.ofFileChannel(ch, 0, content.length - 1))));
    }

    assertThat(e.bytesTransferred()).isZero();
    assertThat(e.getCause()).isInstanceOf(BodyTooLargeException.class);
    assertWrittenExactly(p, 0, content, 0);
  }

  @Test
  void aBodyOfExactlyMaxBytesIsComplete() throws Exception {
    OriginServer server = server();
    byte[] content = random(100_000, 5);
    server.enqueue(MockResponse.builder().status(200).body(content).chunked(8192).build());
    Path p = prefilled(FILE - content.length, content);

    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      Response<Long> r = client().send(Request.newBuilder(server.url("/f")).build(),
          BodyHandlers.ofFileChannel(ch, FILE - content.length, content.length));
      assertThat(r.body()).isEqualTo(content.length);
    }
    assertWrittenExactly(p, FILE - content.length, content, content.length);
  }

  @Test
  void whenTheDeadlineEndsTheCallProgressHoldsTheFinalCount() throws Exception {
    OriginServer server = server();
    byte[] content = random(400_000, 6);
    long at = 4096;
    // 8 KiB every 20 ms: far longer than the deadline, so the deadline ends it mid-body.
    server.enqueue(MockResponse.builder().status(200).body(content).throttle(8192, Duration.ofMillis(20)).build());
    Path p = prefilled(at, content);
    AtomicLong progress = new AtomicLong();

    Throwable t;
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      t = catching(() -> client().send(Request.newBuilder(server.url("/f")).callTimeout(Duration.ofMillis(300)).build(),
          BodyHandlers.ofFileChannel(ch, at, content.length, progress::set)));
      // Read while the channel is still open: a late write would land now, and must not.
      assertWrittenExactly(p, at, content, progress.get());
    }
    assertThat(t).isInstanceOf(DeadlineExceededException.class);
    assertThat(progress.get()).isLessThan(content.length);
  }

  private interface Call {
    Object run() throws Exception;
  }

  private static Throwable catching(Call c) {
    try {
      c.run();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a failure");
  }
}
