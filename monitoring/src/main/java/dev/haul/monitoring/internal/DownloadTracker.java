package dev.haul.monitoring.internal;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import dev.haul.spi.HaulEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Downloads as the download module reports them through the client's listeners ({@code module()}
 * is {@code download}; events told apart by their simple type name, fields read by name), without
 * a dependency on that module: {@code haul.downloads.*}, plus the live state of each download for
 * the dashboard (bounded: at most {@value #MAX_ACTIVE} tracked at once and the last
 * {@value #MAX_FINISHED} finished ones).
 */
public final class DownloadTracker {

  static final int MAX_ACTIVE = 256;
  static final int MAX_FINISHED = 20;

  private final Meter started;
  private final Meter completed;
  private final Meter failed;
  private final Meter cancelled;
  private final Counter bytes;
  private final Counter restarts;
  private final Counter resumes;
  private final Counter segmentsActive;
  private final Meter segmentsFailed;
  private final ConcurrentHashMap<String, DownloadState> active = new ConcurrentHashMap<>();
  private final ArrayDeque<DownloadState> finished = new ArrayDeque<>();
  private volatile boolean seen;

  DownloadTracker(MetricRegistry registry) {
    started = registry.meter("haul.downloads.started");
    completed = registry.meter("haul.downloads.completed");
    failed = registry.meter("haul.downloads.failed");
    cancelled = registry.meter("haul.downloads.cancelled");
    bytes = registry.counter("haul.downloads.bytes");
    restarts = registry.counter("haul.downloads.restarts");
    resumes = registry.counter("haul.downloads.resumes");
    segmentsActive = registry.counter("haul.downloads.segments-active");
    segmentsFailed = registry.meter("haul.downloads.segments-failed");
    Gauges.register(registry, "haul.downloads.active", active::size);
    Gauges.register(registry, "haul.downloads.rate", () -> {
      double sum = 0;
      for (DownloadState d : active.values()) {
        sum += d.rate();
      }
      return sum;
    });
  }

  void on(HaulEvent event) {
    String id = EventFields.getString(event, "downloadId");
    if (id == null) {
      return;
    }
    seen = true;
    switch (event.getClass().getSimpleName()) {
      case "Started" -> {
        started.mark();
        long resumedFrom = EventFields.getLong(event, "resumedFrom", 0);
        if (resumedFrom > 0) {
          resumes.inc();
        }
        DownloadState d = active.get(id);
        if (d == null && active.size() < MAX_ACTIVE) {
          d = new DownloadState(id);
          active.put(id, d);
        }
        if (d != null) {
          d.started(EventFields.getLong(event, "total", -1), resumedFrom);
        }
      }
      case "Progress" -> {
        DownloadState d = active.get(id);
        if (d != null) {
          bytes.inc(d.progress(EventFields.getLong(event, "total", -1), EventFields.getLong(event, "received", 0),
              (int) EventFields.getLong(event, "segments", 0), EventFields.getDouble(event, "bytesPerSecond", 0)));
        }
      }
      case "SegmentStarted" -> segmentsActive.inc();
      case "SegmentFinished" -> segmentsActive.dec();
      case "SegmentFailed" -> {
        segmentsActive.dec();
        segmentsFailed.mark();
      }
      case "Restarted" -> {
        restarts.inc();
        DownloadState d = active.get(id);
        if (d != null) {
          d.restarted();
        }
      }
      case "Completed" -> {
        completed.mark();
        end(id, EventFields.getLong(event, "bytes", 0), "completed", null);
      }
      case "Failed" -> {
        failed.mark();
        end(id, EventFields.getLong(event, "bytes", 0), "failed", EventFields.getString(event, "failure"));
      }
      case "Cancelled" -> {
        cancelled.mark();
        end(id, EventFields.getLong(event, "bytes", 0), "cancelled", null);
      }
      default -> { }
    }
  }

  private void end(String id, long finalBytes, String outcome, String failure) {
    DownloadState d = active.remove(id);
    if (d == null) {
      return;
    }
    bytes.inc(d.finish(finalBytes, outcome, failure == null ? null : MetricNames.segment(failure)));
    synchronized (finished) {
      finished.addFirst(d);
      while (finished.size() > MAX_FINISHED) {
        finished.removeLast();
      }
    }
  }

  /** Whether any download event arrived. */
  public boolean seen() {
    return seen;
  }

  /** The downloads running, oldest first. */
  public List<DownloadState.View> active() {
    List<DownloadState.View> list = new ArrayList<>();
    for (DownloadState d : active.values()) {
      list.add(d.view());
    }
    list.sort(Comparator.comparing(DownloadState.View::startedAtMillis).thenComparing(DownloadState.View::id));
    return list;
  }

  /** The last finished downloads, newest first. */
  public List<DownloadState.View> finished() {
    synchronized (finished) {
      return finished.stream().map(DownloadState::view).toList();
    }
  }

  public long started() {
    return started.getCount();
  }

  public long completed() {
    return completed.getCount();
  }

  public long failed() {
    return failed.getCount();
  }

  public long bytes() {
    return bytes.getCount();
  }

  public long cancelled() {
    return cancelled.getCount();
  }

  public long restarts() {
    return restarts.getCount();
  }

  public long resumes() {
    return resumes.getCount();
  }

  public long segmentsActive() {
    return segmentsActive.getCount();
  }
}
