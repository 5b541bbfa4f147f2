package dev.haul.download;

import java.util.Locale;

/** Byte counts for messages: exact and readable at once. */
final class ByteCounts {

  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private ByteCounts() {}

  /** {@code "1536 bytes (1.5 KiB)"}; small counts just {@code "512 bytes"}. */
  static String describe(long bytes) {
    String exact = bytes + (bytes == 1 ? " byte" : " bytes");
    return Math.abs(bytes) < 1024 ? exact : exact + " (" + human(bytes) + ")";
  }

  /** One decimal in the largest binary unit not above the count: {@code "9.0 GiB"}. */
  static String human(long bytes) {
    long abs = bytes == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(bytes);
    if (abs < 1024) {
      return bytes + " B";
    }
    int unit = (63 - Long.numberOfLeadingZeros(abs)) / 10; // 1 for KiB, 2 for MiB, ...
    double value = bytes / Math.pow(1024, unit);
    return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit - 1]);
  }
}
