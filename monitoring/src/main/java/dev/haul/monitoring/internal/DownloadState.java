package dev.haul.monitoring.internal;

/** One download as the dashboard shows it. Its events come from several threads: all methods lock. */
public final class DownloadState {

  /** What the snapshot shows of one download. */
  public record View(String id, String state, long total, long received, double bytesPerSecond,
      long etaSeconds, int segments, long resumedFrom, int restarts, long startedAtMillis,
      long elapsedMillis, String failure) {}

  private final String id;
  private final long startedAtMillis = System.currentTimeMillis();
  private final long startNanos = System.nanoTime();
  private long total = -1;
  private long received;
  private long counted; // bytes already added to haul.downloads.bytes
  private double rate;
  private int segments;
  private long resumedFrom;
  private int restarts;
  private String state = "running";
  private long elapsedMillis = -1;
  private String failure;

  DownloadState(String id) {
    this.id = id;
  }

  synchronized void started(long total, long resumedFrom) {
    this.total = total;
    this.resumedFrom = resumedFrom;
    this.received = Math.max(received, resumedFrom);
    this.counted = Math.max(counted, resumedFrom); // what a resume kept was counted by the run that fetched it
  }

  /** New progress; returns the bytes received since the last report. */
  synchronized long progress(long total, long received, int segments, double rate) {
    if (total >= 0) {
      this.total = total;
    }
    this.received = received;
    this.segments = segments;
    this.rate = rate;
    return newBytes(received);
  }

  private long newBytes(long now) {
    if (now < counted) {
      counted = now; // restarted from zero: count from there
      return 0;
    }
    long delta = now - counted;
    counted = now;
    return delta;
  }

  synchronized void restarted() {
    restarts++;
    received = 0;
    counted = 0;
  }

  /** The download ended; returns the bytes not yet counted. */
  synchronized long finish(long finalBytes, String outcome, String failure) {
    this.state = outcome;
    this.failure = failure;
    this.elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;
    this.rate = 0;
    this.segments = 0;
    long delta = finalBytes > counted ? finalBytes - counted : 0;
    counted = Math.max(counted, finalBytes);
    if ("completed".equals(outcome)) {
      received = Math.max(received, finalBytes);
      if (total < 0) {
        total = received;
      }
    }
    return delta;
  }

  synchronized double rate() {
    return rate;
  }

  synchronized View view() {
    long eta = total >= 0 && rate > 1 ? (long) ((total - received) / rate) : -1;
    return new View(id, state, total, received, rate, eta, segments, resumedFrom, restarts, startedAtMillis,
        elapsedMillis >= 0 ? elapsedMillis : (System.nanoTime() - startNanos) / 1_000_000, failure);
  }
}
