package dev.haul.benchmarks;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Offers a fixed number of requests to one client in one {@link LoadModel}, split evenly over
 * {@code concurrency} lanes: a blocked caller thread per lane, or a chain of asynchronous requests
 * per lane (each completion starts the lane's next request, so exactly {@code concurrency}
 * requests are in flight until the lanes run out). Every lane counts its own requests, bytes and
 * errors in plain fields, summed when the phase ends: nothing shared is written on the hot path.
 * The caller threads of the blocking model live as long as the runner, so their allocation is
 * counted by {@link Worker#allocatedBytes()} across phases.
 */
final class LoadRunner implements AutoCloseable {

  /** Two consecutive warm-up windows this close in throughput (relative to the larger) end the warm-up. */
  static final double SETTLE_TOLERANCE = 0.05;

  /** A lane gives up (and fails the phase) after this many failed requests. */
  static final int MAX_ERRORS_PER_LANE = 100;

  /**
   * What one phase did: successful requests, body bytes, failed requests, the time from the start
   * to the last lane's end, and the time between the first and the last lane's end (the tail, when
   * fewer than {@code concurrency} requests were outstanding).
   */
  record Phase(long requests, long bytes, long errors, long nanos, long tailNanos) {
    double reqPerSec() {
      return requests / (nanos / 1e9);
    }
  }

  private final BenchClient client;
  private final URI url;
  private final LoadModel model;
  private final int concurrency;
  private final ExecutorService callers;

  LoadRunner(BenchClient client, URI url, LoadModel model, int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: >= 1)");
    }
    this.client = client;
    this.url = url;
    this.model = model;
    this.concurrency = concurrency;
    AtomicInteger n = new AtomicInteger();
    ThreadFactory named = r -> {
      Thread t = new Thread(r, "bench-caller-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.callers = model == LoadModel.BLOCKING ? Executors.newFixedThreadPool(concurrency, named) : null;
  }

  /** Runs {@code requests} successful requests (at least one per lane) and returns the figures. */
  Phase run(long requests) throws Exception {
    if (requests < concurrency) {
      throw new IllegalArgumentException("requests: " + requests + " (expected: >= concurrency " + concurrency + ")");
    }
    long[] quota = new long[concurrency];
    for (int i = 0; i < concurrency; i++) {
      quota[i] = requests / concurrency + (i < requests % concurrency ? 1 : 0);
    }
    return model == LoadModel.BLOCKING ? blocking(quota) : inflight(quota);
  }

  private Phase blocking(long[] quota) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<long[]>> lanes = new ArrayList<>();
    for (long q : quota) {
      lanes.add(callers.submit(() -> {
        long done = 0;
        long bytes = 0;
        long errors = 0;
        go.await();
        while (done < q) {
          try {
            bytes += client.get(url);
            done++;
          } catch (Exception e) {
            if (++errors > MAX_ERRORS_PER_LANE) {
              throw new IllegalStateException(client.name() + ": too many errors", e);
            }
          }
        }
        return new long[] {done, bytes, errors, System.nanoTime()};
      }));
    }
    long t0 = System.nanoTime();
    go.countDown();
    List<long[]> ends = new ArrayList<>();
    for (Future<long[]> f : lanes) {
      try {
        ends.add(f.get());
      } catch (ExecutionException e) {
        lanes.forEach(l -> l.cancel(true));
        throw e.getCause() instanceof Exception x ? x : e;
      }
    }
    return sum(t0, ends);
  }

  private Phase inflight(long[] quota) throws Exception {
    List<Lane> lanes = new ArrayList<>();
    for (long q : quota) {
      lanes.add(new Lane(q));
    }
    long t0 = System.nanoTime();
    for (Lane lane : lanes) {
      lane.next();
    }
    List<long[]> ends = new ArrayList<>();
    for (Lane lane : lanes) {
      try {
        ends.add(lane.done.get(10, TimeUnit.MINUTES));
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception x ? x : e;
      }
    }
    return sum(t0, ends);
  }

  private static Phase sum(long t0, List<long[]> ends) {
    long requests = 0;
    long bytes = 0;
    long errors = 0;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (long[] e : ends) {
      requests += e[0];
      bytes += e[1];
      errors += e[2];
      first = Math.min(first, e[3]);
      last = Math.max(last, e[3]);
    }
    return new Phase(requests, bytes, errors, last - t0, last - first);
  }

  /**
   * One chain of asynchronous requests. Its fields are written by whichever thread completed the
   * last request; each completion happens-before the next request's start, so plain fields do.
   */
  private final class Lane {
    final CompletableFuture<long[]> done = new CompletableFuture<>();
    final long quota;
    long requests;
    long bytes;
    long errors;

    Lane(long quota) {
      this.quota = quota;
    }

    /** Starts requests until one is really in flight (a loop, not a recursion, for those that complete at once). */
    void next() {
      while (requests < quota) {
        CompletableFuture<Long> f;
        try {
          f = client.getAsync(url);
        } catch (RuntimeException e) {
          if (failed(e)) {
            return;
          }
          continue;
        }
        if (!f.isDone()) {
          f.whenComplete(this::completed);
          return;
        }
        if (!record(f)) {
          return;
        }
      }
      done.complete(new long[] {requests, bytes, errors, System.nanoTime()});
    }

    private void completed(Long n, Throwable e) {
      if (e == null ? count(n) : !failed(e)) {
        next();
      }
    }

    private boolean record(CompletableFuture<Long> f) {
      try {
        return count(f.join());
      } catch (RuntimeException e) {
        return !failed(e);
      }
    }

    private boolean count(Long n) {
      bytes += n;
      requests++;
      return true;
    }

    /** Counts a failure; true when the lane gave up. */
    private boolean failed(Throwable e) {
      if (++errors > MAX_ERRORS_PER_LANE) {
        done.completeExceptionally(new IllegalStateException(client.name() + ": too many errors", e));
        return true;
      }
      return false;
    }
  }

  /**
   * Warms up in windows of {@code window} requests: at least {@code min} requests, then until two
   * consecutive windows' throughputs are within {@code tolerance} of each other, or {@code max}
   * requests at most. Returns the requests run and whether the throughput settled.
   */
  Warmup warmUp(long min, long window, double tolerance, long max) throws Exception {
    long total = 0;
    double previous = Double.NaN;
    List<Double> rates = new ArrayList<>();
    while (true) {
      Phase p = run(Math.max(window, concurrency));
      total += p.requests();
      double rate = p.reqPerSec();
      rates.add(Math.round(rate * 10) / 10.0);
      if (total >= min && settled(previous, rate, tolerance)) {
        return new Warmup(total, true, rates);
      }
      if (total >= max) {
        return new Warmup(total, false, rates);
      }
      previous = rate;
    }
  }

  /** What the warm-up did: requests, whether the throughput settled, each window's req/s. */
  record Warmup(long requests, boolean settled, List<Double> windowRates) {}

  /** Whether two consecutive windows' throughputs are within {@code tolerance} (of the larger). */
  static boolean settled(double previous, double current, double tolerance) {
    if (Double.isNaN(previous) || previous <= 0 || current <= 0) {
      return false;
    }
    return Math.abs(current - previous) <= tolerance * Math.max(current, previous);
  }

  @Override
  public void close() {
    if (callers != null) {
      callers.shutdownNow();
    }
  }
}
