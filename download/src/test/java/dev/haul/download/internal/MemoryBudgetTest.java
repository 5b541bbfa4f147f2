package dev.haul.download.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

  @Test
  void permitsAreTheBudgetInConnectionsAndAFirstConnectionIsAlwaysGranted() {
    MemoryBudget b = new MemoryBudget(3 * MemoryBudget.PER_CONNECTION, () -> 0);
    assertThat(b.permits()).isEqualTo(3);
    assertThat(b.tryAcquire(0)).isTrue();
    assertThat(b.tryAcquire(1)).isTrue();
    assertThat(b.tryAcquire(2)).isTrue();
    assertThat(b.tryAcquire(3)).as("just over the budget").isFalse();
    assertThat(b.tryAcquire(0)).as("another download's first connection").isTrue();
    assertThat(b.used()).isEqualTo(4);
    b.release();
    b.release();
    assertThat(b.tryAcquire(1)).isTrue();
  }

  @Test
  void underPressureNoConnectionBeyondADownloadsFirstStarts() {
    AtomicReference<Double> pressure = new AtomicReference<>(0.0);
    MemoryBudget b = new MemoryBudget(64 * MemoryBudget.PER_CONNECTION, pressure::get);
    assertThat(b.tryAcquire(1)).isTrue();
    pressure.set(MemoryBudget.PRESSURE + 0.01);
    assertThat(b.tryAcquire(1)).isFalse();
    assertThat(b.tryAcquire(0)).isTrue();
    pressure.set(MemoryBudget.PRESSURE);
    assertThat(b.tryAcquire(2)).as("at the threshold, not above it").isTrue();
  }

  @Test
  void readAheadShrinksWhileTheLastSampleFoundPressureAndComesBackAfter() {
    AtomicReference<Double> pressure = new AtomicReference<>(0.0);
    MemoryBudget b = new MemoryBudget(64 * MemoryBudget.PER_CONNECTION, pressure::get);
    b.sample();
    assertThat(b.readAhead()).as("the transport's own").isEqualTo(Long.MAX_VALUE);
    pressure.set(MemoryBudget.PRESSURE + 0.01);
    assertThat(b.readAhead()).as("not before the next sample").isEqualTo(Long.MAX_VALUE);
    b.sample();
    assertThat(b.readAhead()).isEqualTo(MemoryBudget.PRESSED_READ_AHEAD);
    pressure.set(MemoryBudget.PRESSURE);
    b.sample();
    assertThat(b.readAhead()).as("at the threshold, not above it").isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aSegmentsChannelPassesTheBudgetsReadAheadToTheTransportThroughAnyView(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
    MemoryBudget b = new MemoryBudget(64 * MemoryBudget.PER_CONNECTION, () -> 1.0);
    b.sample();
    SegmentPlan plan = SegmentPlan.create(10, 10, 10);
    Segment s = plan.claim().orElseThrow();
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir.resolve("p"),
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
      SegmentChannel channel = new SegmentChannel(ch, plan, s, (end, n) -> { }, b);
      assertThat(channel.readAhead()).isEqualTo(MemoryBudget.PRESSED_READ_AHEAD);
      // Core wraps it (counting, bounding) before the transport sees it: the wish must get through.
      dev.haul.spi.PositionalWriteChannel view = new dev.haul.spi.PositionalWriteChannel(channel) {
        @Override
        public int write(java.nio.ByteBuffer src, long position) throws java.io.IOException {
          return target.write(src, position);
        }
      };
      assertThat(view.readAhead()).isEqualTo(MemoryBudget.PRESSED_READ_AHEAD);
    }
  }

  @Test
  void aBudgetBelowOneConnectionStillAllowsOne() {
    assertThat(new MemoryBudget(1, () -> 0).permits()).isEqualTo(1);
  }

  @Test
  void jvmSizesAreRead() {
    assertThat(MemoryBudget.jvmSize("512m")).isEqualTo(512L * 1024 * 1024);
    assertThat(MemoryBudget.jvmSize("1G")).isEqualTo(1024L * 1024 * 1024);
    assertThat(MemoryBudget.jvmSize("65536")).isEqualTo(65536);
    assertThat(MemoryBudget.jvmSize("lots")).isEqualTo(-1);
  }
}
