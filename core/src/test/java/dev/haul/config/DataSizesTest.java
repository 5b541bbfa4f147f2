package dev.haul.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class DataSizesTest {

  @Test
  void parsesUnits() {
    assertThat(DataSizes.parse("4096")).isEqualTo(4096);
    assertThat(DataSizes.parse("64KiB")).isEqualTo(65536);
    assertThat(DataSizes.parse("64 kb")).isEqualTo(65536);
    assertThat(DataSizes.parse("1GiB")).isEqualTo(1L << 30);
    assertThat(DataSizes.parse("2m")).isEqualTo(2L << 20);
    assertThatThrownBy(() -> DataSizes.parse("lots")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DataSizes.parse("99999999999TiB")).isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void formatReadsBack(@ForAll @LongRange(min = 0, max = 1L << 50) long n) {
    assertThat(DataSizes.parse(DataSizes.format(n))).isEqualTo(n);
  }

  @Property
  void durationFormatReadsBack(@ForAll @LongRange(min = 0, max = 1L << 50) long nanos) {
    Duration d = Duration.ofNanos(nanos);
    assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
  }
}
