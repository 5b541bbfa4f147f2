package dev.haul.examples.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress display: bytes, percentage, rate and ETA. On a terminal it redraws one
 * line with carriage returns; elsewhere it prints a line at every quarter; it can also be off.
 */
final class Progress {

  enum Mode { TERMINAL, LINES, OFF }

  private final PrintStream out;
  private final Mode mode;
  private final String label;
  private final long start = System.nanoTime();
  private long lastDraw;
  private int lastQuarter;

  Progress(PrintStream out, Mode mode, String label) {
    this.out = out;
    this.mode = mode;
    this.label = label;
  }

  /** Terminal mode when there is a console, otherwise off. */
  static Progress auto(PrintStream out, String label, boolean quiet) {
    return new Progress(out, quiet || System.console() == null ? Mode.OFF : Mode.TERMINAL, label);
  }

  void update(long bytes, long total) {
    long now = System.nanoTime();
    switch (mode) {
      case TERMINAL -> {
        if (now - lastDraw > 150_000_000L) {
          lastDraw = now;
          out.print("\r" + line(bytes, total, now) + "   ");
          out.flush();
        }
      }
      case LINES -> {
        int quarter = total > 0 ? (int) (bytes * 4 / total) : -1;
        if (quarter > lastQuarter && quarter < 4) {
          lastQuarter = quarter;
          out.println(line(bytes, total, now));
        }
      }
      default -> { }
    }
  }

  void finish(long bytes, long total) {
    if (mode == Mode.TERMINAL) {
      out.print("\r" + line(bytes, total, System.nanoTime()) + "   \n");
    } else if (mode == Mode.LINES) {
      out.println(line(bytes, total, System.nanoTime()));
    }
    out.flush();
  }

  String line(long bytes, long total, long now) {
    double seconds = Math.max(1e-3, (now - start) / 1e9);
    double rate = bytes / seconds;
    StringBuilder sb = new StringBuilder(label).append("  ").append(size(bytes));
    if (total > 0) {
      sb.append(" / ").append(size(total))
          .append(String.format(Locale.ROOT, "  %3d%%", Math.min(100, bytes * 100 / total)));
    }
    sb.append("  ").append(size((long) rate)).append("/s");
    if (total > 0 && rate > 0 && bytes < total) {
      long eta = (long) ((total - bytes) / rate);
      sb.append(String.format(Locale.ROOT, "  ETA %02d:%02d", eta / 60, eta % 60));
    }
    return sb.toString();
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
