package dev.haul.download;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteCountsTest {

  @Test
  void describeIsExactAndReadable() {
    assertThat(ByteCounts.describe(0)).isEqualTo("0 bytes");
    assertThat(ByteCounts.describe(1)).isEqualTo("1 byte");
    assertThat(ByteCounts.describe(1023)).isEqualTo("1023 bytes");
    assertThat(ByteCounts.describe(1024)).isEqualTo("1024 bytes (1.0 KiB)");
    assertThat(ByteCounts.describe(1536)).isEqualTo("1536 bytes (1.5 KiB)");
    assertThat(ByteCounts.describe(-2048)).isEqualTo("-2048 bytes (-2.0 KiB)");
    assertThat(ByteCounts.describe(10L << 30)).isEqualTo("10737418240 bytes (10.0 GiB)");
    assertThat(ByteCounts.describe(Long.MAX_VALUE)).endsWith("(8.0 EiB)");
  }

  @Test
  void humanPicksTheLargestUnitNotAboveTheCount() {
    assertThat(ByteCounts.human(1023)).isEqualTo("1023 B");
    assertThat(ByteCounts.human((1L << 20) - 1)).isEqualTo("1024.0 KiB");
    assertThat(ByteCounts.human(1L << 20)).isEqualTo("1.0 MiB");
    assertThat(ByteCounts.human(3L << 40)).isEqualTo("3.0 TiB");
    assertThat(ByteCounts.human(5L << 50)).isEqualTo("5.0 PiB");
    assertThat(ByteCounts.human(Long.MIN_VALUE)).isEqualTo("-8.0 EiB");
  }
}
