package dev.haul.download.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.download.DownloadFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashCursorTest {

  @TempDir
  Path dir;

  private Path file(byte[] content) throws IOException {
    return Files.write(dir.resolve("f.part"), content);
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] sha256(byte[] content) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(content);
  }

  @Test
  void advanceToDoesNoIoOnTheCallersThread() throws Exception {
    byte[] content = random(100_000, 1);
    ManualExecutor executor = new ManualExecutor();
    AtomicInteger reads = new AtomicInteger();
    try (FileChannel ch = new ForwardingFileChannel(FileChannel.open(file(content))) {
      @Override
      public int read(ByteBuffer dst, long position) throws IOException {
        reads.incrementAndGet();
        return super.read(dst, position);
      }
    }) {
      HashCursor cursor = new HashCursor(ch, dir, content.length, executor, 4096);
      cursor.advanceTo(50_000);
      cursor.advanceTo(content.length);
      assertThat(reads).hasValue(0);
      assertThat(cursor.hashed()).isZero();
      assertThat(cursor.target()).isEqualTo(content.length);
      assertThat(executor.queued()).as("advances coalesce into one worker").isEqualTo(1);
      executor.runAll();
      assertThat(cursor.finish().getNow(null)).isEqualTo(sha256(content));
      assertThat(cursor.hashed()).isEqualTo(content.length);
    }
  }

  @Test
  void bufferIsBoundedAndReused() throws Exception {
    byte[] content = random(1_000_000, 2);
    Set<Integer> buffers = ConcurrentHashMap.newKeySet();
    AtomicInteger largestRead = new AtomicInteger();
    try (FileChannel ch = new ForwardingFileChannel(FileChannel.open(file(content))) {
      @Override
      public int read(ByteBuffer dst, long position) throws IOException {
        buffers.add(System.identityHashCode(dst));
        largestRead.accumulateAndGet(dst.remaining(), Math::max);
        return super.read(dst, position);
      }
    }) {
      HashCursor cursor = new HashCursor(ch, dir, content.length, Runnable::run, 65_536);
      for (int at = 0; at <= content.length; at += 123_457) {
        cursor.advanceTo(at);
      }
      cursor.advanceTo(content.length);
      assertThat(cursor.finish().get()).isEqualTo(sha256(content));
      assertThat(largestRead.get()).isLessThanOrEqualTo(65_536);
      assertThat(buffers).hasSize(1);
    }
  }

  @Test
  void theDefaultBufferIs256KiB() throws Exception {
    byte[] content = random(600_000, 3);
    AtomicInteger largestRead = new AtomicInteger();
    try (FileChannel ch = new ForwardingFileChannel(FileChannel.open(file(content))) {
      @Override
      public int read(ByteBuffer dst, long position) throws IOException {
        largestRead.accumulateAndGet(dst.capacity(), Math::max);
        return super.read(dst, position);
      }
    }) {
      HashCursor cursor = new HashCursor(ch, dir, content.length, Runnable::run);
      cursor.advanceTo(content.length);
      assertThat(cursor.finish().get()).isEqualTo(sha256(content));
      assertThat(largestRead.get()).isEqualTo(HashCursor.DEFAULT_BUFFER_SIZE).isEqualTo(256 * 1024);
    }
  }

  @Test
  void resumeRehashesThePrefixOnceReadingEachByteOnce() throws Exception {
    byte[] content = random(300_000, 4);
    List<long[]> reads = Collections.synchronizedList(new ArrayList<>());
    try (FileChannel ch = new ForwardingFileChannel(FileChannel.open(file(content))) {
      @Override
      public int read(ByteBuffer dst, long position) throws IOException {
        int n = super.read(dst, position);
        reads.add(new long[] {position, n});
        return n;
      }
    }) {
      HashCursor cursor = new HashCursor(ch, dir, content.length, Runnable::run, 10_000);
      cursor.advanceTo(200_000); // the durable prefix found on resume
      assertThat(cursor.hashed()).isEqualTo(200_000);
      cursor.advanceTo(250_000);
      cursor.advanceTo(content.length);
      assertThat(cursor.finish().get()).isEqualTo(sha256(content));
      long expected = 0;
      for (long[] r : reads) {
        assertThat(r[0]).as("reads are contiguous, none repeated").isEqualTo(expected);
        expected += r[1];
      }
      assertThat(expected).isEqualTo(content.length);
    }
  }

  @Test
  void advancingBackwardsIsIgnored() throws Exception {
    byte[] content = random(10_000, 5);
    ManualExecutor executor = new ManualExecutor();
    try (FileChannel ch = FileChannel.open(file(content))) {
      HashCursor cursor = new HashCursor(ch, dir, content.length, executor, 1000);
      cursor.advanceTo(6000);
      executor.runAll();
      cursor.advanceTo(3000);
      cursor.advanceTo(0);
      cursor.advanceTo(6000);
      assertThat(executor.queued()).as("nothing new to do").isZero();
      assertThat(cursor.target()).isEqualTo(6000);
      assertThat(cursor.hashed()).isEqualTo(6000);
      assertThat(cursor.finish()).isNotDone();
      cursor.advanceTo(content.length);
      executor.runAll();
      assertThat(cursor.finish().getNow(null)).isEqualTo(sha256(content));
    }
  }

  @Test
  void aLongRunYieldsTheExecutorEverySlice() throws Exception {
    int length = (int) (HashCursor.SLICE_BYTES * 2 + 12345);
    byte[] content = random(length, 6);
    ManualExecutor executor = new ManualExecutor();
    try (FileChannel ch = FileChannel.open(file(content))) {
      HashCursor cursor = new HashCursor(ch, dir, length, executor);
      cursor.advanceTo(length);
      assertThat(executor.runOne()).isTrue();
      assertThat(cursor.hashed()).isEqualTo(HashCursor.SLICE_BYTES);
      assertThat(executor.queued()).as("the worker resubmitted itself").isEqualTo(1);
      assertThat(executor.runAll()).isEqualTo(2);
      assertThat(cursor.finish().getNow(null)).isEqualTo(sha256(content));
    }
  }

  @Test
  void concurrentAdvancesFromManyThreads() throws Exception {
    byte[] content = random(3_000_000, 7);
    ExecutorService hashing = Executors.newFixedThreadPool(2);
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try (FileChannel ch = FileChannel.open(file(content))) {
      for (int round = 0; round < 20; round++) {
        HashCursor cursor = new HashCursor(ch, dir, content.length, hashing, 8192);
        CountDownLatch start = new CountDownLatch(1);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          done.add(callers.submit(() -> {
            start.await();
            for (int i = 0; i < 200; i++) {
              cursor.advanceTo(ThreadLocalRandom.current().nextInt(content.length + 1));
            }
            return null;
          }));
        }
        start.countDown();
        for (var f : done) {
          f.get(30, TimeUnit.SECONDS);
        }
        cursor.advanceTo(content.length);
        assertThat(cursor.finish().get(30, TimeUnit.SECONDS)).isEqualTo(sha256(content));
      }
    } finally {
      hashing.shutdownNow();
      callers.shutdownNow();
    }
  }

  /**
   * Stress: many small advances racing a worker that keeps stopping. An advance that lands just as
   * the worker clears its flag must still be hashed (a lost wake-up would leave finish() pending).
   * The window is narrow, so this is a smoke test; the re-check after clearing the flag is also
   * what {@link #aLongRunYieldsTheExecutorEverySlice} depends on.
   */
  @Test
  void noAdvanceIsLostWhileTheWorkerStops() throws Exception {
    byte[] content = random(2000, 13);
    byte[] expected = sha256(content);
    ExecutorService hashing = Executors.newFixedThreadPool(2);
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try (FileChannel ch = FileChannel.open(file(content))) {
      for (int round = 0; round < 300; round++) {
        HashCursor cursor = new HashCursor(ch, dir, content.length, hashing, 16);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int start = t;
          done.add(callers.submit(() -> {
            for (int at = start; at <= content.length; at += 4) {
              cursor.advanceTo(at);
            }
          }));
        }
        for (var f : done) {
          f.get(30, TimeUnit.SECONDS);
        }
        // No final advanceTo(length) here: the callers' last advances must be enough.
        assertThat(cursor.finish().get(30, TimeUnit.SECONDS)).isEqualTo(expected);
      }
    } finally {
      hashing.shutdownNow();
      callers.shutdownNow();
    }
  }

  @Test
  void aClosedChannelFailsFinishTyped() throws Exception {
    byte[] content = random(10_000, 8);
    FileChannel ch = FileChannel.open(file(content));
    HashCursor cursor = new HashCursor(ch, dir.resolve("f.part"), content.length, Runnable::run, 1000);
    cursor.advanceTo(3000);
    ch.close();
    cursor.advanceTo(content.length);
    assertThatThrownBy(() -> cursor.finish().get())
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(DownloadFileException.class)
        .hasMessageContaining("f.part").hasMessageContaining("offset 3000")
        .hasCauseInstanceOf(ClosedChannelException.class);
    assertThat(cursor.hashed()).isEqualTo(3000);
    cursor.advanceTo(content.length); // after a failure, advancing is harmless
  }

  @Test
  void aFileShorterThanDeclaredFailsFinishTyped() throws Exception {
    byte[] content = random(10_000, 9);
    try (FileChannel ch = FileChannel.open(file(content))) {
      HashCursor cursor = new HashCursor(ch, dir, 20_000, Runnable::run, 4096);
      cursor.advanceTo(20_000);
      assertThatThrownBy(() -> cursor.finish().join())
          .cause().isInstanceOf(DownloadFileException.class)
          .cause().hasMessageContaining("file ended at 10000 bytes, but 20000 were declared written");
    }
  }

  @Test
  void cancelFailsFinishAndStopsWork() throws Exception {
    byte[] content = random(10_000, 10);
    ManualExecutor executor = new ManualExecutor();
    try (FileChannel ch = FileChannel.open(file(content))) {
      HashCursor cursor = new HashCursor(ch, dir, content.length, executor, 1000);
      cursor.advanceTo(content.length);
      cursor.cancel();
      executor.runAll();
      assertThat(cursor.hashed()).isZero();
      assertThatThrownBy(() -> cursor.finish().join()).hasCauseInstanceOf(CancellationException.class);
    }
  }

  @Test
  void aRejectingExecutorFailsFinish() throws Exception {
    byte[] content = random(100, 11);
    try (FileChannel ch = FileChannel.open(file(content))) {
      HashCursor cursor = new HashCursor(ch, dir, content.length, task -> {
        throw new RejectedExecutionException("shut down");
      });
      cursor.advanceTo(content.length);
      assertThatThrownBy(() -> cursor.finish().join()).cause()
          .isInstanceOf(RejectedExecutionException.class);
    }
  }

  @Test
  void emptyFileHasTheEmptyDigestAtOnce() throws Exception {
    try (FileChannel ch = FileChannel.open(file(new byte[0]))) {
      HashCursor cursor = new HashCursor(ch, dir, 0, task -> {
        throw new AssertionError("no work expected");
      });
      cursor.advanceTo(0);
      assertThat(HexFormat.of().formatHex(cursor.finish().join()))
          .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
  }

  @Test
  void finishHandsOutCopies() throws Exception {
    byte[] content = random(100, 12);
    try (FileChannel ch = FileChannel.open(file(content))) {
      HashCursor cursor = new HashCursor(ch, dir, content.length, Runnable::run);
      cursor.advanceTo(content.length);
      cursor.finish().join()[0] ^= 1;
      assertThat(cursor.finish().join()).isEqualTo(sha256(content));
    }
  }

  @Test
  void invalidArgumentsAreRejected() throws Exception {
    try (FileChannel ch = FileChannel.open(file(new byte[10]), StandardOpenOption.READ)) {
      HashCursor cursor = new HashCursor(ch, dir, 10, Runnable::run);
      assertThatThrownBy(() -> cursor.advanceTo(11)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("offset: 11 (expected: >= 0 and <= 10)");
      assertThatThrownBy(() -> cursor.advanceTo(-1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new HashCursor(ch, dir, -1, Runnable::run))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new HashCursor(ch, dir, 10, Runnable::run, 0))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("bufferSize: 0 (expected: >= 1)");
      assertThatThrownBy(() -> new HashCursor(null, dir, 10, Runnable::run))
          .isInstanceOf(NullPointerException.class);
    }
  }
}
