package dev.haul.download.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Several threads drive one plan as connections would (claim or race, reserve, write, report,
 * complete, sometimes fail and release) until it is complete. Afterwards every byte holds the right
 * value, was written at least once, and more than once only inside a reported race.
 */
class SegmentPlanConcurrencyTest {

  private static final int THREADS = 6;

  @RepeatedTest(12)
  void threadsClaimingAndCompletingCoverEveryByteExactlyOnce(RepetitionInfo repetition) throws Exception {
    int length = 200_003 + repetition.getCurrentRepetition() * 7919;
    int piece = 1 + repetition.getCurrentRepetition() * 97;
    SegmentPlan plan = SegmentPlan.create(length, piece, piece);
    byte[] file = new byte[length];
    AtomicIntegerArray writes = new AtomicIntegerArray(length);
    List<Span> races = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        Random random = new Random(31L * repetition.getCurrentRepetition() + t);
        workers.add(pool.submit(() -> {
          start.await();
          work(plan, random, file, writes, races);
          return null;
        }));
      }
      start.countDown();
      for (Future<?> w : workers) {
        w.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }

    plan.checkInvariants();
    assertThat(plan.isComplete()).isTrue();
    assertThat(plan.lowestIncompleteOffset()).isEqualTo(length);
    assertThat(plan.snapshot().segments()).isEmpty();
    RangeSet raced = new RangeSet();
    races.forEach(r -> raced.add(r.start(), r.end()));
    for (int i = 0; i < length; i++) {
      assertThat(file[i]).as("byte %d", i).isEqualTo(content(i));
      int n = writes.get(i);
      assertThat(n).as("writes of byte %d", i).isPositive();
      if (n > 1) {
        assertThat(raced.encloses(i, i + 1)).as("byte %d written %d times outside a race", i, n).isTrue();
      }
    }
  }

  private static void work(SegmentPlan plan, Random random, byte[] file, AtomicIntegerArray writes, List<Span> races) {
    while (!plan.isComplete()) {
      Optional<Segment> claimed = plan.claim();
      if (claimed.isEmpty()) {
        claimed = plan.endGame();
        claimed.ifPresent(d -> races.add(new Span(d.start(), d.end())));
      }
      if (claimed.isEmpty()) {
        // Others hold the rest; a release may free some of it again.
        Thread.yield();
        continue;
      }
      Segment segment = claimed.get();
      long position = segment.start();
      boolean failed = false;
      while (true) {
        long granted = plan.reserve(segment, 1 + random.nextInt(4096));
        if (granted == 0) {
          break;
        }
        if (random.nextInt(200) == 0) {
          // The connection drops with bytes in hand: they never reach the file.
          failed = true;
          break;
        }
        for (long i = position; i < position + granted; i++) {
          file[(int) i] = content(i);
          writes.incrementAndGet((int) i);
        }
        position += granted;
        plan.progress(segment, position);
      }
      if (failed) {
        plan.release(segment);
      } else {
        plan.complete(segment);
      }
    }
  }

  private static byte content(long offset) {
    return (byte) (offset * 31 + (offset >>> 8));
  }
}
