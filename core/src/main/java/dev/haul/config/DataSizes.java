package dev.haul.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints byte counts: {@code 4096}, {@code 64KiB}, {@code 1GiB}, {@code 10MB}. The units
 * are powers of 1024 whether written KiB or KB; {@link #format} gives the shortest exact form, which
 * {@link #parse} reads back to the same count.
 */
public final class DataSizes {

  private static final Pattern SIZE =
      Pattern.compile("(-?\\d+)\\s*(b|kb|kib|k|mb|mib|m|gb|gib|g|tb|tib|t)?", Pattern.CASE_INSENSITIVE);

  private DataSizes() {}

  /** Bytes for {@code text}; KiB/MiB/GiB and KB/MB/GB are both powers of 1024 here. */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size: " + text);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    int shift = switch (unit.charAt(0)) {
      case 'k' -> 10;
      case 'm' -> 20;
      case 'g' -> 30;
      case 't' -> 40;
      default -> 0;
    };
    if (shift > 0 && Math.abs(n) > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("size too large: " + text);
    }
    return n << shift;
  }

  /** The shortest exact form: {@code 64KiB}, {@code 1GiB}, {@code 1000}. */
  public static String format(long bytes) {
    String[] units = {"TiB", "GiB", "MiB", "KiB"};
    int[] shifts = {40, 30, 20, 10};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << shifts[i];
      if (bytes != 0 && bytes % unit == 0) {
        return (bytes >> shifts[i]) + units[i];
      }
    }
    return Long.toString(bytes);
  }
}
