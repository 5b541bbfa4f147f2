package dev.haul.examples.cli;

import dev.haul.download.DownloadProgress;
import dev.haul.download.DownloadResult;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * A one-line progress display of a download: received and durable bytes, percentage, rate, ETA and
 * active connections. On a terminal it redraws one line with carriage returns; elsewhere it prints
 * a line at every quarter; it can also be off. Thread-safe: the downloader reports from its own
 * threads.
 */
final class Progress {

  enum Mode { TERMINAL, LINES, OFF }

  private static final long REDRAW_NANOS = 150_000_000L;

  private final PrintStream out;
  private final Mode mode;
  private final String label;
  private long lastDraw;
  private int lastQuarter;
  private boolean drawn;

  Progress(PrintStream out, Mode mode, String label) {
    this.out = out;
    this.mode = mode;
    this.label = label;
  }

  synchronized void update(DownloadProgress p) {
    long now = System.nanoTime();
    switch (mode) {
      case TERMINAL -> {
        if (!drawn || now - lastDraw > REDRAW_NANOS) {
          lastDraw = now;
          drawn = true;
          out.print("\r" + line(p) + "   ");
          out.flush();
        }
      }
      case LINES -> {
        long total = p.total().orElse(-1);
        int quarter = total > 0 ? (int) (p.received() * 4 / total) : -1;
        if (quarter > lastQuarter && quarter < 4) {
          lastQuarter = quarter;
          out.println(line(p));
          out.flush();
        }
      }
      default -> { }
    }
  }

  /** The download finished: a last line with the totals. */
  synchronized void finish(DownloadResult r) {
    if (mode == Mode.OFF) {
      return;
    }
    double seconds = Math.max(1e-3, r.elapsed().toNanos() / 1e9);
    String line = label + "  " + size(r.size()) + "  " + size((long) (r.size() / seconds)) + "/s"
        + (r.resumedFrom() > 0 ? "  resumed from " + size(r.resumedFrom()) : "")
        + "  " + r.connections() + (r.connections() == 1 ? " connection" : " connections") + "  verified";
    out.print((mode == Mode.TERMINAL ? "\r" : "") + line + "   \n");
    out.flush();
  }

  /** The download failed or was cancelled: end a half-drawn line so the error starts on its own. */
  synchronized void abandon() {
    if (mode == Mode.TERMINAL && drawn) {
      out.println();
      out.flush();
    }
  }

  String line(DownloadProgress p) {
    StringBuilder sb = new StringBuilder(label).append("  ").append(size(p.received()));
    long total = p.total().orElse(-1);
    if (total > 0) {
      sb.append(" / ").append(size(total))
          .append(String.format(Locale.ROOT, "  %3d%%", Math.min(100, p.received() * 100 / total)));
    }
    sb.append("  (durable ").append(size(p.durable())).append(')');
    sb.append("  ").append(size((long) p.bytesPerSecond())).append("/s");
    p.eta().ifPresent(eta -> sb.append("  ETA ").append(eta(eta)));
    int n = p.segments().size();
    sb.append("  ").append(n).append(n == 1 ? " connection" : " connections");
    if (p.state() != DownloadProgress.State.RUNNING) {
      sb.append("  ").append(p.state().name().toLowerCase(Locale.ROOT));
    }
    return sb.toString();
  }

  static String eta(Duration d) {
    long s = Math.max(0, d.toSeconds());
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
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
