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
