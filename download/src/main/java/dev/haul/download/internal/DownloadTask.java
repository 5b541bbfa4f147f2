package dev.haul.download.internal;

import dev.haul.BodyHandlers;
import dev.haul.ContentRange;
import dev.haul.DeadlineExceededException;
import dev.haul.DownloadSegment;
import dev.haul.EntityTag;
import dev.haul.HaulClient;
import dev.haul.HaulException;
import dev.haul.IntegrityException;
import dev.haul.PartialTransferException;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.ResponseBody;
import dev.haul.SendState;
import dev.haul.UnexpectedStatusException;
import dev.haul.download.Download;
import dev.haul.download.DownloadConfig;
import dev.haul.download.DownloadEvent;
import dev.haul.download.DownloadFileException;
import dev.haul.download.DownloadProgress;
import dev.haul.download.DownloadRequest;
import dev.haul.download.DownloadResult;
import dev.haul.download.FileNames;
import dev.haul.download.RemoteChangedException;
import dev.haul.download.RemoteFile;
import dev.haul.spi.PositionalWriteChannel;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One download, run by one coordinator thread. The coordinator makes the first request, decides
 * from its answer how many connections to use, and then only reacts to what the connections
 * report (a segment done, a failure) and to its own clock (journal saves, stalls, the deadline).
 * Each connection writes its body straight into the {@code .part} file through a
 * {@link SegmentChannel}, on the transport's file threads; the plan decides who writes what.
 *
 * <p>Correctness rules: every ranged request carries {@code If-Range}; only a {@code 206} whose
 * {@code Content-Range} is exactly the range asked for, of the known total length, and whose
 * validator (when it sends one) is unchanged, is written. Anything else from a ranged request
 * means the remote changed or ignores ranges: the download starts over from zero, a bounded number
 * of times. Bytes go to {@code FILE.part}; the final name appears only by an atomic rename after
 * the size and SHA-256 are verified.
 */
final class DownloadTask implements Download {

  private static final Logger LOG = LoggerFactory.getLogger(DownloadTask.class);
  private static final long TICK_MILLIS = 200;
  private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);
  private static final long SLOW_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);
  /**
   * A connection steals from another, or races its tail, only when that one is estimated to need at
   * least this many seconds more: ending a transfer early costs its connection (the rest of its
   * body cannot be skipped), and a tail about to finish gains nothing from a second fetcher.
   */
  static final double STEAL_MIN_SECONDS = 1.0;

  private final String id;
  private final DownloadRequest request;
  private final DefaultDownloader owner;
  private final DownloadConfig config;
  private final HaulClient client;
  private final CompletableFuture<DownloadResult> result = new CompletableFuture<>();
  private final LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
  private final List<Worker> workers = new ArrayList<>(); // coordinator thread only
  private final Object pauseLock = new Object();

  private volatile DownloadProgress.State state = DownloadProgress.State.QUEUED;
  private volatile boolean pauseRequested;
  private volatile boolean cancelRequested;
  private volatile SegmentPlan plan;
  private volatile long total = -1;
  private volatile long durable;
  private volatile double rate;
  private final AtomicLong streamed = new AtomicLong(); // bytes of a download without a plan
  private volatile List<Worker> workerView = List.of();
  private long share = Long.MAX_VALUE; // coordinator thread only: the most free bytes one claim takes
  private int mostBusy; // coordinator thread only: the most connections fetching at once
  private volatile Path partPath; // the attempt's part file, for messages
  private volatile Output output; // the attempt's files, closed however the attempt ends

  DownloadTask(String id, DownloadRequest request, DefaultDownloader owner) {
    this.id = id;
    this.request = request;
    this.owner = owner;
    this.config = owner.config();
    this.client = owner.client();
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        cancel();
      }
    });
  }

  // ---- the handle -------------------------------------------------------------------------------

  @Override
  public String id() {
    return id;
  }

  @Override
  public DownloadRequest request() {
    return request;
  }

  @Override
  public CompletableFuture<DownloadResult> result() {
    return result;
  }

  @Override
  public DownloadProgress progress() {
    SegmentPlan p = plan;
    long received = p != null ? p.snapshot().writtenBytes() : streamed.get();
    List<DownloadProgress.Segment> segs = new ArrayList<>();
    for (Worker w : workerView) {
      Segment s = w.segment;
      if (s != null) {
        segs.add(new DownloadProgress.Segment(s.start(), s.end(), w.written.get(), w.rate, s.duplicate()));
      }
    }
    long t = total;
    double r = rate;
    Optional<Duration> eta = t >= 0 && r > 1
        ? Optional.of(Duration.ofMillis((long) ((t - received) / r * 1000))) : Optional.empty();
    return new DownloadProgress(state, t >= 0 ? OptionalLong.of(t) : OptionalLong.empty(), received,
        durable, segs, r, eta);
  }

  @Override
  public void pause() {
    if (state == DownloadProgress.State.RUNNING || state == DownloadProgress.State.STARTING) {
      pauseRequested = true;
    }
  }

  @Override
  public void resume() {
    synchronized (pauseLock) {
      pauseRequested = false;
      pauseLock.notifyAll();
    }
  }

  @Override
  public void cancel() {
    cancelRequested = true;
    synchronized (pauseLock) {
      pauseLock.notifyAll();
    }
    if (state == DownloadProgress.State.QUEUED && owner.dequeue(this)) {
      finishCancelled();
    }
  }

  // ---- the coordinator --------------------------------------------------------------------------

  /** Runs the download on the calling thread (a downloader thread) to its end. */
  void run() {
    long started = System.nanoTime();
    state = DownloadProgress.State.STARTING;
    DownloadResult r = null;
    Throwable failure = null;
    try {
      r = download(started);
    } catch (Throwable t) {
      failure = t;
    } finally {
      retireWorkers(); // every connection stopped and its memory returned before anyone hears
    }
    if (failure instanceof Cancelled) {
      finishCancelled();
    } else if (failure != null) {
      state = DownloadProgress.State.FAILED;
      publish(new DownloadEvent.Failed(id, progress().received(), failure.getClass().getSimpleName()));
      result.completeExceptionally(failure);
    } else {
      state = DownloadProgress.State.COMPLETED;
      publish(new DownloadEvent.Completed(id, r.size(), r.elapsed().toMillis()));
      result.complete(r);
    }
  }

  /** Ends a download that never started (its downloader closed). */
  void cancelQueued() {
    cancelRequested = true;
    finishCancelled();
  }

  private void finishCancelled() {
    state = DownloadProgress.State.CANCELLED;
    publish(new DownloadEvent.Cancelled(id, progress().received()));
    result.completeExceptionally(new CancellationException("download " + id + " was cancelled"));
  }

  /** The download with its restarts from zero. */
  private DownloadResult download(long started) throws Exception {
    int restarts = 0;
    int ownRestarts = 0; // restarts of ours: a cut body or a pause on a server without ranges
    while (true) {
      try {
        return attempt(started, restarts + ownRestarts);
      } catch (Restart r) {
        retireWorkers();
        if (r.remoteChanged) {
          restarts++;
          if (restarts > config.maxRestarts()) {
            giveUp(r);
            throw new RemoteChangedException(r.getMessage(), request.uri(), restarts - 1);
          }
        } else if (++ownRestarts > config.maxRetries()) {
          giveUp(r);
          throw new RemoteChangedException("gave up: " + r.getMessage(), request.uri(), restarts);
        }
        LOG.info("download {}: starting over from zero: {}", id, r.getMessage());
        publish(new DownloadEvent.Restarted(id, r.getMessage(), restarts));
        if (r.files != null) {
          r.files.discard();
        }
      }
    }
  }

  /** What one attempt works on: the part file, its journal, the plan and the remote's identity. */
  private final class Output {
    final Path target;
    final PartFile part;
    final Journal journal;
    volatile boolean verified; // its bytes passed verification: whatever happens next, they stay

    Output(Path target) {
      this.target = target;
      Path partPath = target.resolveSibling(target.getFileName() + ".part");
      this.part = PartFile.open(owner.fileSystem(), partPath, request.uri());
      DownloadTask.this.partPath = partPath;
      DownloadTask.this.output = this;
      this.journal = Journal.beside(owner.fileSystem(), partPath);
    }

    /** Forgets what was written: an empty part file and no journal. */
    void discard() {
      try {
        journal.delete();
        part.channel().truncate(0);
      } catch (IOException e) {
        throw part.failure(e, 0);
      } finally {
        part.close();
      }
    }
  }

  private DownloadResult attempt(long started, int restarts) throws Exception {
    Path target = request.file().orElse(null);
    output = null;
    Output files = null;
    JournalState resumed = null;
    if (target != null) {
      Optional<DownloadResult> done = finishedByAnEarlierRun(target, started);
      if (done.isPresent()) {
        return done.get();
      }
      checkTarget(target);
      files = new Output(target);
      resumed = trustedJournal(files);
    }
    try {
      return attempt(started, restarts, files, resumed);
    } catch (Restart r) {
      r.files = r.files != null ? r.files : output;
      throw r;
    } catch (Throwable t) {
      Output o = output; // also one the attempt opened itself (a directory target)
      if (o != null) {
        closeAndDeleteIfNotResumable(o);
      }
      throw t;
    }
  }

  /** No more starting over: what was written is of no use to a later run (it would start over too). */
  private void giveUp(Restart r) {
    if (r.files != null) {
      try {
        r.files.journal.delete();
      } catch (IOException | RuntimeException e) {
        LOG.debug("download {}: could not delete {}", id, r.files.journal.file(), e); // the real failure follows
      }
      closeAndDeleteIfNotResumable(r.files);
    }
  }

  /**
   * Closes an attempt's part file after a failure or a cancel. One without a journal can never be
   * resumed (the next run starts it over) and only holds disk space, possibly gigabytes of it, so
   * it goes, unless it is complete and verified (its rename failed: it stays for the caller).
   * It is deleted while still open and locked, so no other download of the same file can have
   * opened it in between; where an open file cannot be deleted (Windows), right after closing.
   */
  private void closeAndDeleteIfNotResumable(Output o) {
    boolean delete = !o.verified && !Files.exists(o.journal.file(), LinkOption.NOFOLLOW_LINKS);
    boolean deleted = false;
    if (delete) {
      try {
        owner.fileSystem().deleteIfExists(o.part.path());
        deleted = true;
      } catch (IOException | RuntimeException e) {
        LOG.debug("download {}: could not delete {} while open", id, o.part.path(), e);
      }
    }
    try {
      o.part.close();
    } catch (RuntimeException e) {
      LOG.debug("download {}: could not close {}", id, o.part.path(), e);
    }
    if (delete && !deleted) {
      try {
        owner.fileSystem().deleteIfExists(o.part.path());
      } catch (IOException | RuntimeException e) {
        LOG.debug("download {}: could not delete {}", id, o.part.path(), e);
      }
    }
  }

  private DownloadResult attempt(long started, int restarts, Output known, JournalState resumed)
      throws Exception {
    Output files = known;
    RemoteFile remote;
    Validators validators;
    SegmentPlan p;
    Worker first = newWorker();
    Segment firstSegment;
    Response<ResponseBody> firstResponse;
    int connections;
    long resumedFrom = 0;
    if (resumed != null) {
      // Resume: the plan as the journal left it; the first request carries If-Range.
      p = SegmentPlan.restore(resumed.plan(), config.minSplit());
      validators = resumed.validators();
      resumedFrom = p.snapshot().writtenBytes();
      total = p.length();
      plan = p;
      durable = resumedFrom;
      connections = connectionsFor(new RemoteFile(OptionalLong.of(p.length()), true,
          ifRange(validators), validators.strongEtag().isPresent()));
      share = shareOf(p, connections);
      firstSegment = p.claim(share).orElse(null);
      Segment s0 = firstSegment;
      firstResponse = s0 == null ? null : firstAnswer(() -> fetch(first, s0, p.length(), validators), true);
      String problem = firstResponse == null ? null : check206(firstResponse, firstSegment, p.length(), validators);
      if (problem != null) {
        firstResponse.body().close();
        throw new Restart(problem, files);
      }
      if (firstResponse != null && firstResponse.status() != 206) {
        firstResponse.body().close();
        throw new UnexpectedStatusException(request.uri(), firstResponse.status(), "206");
      }
      remote = new RemoteFile(OptionalLong.of(p.length()), true, ifRange(validators),
          validators.strongEtag().isPresent());
    } else {
      // Fresh: ask for everything as a range; the answer says whether ranges work.
      firstResponse = firstAnswer(() -> probe(first), false);
      int status = firstResponse.status();
      validators = validatorsOf(firstResponse);
      Optional<String> validator = ifRange(validators);
      if (status == 206) {
        Optional<ContentRange> cr = contentRange(firstResponse);
        if (cr.isEmpty() || !cr.get().isSatisfied() || cr.get().first() != 0
            || cr.get().completeLength().isEmpty()
            || cr.get().last() != cr.get().completeLength().getAsLong() - 1) {
          firstResponse.body().close();
          throw new Restart("the first range answer had no usable Content-Range", files);
        }
        long length = cr.get().completeLength().getAsLong();
        remote = new RemoteFile(OptionalLong.of(length), true, validator,
            validators.strongEtag().isPresent());
      } else if (status == 200) {
        OptionalLong length = firstResponse.body().contentLength();
        remote = new RemoteFile(length, false, validator, validators.strongEtag().isPresent());
      } else if (status == 416 && isEmptyFile(firstResponse)) {
        firstResponse.body().close();
        remote = new RemoteFile(OptionalLong.of(0), true, validator, validators.strongEtag().isPresent());
      } else {
        firstResponse.body().close();
        throw new UnexpectedStatusException(request.uri(), status, "200 or 206");
      }
      checkExpectedSize(remote.length());
      if (files == null) {
        // A directory target: named by the answer, opened only once the answer is one to write.
        String name = FileNames.choose(firstResponse.headers().get("Content-Disposition"), request.uri());
        Path t = FileNames.resolveIn(request.directory().orElseThrow(), name);
        try {
          checkTarget(t);
          files = new Output(t);
        } catch (RuntimeException e) {
          firstResponse.body().close();
          throw e;
        }
      }
      if (known == null && remote.canSegment()) {
        // A directory target: its name is known only now. A journal beside it for this very file
        // (same length and validators) is resumed, through the resume path's If-Range request.
        JournalState j = trustedJournal(files);
        if (j != null && j.plan().length() == remote.length().getAsLong() && sameFile(j.validators(), validators)) {
          firstResponse.body().close();
          workers.remove(first);
          return attempt(started, restarts, files, j);
        }
      }
      files.part.channel().truncate(0); // nothing trusted from an earlier run
      files.journal.delete();
      if (remote.length().isEmpty()) {
        return streamWhole(started, restarts, files, first, firstResponse);
      }
      long length = remote.length().getAsLong();
      total = length;
      connections = connectionsFor(remote);
      p = SegmentPlan.create(length, pieceSizeFor(length, connections), config.minSplit());
      plan = p;
      share = shareOf(p, connections);
      firstSegment = p.claim(share).orElse(null);
      if (firstSegment == null && firstResponse.status() != 416) {
        firstResponse.body().close(); // an empty file: nothing to write
      }
    }
    checkExpectedSize(OptionalLong.of(p.length()));
    long length = p.length();
    owner.diskSpace().require(files.part.path(), length - p.snapshot().writtenBytes(), request.uri(),
        SendState.RESPONSE_STARTED);
    files.part.preallocate(length);
    boolean journaled = config.resume() && remote.canSegment();
    HashCursor hash = new HashCursor(files.part.channel(), files.part.path(), length, owner.executor());
    publish(new DownloadEvent.Started(id, length, resumedFrom, connections));
    state = DownloadProgress.State.RUNNING;
    try {
      run(files, p, hash, validators, remote, first, firstSegment, firstResponse, connections, journaled, started);
    } catch (Restart r) {
      hash.cancel();
      r.files = files;
      throw r;
    } catch (Cancelled c) {
      hash.cancel();
      throw c;
    } catch (Throwable t) {
      hash.cancel();
      if (journaled) {
        // What is on disk stays usable: the next run resumes from it (best effort: a full disk
        // may refuse even this; the journal then stays as it was, which is still consistent).
        retireWorkers();
        try {
          saveJournal(files, p, validators);
        } catch (RuntimeException ignored) {
          LOG.debug("download {}: the journal could not be saved after a failure", id, ignored);
        }
      }
      throw t;
    }
    return finish(files, p, hash, resumedFrom, restarts, Math.max(1, mostBusy), started);
  }

  /**
   * The piece size of a new plan: the configured one, or less for a file too small to give each
   * connection a piece of that size (a 3 MB file over 4 connections in 4 MiB pieces would be one
   * segment), down to 64 KiB (or the configured size, if smaller). The journal records it.
   */
  private int pieceSizeFor(long length, int connections) {
    long configured = config.pieceSize();
    long perConnection = length / connections + (length % connections == 0 ? 0 : 1);
    long floor = Math.min(64 * 1024, configured);
    return (int) Math.max(1, Math.min(configured, Math.max(perConnection, floor)));
  }

  /** The connections the strategy wants for {@code remote}, within the configured maximum. */
  private int connectionsFor(RemoteFile remote) {
    if (!remote.canSegment()) {
      return 1;
    }
    return Math.max(1, Math.min(config.maxSegments(),
        request.strategy().orElse(owner.strategy()).connections(remote, config)));
  }

  /**
   * The most free bytes one claim takes in this attempt: an equal share of what is free at its
   * start for each connection. Connections running at the same rate then finish together and never
   * steal from each other; a resumed plan's scattered free ranges are taken whole when smaller and
   * in shares when larger, so no connection ends up alone with most of the file.
   */
  private static long shareOf(SegmentPlan p, int connections) {
    long free = p.freeBytes();
    return connections <= 1 || free <= 0 ? Long.MAX_VALUE : Math.max(1, free / connections + (free % connections == 0 ? 0 : 1));
  }

  /** The connections at work until the plan is complete. */
  private void run(Output files, SegmentPlan p, HashCursor hash, Validators validators, RemoteFile remote,
      Worker first, Segment firstSegment, Response<ResponseBody> firstResponse, int connections,
      boolean journaled, long started) throws Exception {
    long length = p.length();
    int retries = 0;
    long lastSave = System.nanoTime();
    long savedBytes = p.snapshot().writtenBytes();
    long lastSample = System.nanoTime();
    long lastReceived = savedBytes;
    owner.memory().sample(); // the pressure now, not as the last download's clock last saw it
    if (firstSegment != null) {
      owner.memory().tryAcquire(0); // a download's first connection is always granted
      first.permit = true;
      mostBusy = 1;
      first.begin(firstSegment);
      write(first, firstSegment, firstResponse, files, p, hash);
    } else {
      workers.remove(first);
    }
    // A ranged server gets the other connections at once; each takes work from the plan.
    if (remote.canSegment()) {
      for (int i = 1; i < connections; i++) {
        Worker w = newWorker();
        if (!startNext(w, files, p, hash, validators, length) && p.freeBytes() == 0) {
          workers.remove(w); // nothing for it to do: the file is shared out already
          break;
        }
        // Refused by the memory budget: it stays, idle, and the clock starts it once allowed.
      }
    }
    workerView = List.copyOf(workers);
    while (!p.isComplete() || hasBusyWorker()) {
      checkCancelledOrPaused(files, p, journaled, validators, remote);
      Outcome o = outcomes.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
      if (o != null && !workers.contains(o.worker)) {
        o = null; // a connection of an earlier attempt, retired already
      }
      if (o != null) {
        Worker w = o.worker;
        w.releasePermit(owner.memory());
        w.call = null;
        Segment s = w.segment;
        w.segment = null;
        Throwable error = o.error;
        if (error == null && !segmentWritten(p, s)) {
          // A 206 whose body ended before its range did (a Content-Length shorter than the
          // Content-Range): a failure like a cut, retried for the rest of the range.
          error = new ShortBody(request.uri());
        }
        if (error == null) {
          Completion c = p.complete(s);
          c.cancelled().ifPresent(this::cancelSegment);
          publish(new DownloadEvent.SegmentFinished(id, s.start(), s.end(), w.written.get()));
        } else {
          o = new Outcome(w, error);
          Throwable cause = unwrap(o.error);
          if (cause instanceof Restart r) {
            p.release(s);
            throw r;
          }
          if (cause instanceof PartialTransferException pt
              && pt.getCause() instanceof dev.haul.BodyTooLargeException) {
            // A 206 whose body runs past the range its Content-Range named: not the file it
            // claims to be. Nothing past the range was written; start over from zero.
            p.release(s);
            throw new Restart("a 206 body ran past the range it answered", files);
          }
          if (finishedAnyway(p, s, cause)) {
            Completion c = p.complete(s);
            c.cancelled().ifPresent(this::cancelSegment);
          } else {
            p.release(s);
            // A connection stopped on purpose (stalled, too slow, lost its race, paused) is not a
            // failure: its range is simply handed out again.
            if (!w.stopped && !(cause instanceof Cancelled) && !(cause instanceof CancellationException)) {
              publish(new DownloadEvent.SegmentFailed(id, s.start(), s.end(), w.written.get(),
                  cause.getClass().getSimpleName()));
              // Failures count while nothing moves: a long download over a link that drops
              // now and then goes on as long as each connection makes progress in between.
              retries = w.written.get() > 0 ? 1 : retries + 1;
              if (retries > config.maxRetries() || !retryable(cause)) {
                throw failure(cause, p);
              }
              LOG.debug("download {}: segment {}-{} failed ({}), retrying", id, s.start(), s.end(), cause.toString());
              if (!remote.canSegment()) {
                // No validator to tie a range to this version of the file: never stitch a range of
                // another version onto what is written. Start over from zero.
                throw new Restart("the body was cut short (" + cause.getClass().getSimpleName()
                    + ") and the server offers no validator to resume it safely", files, false);
              }
              w.resumeAt = System.nanoTime() + backoff(retries).toNanos(); // the others go on meanwhile
            }
          }
        }
        if (!cancelRequested && !pauseRequested && !startNext(w, files, p, hash, validators, length)) {
          // nothing left for this connection: it stays idle
        }
      }
      // The clock: rate, journal, stalls, the deadline.
      long now = System.nanoTime();
      long received = p.snapshot().writtenBytes();
      if (now - lastSample >= TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS)) {
        double inst = (received - lastReceived) * 1e9 / (now - lastSample);
        rate = rate == 0 ? inst : 0.3 * inst + 0.7 * rate;
        for (Worker w : workers) {
          w.sample(now);
        }
        lastSample = now;
        lastReceived = received;
        owner.progress(this);
        owner.memory().sample();
        dropSlowConnection(now);
        // Connections left idle by the memory budget start again as soon as it allows.
        for (Worker w : workers) {
          if (w.segment == null && !p.isComplete() && !cancelRequested && !pauseRequested
              && !startNext(w, files, p, hash, validators, length)) {
            break;
          }
        }
      }
      hash.advanceTo(p.lowestIncompleteOffset());
      if (journaled && (now - lastSave >= config.journalInterval().toNanos()
          || received - savedBytes >= config.journalBytes())) {
        saveJournal(files, p, validators);
        lastSave = now;
        savedBytes = received;
      }
      for (Worker w : workers) {
        if (w.call != null && now - w.lastProgressNanos > config.stallTimeout().toNanos()) {
          LOG.debug("download {}: connection {} stalled, dropping it", id, w.index);
          w.stop();
          w.lastProgressNanos = now;
        }
      }
      Optional<Duration> timeout = config.timeout();
      if (timeout.isPresent() && now - started > timeout.get().toNanos()) {
        if (journaled) {
          saveJournal(files, p, validators);
        }
        throw new DeadlineExceededException(request.uri(), SendState.RESPONSE_STARTED, timeout.get(), 1, null);
      }
      if (!hasBusyWorker() && !p.isComplete()) {
        // Every connection went idle (failures, backoff): put one back to work when one may.
        if (workers.isEmpty()) {
          newWorker();
          workerView = List.copyOf(workers);
        }
        for (Worker w : workers) {
          if (startNext(w, files, p, hash, validators, length)) {
            break;
          }
        }
      }
    }
  }

  private int busyCount() {
    int n = 0;
    for (Worker w : workers) {
      if (w.segment != null) {
        n++;
      }
    }
    return n;
  }

  /**
   * Drops a connection much slower than the others (below a fifth of the median rate of at least
   * three busy ones, after a few seconds on its range): its range goes back to the plan, for an
   * idle or new connection, which is often on a better path.
   */
  private void dropSlowConnection(long now) {
    List<Double> rates = new ArrayList<>();
    for (Worker w : workers) {
      if (w.segment != null && now - w.startedNanos > SLOW_GRACE_NANOS) {
        rates.add(w.rate);
      }
    }
    if (rates.size() < 3) {
      return;
    }
    rates.sort(null);
    double median = rates.get(rates.size() / 2);
    for (Worker w : workers) {
      if (w.segment != null && w.call != null && now - w.startedNanos > SLOW_GRACE_NANOS
          && w.rate < median / 5) {
        LOG.debug("download {}: connection {} at {} B/s against a median of {}: dropped", id, w.index,
            (long) w.rate, (long) median);
        w.stop();
        w.startedNanos = now; // not again before it had another chance
        return;
      }
    }
  }

  private boolean hasBusyWorker() {
    for (Worker w : workers) {
      if (w.segment != null) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code s} has written through its (current) end, or lost its race. */
  private static boolean segmentWritten(SegmentPlan p, Segment s) {
    for (SegmentView v : p.snapshot().segments()) {
      if (v.segment().id() == s.id()) {
        return v.written() >= v.end() || v.lost();
      }
    }
    return true; // no longer in the plan: nothing left to do for it
  }

  /** A transfer that stopped because its segment had nothing left (its tail went elsewhere). */
  private static boolean finishedAnyway(SegmentPlan p, Segment s, Throwable cause) {
    Throwable c = cause instanceof PartialTransferException pt && pt.getCause() != null ? pt.getCause() : cause;
    if (!(c instanceof SegmentChannel.SegmentDone)) {
      return false;
    }
    for (SegmentView v : p.snapshot().segments()) {
      if (v.segment().id() == s.id()) {
        return v.written() >= v.end() || v.lost();
      }
    }
    return false;
  }

  /** Gives {@code w} the next work and starts its request; false when there is none. */
  private boolean startNext(Worker w, Output files, SegmentPlan p, HashCursor hash, Validators validators,
      long length) {
    if (System.nanoTime() < w.resumeAt) {
      return false; // backing off after a failure
    }
    if (!owner.memory().tryAcquire(busyCount())) {
      return false; // the memory budget is spent: this connection waits
    }
    Optional<Segment> next = p.claim(share);
    if (next.isEmpty()) {
      next = p.steal(this::timeLeftOf, STEAL_MIN_SECONDS);
    }
    if (next.isEmpty()) {
      next = p.endGame(this::timeLeftOf, STEAL_MIN_SECONDS);
    }
    if (next.isEmpty()) {
      owner.memory().release();
      return false;
    }
    Segment s = next.get();
    w.permit = true;
    w.begin(s);
    mostBusy = Math.max(mostBusy, busyCount());
    publish(new DownloadEvent.SegmentStarted(id, s.start(), s.end(), s.duplicate()));
    CompletableFuture<Response<ResponseBody>> f = fetch(w, s, length, validators);
    w.call = f;
    f.whenComplete((resp, err) -> {
      if (err != null) {
        outcomes.add(new Outcome(w, err));
        return;
      }
      String problem = check206(resp, s, length, validators);
      if (problem != null || resp.status() != 206) {
        resp.body().close();
        outcomes.add(new Outcome(w, problem != null ? new Restart(problem, null)
            : new UnexpectedStatusException(request.uri(), resp.status(), "206")));
        return;
      }
      write(w, s, resp, files, p, hash); // which closes it if stopped while the answer was on its way
    });
    return true;
  }

  /** Streams {@code resp}'s body into the part file for {@code s}; reports the outcome. */
  private void write(Worker w, Segment s, Response<ResponseBody> resp, Output files, SegmentPlan p,
      HashCursor hash) {
    // The connection's segment began on the coordinator (begin); here only its body arrives. The
    // body is published before stopped is read, so a stop() either sees the body and closes it,
    // or has set stopped before this reads it.
    w.body = resp.body();
    if (w.stopped) {
      resp.body().close();
      outcomes.add(new Outcome(w, new CancellationException("connection stopped")));
      return;
    }
    w.answered();
    SegmentChannel channel = new SegmentChannel(files.part.channel(), p, s, (end, n) -> w.wrote(n),
        owner.memory());
    // The body may cover more than the segment (the first answer covers the whole file): the
    // channel stops at the segment's end. What the body may not do is run past the range it answered.
    long answered = contentRange(resp).filter(ContentRange::isSatisfied)
        .map(cr -> cr.last() - s.start() + 1).orElse(s.length());
    CompletableFuture<Long> transfer =
        BodyHandlers.ofFileChannel(channel, s.start(), Math.max(s.length(), answered), n -> {})
            .handle(resp, resp.body());
    w.call = transfer;
    transfer.whenComplete((n, err) -> outcomes.add(new Outcome(w, err)));
  }

  /**
   * The first answer of an attempt, retrying what can be retried ({@code storage}: the request
   * already went through once, so a 401/403/410 is an expired presigned URL, not a refusal).
   */
  private Response<ResponseBody> firstAnswer(java.util.function.Supplier<CompletableFuture<Response<ResponseBody>>> send,
      boolean storage) throws Exception {
    for (int retries = 0;; retries++) {
      Throwable failure;
      try {
        Response<ResponseBody> r = await(send.get());
        int status = r.status();
        boolean retryStatus = status >= 500 || status == 408 || status == 429
            || storage && (status == 401 || status == 403 || status == 410);
        if (!retryStatus) {
          return r;
        }
        r.body().close();
        failure = new UnexpectedStatusException(request.uri(), status, "200 or 206");
      } catch (Cancelled c) {
        throw c;
      } catch (Exception e) {
        failure = e;
        if (!retryable(e)) {
          throw e;
        }
      }
      if (retries >= config.maxRetries()) {
        throw failure instanceof Exception e ? e : new IllegalStateException(failure);
      }
      sleep(backoff(retries + 1));
    }
  }

  /**
   * Seconds the connection working on {@code v} needs for the rest of it, at the rate the clock
   * measured on this segment (only while it was busy on it). Unknown (NaN: not a candidate to steal
   * from or race) before its first measurement, since a segment that just started has no rate yet;
   * a connection that never delivers is the stall timeout's business. Infinite for one whose
   * measured rate is zero.
   */
  private double timeLeftOf(SegmentView v) {
    for (Worker w : workers) {
      Segment s = w.segment;
      if (s != null && s.id() == v.segment().id()) {
        if (!w.measured()) {
          return Double.NaN;
        }
        double r = w.rate;
        return r > 0 ? v.remaining() / r : Double.POSITIVE_INFINITY;
      }
    }
    return Double.NaN;
  }

  /** A connection of this download. */
  private Worker newWorker() {
    Worker w = new Worker(workers.size());
    workers.add(w);
    return w;
  }

  private void cancelSegment(Segment loser) {
    for (Worker w : workers) {
      Segment s = w.segment;
      if (s != null && s.id() == loser.id()) {
        w.stop();
      }
    }
  }

  private void stopWorkers() {
    for (Worker w : workers) {
      w.stop();
    }
  }

  /**
   * Ends an attempt's connections for good: cancelled, their memory permits returned, forgotten.
   * Outcomes they still report arrive for workers no longer known and are ignored.
   */
  private void retireWorkers() {
    stopWorkers();
    for (Worker w : workers) {
      w.releasePermit(owner.memory());
    }
    workers.clear();
    workerView = List.of();
    outcomes.clear();
  }

  private void checkCancelledOrPaused(Output files, SegmentPlan p, boolean journaled, Validators validators,
      RemoteFile remote) throws Exception {
    if (cancelRequested) {
      stopWorkers();
      if (journaled) {
        quiesce();
        saveJournal(files, p, validators);
      }
      throw new Cancelled();
    }
    if (!pauseRequested) {
      return;
    }
    stopWorkers();
    quiesce();
    if (journaled) {
      saveJournal(files, p, validators);
    }
    state = DownloadProgress.State.PAUSED;
    owner.progress(this);
    synchronized (pauseLock) {
      while (pauseRequested && !cancelRequested) {
        pauseLock.wait();
      }
    }
    if (cancelRequested) {
      throw new Cancelled();
    }
    if (!remote.canSegment()) {
      // Without ranges there is no going on from the middle.
      throw new Restart("resumed a download the server cannot range", files, false);
    }
    state = DownloadProgress.State.RUNNING;
  }

  /** Waits for every stopped connection's outcome, releasing their segments. */
  private void quiesce() throws InterruptedException {
    SegmentPlan p = plan;
    while (hasBusyWorker()) {
      Outcome o = outcomes.poll(10, TimeUnit.SECONDS);
      if (o == null) {
        LOG.warn("download {}: a connection did not stop within 10 s", id);
        return;
      }
      if (!workers.contains(o.worker)) {
        continue;
      }
      Segment s = o.worker.segment;
      o.worker.releasePermit(owner.memory());
      o.worker.segment = null;
      o.worker.call = null;
      if (s != null && p != null) {
        if (o.error == null && segmentWritten(p, s)) {
          p.complete(s);
        } else {
          p.release(s);
        }
      }
    }
  }

  /** Data first, then the journal: the journal never claims bytes the disk does not have. */
  private void saveJournal(Output files, SegmentPlan p, Validators validators) {
    PlanState snapshot = p.snapshotForJournal();
    files.part.force();
    try {
      files.journal.save(new JournalState(journalUrl(), validators, request.sha256().orElse(null), snapshot));
      durable = snapshot.writtenBytes();
    } catch (IOException e) {
      throw owner.diskSpace().failure(e, files.journal.file(), snapshot.writtenBytes(), request.uri());
    }
  }

  private DownloadResult finish(Output files, SegmentPlan p, HashCursor hash, long resumedFrom,
      int restarts, int connections, long started) throws Exception {
    state = DownloadProgress.State.VERIFYING;
    long length = p.length();
    files.part.force();
    hash.advanceTo(length);
    byte[] digest = getTyped(hash.finish());
    long size = files.part.channel().size();
    if (size != length) {
      files.journal.delete();
      throw new IntegrityException("the part file has " + size + " bytes, expected " + length,
          request.uri(), SendState.RESPONSE_STARTED, null);
    }
    return commit(files, digest, size, resumedFrom, restarts, connections, started);
  }

  private DownloadResult commit(Output files, byte[] digest, long size, long resumedFrom, int restarts,
      int connections, long started) throws IOException {
    String hex = HexFormat.of().formatHex(digest);
    Optional<String> expected = request.sha256();
    if (expected.isPresent() && config.verifyChecksum() && !expected.get().equals(hex)) {
      files.journal.delete();
      files.part.delete();
      throw new IntegrityException("SHA-256 mismatch: expected " + expected.get() + ", got " + hex,
          request.uri(), SendState.RESPONSE_STARTED, null);
    }
    files.verified = true;
    files.part.commitTo(files.target, request.overwrite() == DownloadRequest.Overwrite.REPLACE);
    files.journal.delete();
    return new DownloadResult(files.target, size, hex, resumedFrom, restarts, connections,
        Duration.ofNanos(System.nanoTime() - started));
  }

  /** A file of unknown length from a server without ranges: one stream, no journal. */
  private DownloadResult streamWhole(long started, int restarts, Output files, Worker w,
      Response<ResponseBody> resp) throws Exception {
    state = DownloadProgress.State.RUNNING;
    publish(new DownloadEvent.Started(id, -1, 0, 1));
    MemoryBudget memory = owner.memory();
    memory.sample();
    // A plain view of the file that asks the transport for the budget's read-ahead, like a segment's.
    FileChannel budgeted = new PositionalWriteChannel(files.part.channel()) {
      @Override
      public int write(java.nio.ByteBuffer src, long position) throws IOException {
        return target.write(src, position);
      }

      @Override
      public long readAhead() {
        return memory.readAhead();
      }
    };
    CompletableFuture<Long> transfer = BodyHandlers.ofFileChannel(budgeted, 0, Long.MAX_VALUE,
        streamed::set).handle(resp, resp.body());
    w.call = transfer;
    w.body = resp.body();
    long n;
    try {
      long seen = -1;
      long seenAt = System.nanoTime();
      while (!transfer.isDone()) {
        if (cancelRequested || pauseRequested) {
          w.stop();
          transfer.handle((x, e) -> null).get(); // the writes have stopped
          throw cancelRequested ? new Cancelled()
              : new Restart("paused a download the server cannot range", files, false);
        }
        long now = System.nanoTime();
        if (streamed.get() != seen) {
          seen = streamed.get();
          seenAt = now;
        } else if (now - seenAt > config.stallTimeout().toNanos()) {
          w.stop();
          transfer.handle((x, e) -> null).get();
          throw new Restart("the body stalled and the server cannot resume it", files, false);
        }
        Optional<Duration> timeout = config.timeout();
        if (timeout.isPresent() && now - started > timeout.get().toNanos()) {
          w.stop();
          transfer.handle((x, e) -> null).get();
          throw new DeadlineExceededException(request.uri(), SendState.RESPONSE_STARTED, timeout.get(), 1, null);
        }
        try {
          transfer.get(TICK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException notYet) {
          owner.progress(this);
          memory.sample();
        }
      }
      n = transfer.get();
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e.getCause());
      if (retryable(cause)) {
        throw new Restart("the body was cut short (" + cause.getClass().getSimpleName()
            + ") and the server cannot resume it", files, false);
      }
      throw failure(cause, null);
    }
    state = DownloadProgress.State.VERIFYING;
    files.part.force();
    checkExpectedSize(OptionalLong.of(n));
    HashCursor hash = new HashCursor(files.part.channel(), files.part.path(), n, owner.executor());
    hash.advanceTo(n);
    return commit(files, getTyped(hash.finish()), n, 0, restarts, 1, started);
  }

  // ---- requests and answers ---------------------------------------------------------------------

  private CompletableFuture<Response<ResponseBody>> probe(Worker w) {
    Request req = base(w.index, 0, -1).header("Range", "bytes=0-").build();
    return client.sendAsync(req, BodyHandlers.ofResponseBody());
  }

  private CompletableFuture<Response<ResponseBody>> fetch(Worker w, Segment s, long length, Validators v) {
    Request.Builder b = base(w.index, s.start(), s.length())
        .header("Range", "bytes=" + s.start() + "-" + (s.end() - 1));
    ifRange(v).ifPresent(value -> b.header("If-Range", value));
    return client.sendAsync(b.build(), BodyHandlers.ofResponseBody());
  }

  private Request.Builder base(int index, long offset, long length) {
    Request.Builder b = Request.newBuilder(request.uri()).headers(request.headers())
        // Ranges are of the bytes as stored: no transparent decoding may change them.
        .header("Accept-Encoding", "identity")
        .tag(DownloadSegment.class, new DownloadSegment(id, index, offset, length));
    return b;
  }

  /**
   * Why {@code resp} may not be written as {@code s} (null when it may): a {@code 206} with exactly
   * that range of a file of {@code length} bytes, and the same validator.
   */
  private String check206(Response<ResponseBody> resp, Segment s, long length, Validators v) {
    int status = resp.status();
    if (status == 200) {
      return "a range request was answered with 200 (the remote changed or ignores ranges)";
    }
    if (status == 416) {
      return "a range request was refused with 416 (the remote file is shorter now)";
    }
    if (status != 206) {
      return null; // not a verdict on the file: failed below as a status
    }
    Optional<ContentRange> cr = contentRange(resp);
    if (cr.isEmpty() || !cr.get().isExactly(s.start(), s.end() - 1, length)) {
      return "the Content-Range of a 206 is not the range asked for (" + s.start() + "-" + (s.end() - 1)
          + "/" + length + ")";
    }
    Validators now = validatorsOf(resp);
    if (v.etag() != null && now.etag() != null && !v.etag().equals(now.etag())) {
      return "the ETag changed";
    }
    if (v.etag() != null && now.etag() == null && resp.headers().get("ETag") != null) {
      return "the ETag changed (now weak or unreadable)";
    }
    if (v.etag() == null && v.lastModified() != null && now.lastModified() == null
        && resp.headers().get("Last-Modified") != null && !v.lastModified().equals(resp.headers().get("Last-Modified").strip())) {
      return "the Last-Modified date changed";
    }
    if (v.etag() == null && v.lastModified() != null && now.lastModified() != null
        && !v.lastModified().equals(now.lastModified())) {
      return "the Last-Modified date changed";
    }
    return null;
  }

  private static Optional<ContentRange> contentRange(Response<ResponseBody> resp) {
    String value = resp.headers().get("Content-Range");
    return value == null ? Optional.empty() : ContentRange.parse(value);
  }

  private static boolean isEmptyFile(Response<ResponseBody> resp) {
    Optional<ContentRange> cr = contentRange(resp);
    return cr.isPresent() && !cr.get().isSatisfied() && cr.get().completeLength().orElse(-1) == 0;
  }

  /**
   * The response's validators, by the one rule that also picks {@code If-Range}
   * ({@link EntityTag#ifRangeValidator}): a strong ETag, else a Last-Modified date that is strong by
   * RFC 9110 §13.1.5; nothing else (a weak ETag, a recent date) is ever used.
   */
  private static Validators validatorsOf(Response<ResponseBody> resp) {
    Optional<String> v = EntityTag.ifRangeValidator(resp.headers());
    try {
      if (v.isEmpty()) {
        return Validators.NONE;
      }
      return v.get().startsWith("\"") ? new Validators(v.get(), null) : new Validators(null, v.get());
    } catch (IllegalArgumentException unusable) {
      return Validators.NONE; // too long or odd characters: not a validator the journal can keep
    }
  }

  /**
   * Whether two sets of validators name the same file: by strong ETag when both have one (a
   * Last-Modified date may differ between servers of the same file), else by Last-Modified.
   */
  private static boolean sameFile(Validators a, Validators b) {
    if (a.etag() != null && b.etag() != null) {
      return a.etag().equals(b.etag());
    }
    return a.etag() == null && b.etag() == null && a.lastModified() != null
        && a.lastModified().equals(b.lastModified());
  }

  private static Optional<String> ifRange(Validators v) {
    return v.strongEtag().or(v::lastModifiedValue);
  }

  // ---- failures ---------------------------------------------------------------------------------

  /** Whether trying the range again (through the original URL) can help. */
  private static boolean retryable(Throwable t) {
    Throwable c = t instanceof PartialTransferException p && p.getCause() != null ? p.getCause() : t;
    if (c instanceof UnexpectedStatusException u) {
      int s = u.status();
      // An expired presigned URL (401/403/410 from storage) is resolved again through the original.
      return s == 401 || s == 403 || s == 408 || s == 410 || s == 429 || s >= 500;
    }
    if (c instanceof DownloadFileException) {
      return false;
    }
    // A network failure is a HaulException; a bare IOException came from the file (a full disk,
    // an I/O error): trying the range again cannot help.
    return c instanceof HaulException h && (h.isTransient() || h instanceof PartialTransferException);
  }

  private Exception failure(Throwable cause, SegmentPlan p) {
    Throwable c = cause instanceof PartialTransferException pt && pt.getCause() != null ? pt.getCause() : cause;
    Path part = partPath;
    if (c instanceof IOException io && part != null) {
      return owner.diskSpace().failure(io, part, p == null ? streamed.get() : p.snapshot().writtenBytes(),
          request.uri());
    }
    return c instanceof Exception e ? e : new IllegalStateException(c);
  }

  /** Exponential from the retry delay, capped at 30 s, with jitter so connections do not retry in step. */
  private Duration backoff(int retries) {
    long base = config.retryDelay().toMillis();
    long d = base << Math.min(20, retries - 1);
    long capped = Math.min(d < 0 ? Long.MAX_VALUE : d, MAX_RETRY_DELAY.toMillis());
    double jitter = 0.5 + 0.5 * java.util.concurrent.ThreadLocalRandom.current().nextDouble();
    return Duration.ofMillis((long) (capped * jitter));
  }

  private void sleep(Duration d) throws InterruptedException {
    long end = System.nanoTime() + d.toNanos();
    while (!cancelRequested) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return;
      }
      synchronized (pauseLock) {
        pauseLock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  // ---- files and journal ------------------------------------------------------------------------

  /**
   * An earlier run killed between renaming the finished file into place and deleting its journal:
   * the file is there, its {@code .part} is not, the journal is. The journal names this download
   * and its length matches the file (and the expected SHA-256, when given, is the file's): it is
   * done, and the stale journal goes. Otherwise the journal goes and no-clobber decides.
   */
  private Optional<DownloadResult> finishedByAnEarlierRun(Path target, long started) throws Exception {
    Path part = target.resolveSibling(target.getFileName() + ".part");
    Journal journal = Journal.beside(owner.fileSystem(), part);
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    // A no-clobber commit links FILE to FILE.part, then removes FILE.part: killed in between, both
    // names are the one finished, verified file. The second name goes; the file is checked below.
    boolean interruptedCommit = Files.exists(part, LinkOption.NOFOLLOW_LINKS)
        && Files.isRegularFile(part, LinkOption.NOFOLLOW_LINKS)
        && Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.isSameFile(part, target);
    if (interruptedCommit) {
      owner.fileSystem().deleteIfExists(part);
    }
    if (Files.exists(part, LinkOption.NOFOLLOW_LINKS)
        || !interruptedCommit && !Files.exists(journal.file(), LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    JournalLoad load = journal.load(journalUrl());
    journal.delete();
    JournalState state = load instanceof JournalLoad.Trusted t ? t.state() : null;
    if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
        || state == null && !interruptedCommit
        || state != null && Files.size(target) != state.plan().length()) {
      return Optional.empty();
    }
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (java.io.InputStream in = Files.newInputStream(target, LinkOption.NOFOLLOW_LINKS)) {
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    String hex = HexFormat.of().formatHex(md.digest());
    Optional<String> expected = request.sha256().or(() -> Optional.ofNullable(state == null ? null : state.sha256()));
    if (expected.isPresent() && !expected.get().equals(hex)) {
      return Optional.empty();
    }
    long size = Files.size(target);
    return Optional.of(new DownloadResult(target, size, hex, size, 0, 0,
        Duration.ofNanos(System.nanoTime() - started)));
  }

  private void checkTarget(Path target) {
    if (request.overwrite() == DownloadRequest.Overwrite.NEVER
        && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new DownloadFileException("the target already exists (overwrite is off)", target,
          request.uri(), SendState.NOT_SENT, null);
    }
  }

  private JournalState trustedJournal(Output files) {
    if (!config.resume()) {
      return null;
    }
    JournalLoad load = files.journal.load(journalUrl());
    if (load instanceof JournalLoad.Trusted t) {
      JournalState s = t.state();
      Optional<String> expected = request.sha256();
      if (expected.isPresent() && s.sha256() != null && !expected.get().equals(s.sha256())) {
        return null; // another file was asked for: start over
      }
      try {
        if (files.part.channel().size() < s.plan().writtenBytes()) {
          return null; // the part file lost bytes the journal claims
        }
      } catch (IOException e) {
        return null;
      }
      return s;
    }
    if (load instanceof JournalLoad.Untrusted u && u.reason() != JournalLoad.Reason.MISSING) {
      LOG.info("download {}: not resuming, the journal is not trusted ({})", id, u.reason());
    }
    return null;
  }

  /**
   * What the journal records of the URL: a digest, never the URL itself, whose query may hold a
   * key or a signature. It identifies the download on resume just as well.
   */
  private String journalUrl() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(request.uri().toString().getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void checkExpectedSize(OptionalLong length) {
    OptionalLong expected = request.expectedSize();
    if (expected.isPresent() && length.isPresent() && expected.getAsLong() != length.getAsLong()) {
      throw new IntegrityException("the remote file has " + length.getAsLong() + " bytes, expected "
          + expected.getAsLong(), request.uri(), SendState.RESPONSE_STARTED, null);
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private void publish(DownloadEvent event) {
    owner.publish(this, event);
  }

  private <T> T await(CompletableFuture<T> f) throws Exception {
    try {
      while (true) {
        if (cancelRequested) {
          f.cancel(true);
          throw new Cancelled();
        }
        try {
          return f.get(TICK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException notYet) {
          // check for a cancel, then wait on
        }
      }
    } catch (ExecutionException e) {
      Throwable c = unwrap(e.getCause());
      throw c instanceof Exception ex ? ex : new IllegalStateException(c);
    }
  }

  private static <T> T getTyped(CompletableFuture<T> f) throws Exception {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable c = unwrap(e.getCause());
      throw c instanceof Exception ex ? ex : new IllegalStateException(c);
    }
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** One connection: what it is working on and how fast. */
  private static final class Worker {
    final int index;
    volatile Segment segment;
    volatile CompletableFuture<?> call;
    volatile ResponseBody body; // once the answer came: closing it is what stops the transfer
    volatile boolean stopped;
    volatile long resumeAt; // System.nanoTime() before which it does not start again
    volatile long lastProgressNanos = System.nanoTime();
    volatile long startedNanos = System.nanoTime();
    volatile boolean permit;
    final AtomicLong written = new AtomicLong(); // on its current segment
    private long sampled; // coordinator only, like samples and sampledAt
    private int samples; // taken since the current segment's answer arrived
    private long sampledAt = System.nanoTime();
    private volatile long answeredNanos; // when the current segment's answer arrived; 0 before
    volatile double rate;

    Worker(int index) {
      this.index = index;
    }

    /** Stops what this connection is doing: its request, or its body's transfer. */
    void stop() {
      stopped = true;
      ResponseBody b = body;
      if (b != null) {
        b.close(); // the transfer then fails, and its outcome arrives once writes have stopped
      }
      CompletableFuture<?> c = call;
      if (c != null && b == null) {
        c.cancel(true);
      }
    }

    /** Starts work on {@code s}; on the coordinator thread. */
    void begin(Segment s) {
      segment = s;
      body = null;
      stopped = false;
      answeredNanos = 0;
      written.set(0);
      samples = 0;
      rate = 0;
      sampled = 0;
      lastProgressNanos = System.nanoTime();
      startedNanos = lastProgressNanos;
    }

    /** The segment's answer arrived: its rate is measured from now. */
    void answered() {
      lastProgressNanos = System.nanoTime();
      answeredNanos = lastProgressNanos;
    }

    /** Whether its rate has been measured on its current segment. */
    boolean measured() {
      return samples > 0;
    }

    void releasePermit(MemoryBudget memory) {
      if (permit) {
        permit = false;
        memory.release();
      }
    }

    void wrote(int n) {
      written.addAndGet(n);
      lastProgressNanos = System.nanoTime();
    }

    /**
     * The clock's measurement (coordinator thread): the rate over the time since the last sample,
     * taken only while the connection is busy on a segment whose answer arrived, so idle time and
     * the wait for an answer never lower it.
     */
    void sample(long now) {
      long answeredAt = answeredNanos;
      if (segment == null || answeredAt == 0) {
        return;
      }
      if (samples == 0 && now - answeredAt < TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS)) {
        return; // too early to tell: a first sample over a few milliseconds says nothing
      }
      long w = written.get();
      long since = samples == 0 ? answeredAt : sampledAt;
      long base = samples == 0 ? 0 : sampled;
      if (now <= since) {
        return;
      }
      double inst = (w - base) * 1e9 / (now - since);
      rate = samples == 0 ? inst : 0.3 * inst + 0.7 * rate;
      sampled = w;
      sampledAt = now;
      samples++;
    }
  }

  private record Outcome(Worker worker, Throwable error) {}

  /** The remote changed or refused ranges: start over from zero. */
  static final class Restart extends Exception {
    private static final long serialVersionUID = 1L;
    transient Output files;
    /** Whether it is the remote's doing (counts against max-restarts) or ours (a cut, a pause). */
    final boolean remoteChanged;

    Restart(String reason, Output files) {
      this(reason, files, true);
    }

    Restart(String reason, Output files, boolean remoteChanged) {
      super(reason, null, false, false);
      this.files = files;
      this.remoteChanged = remoteChanged;
    }
  }

  /** A 206 body that ended before its range did: transient, the rest is asked for again. */
  static final class ShortBody extends HaulException {
    private static final long serialVersionUID = 1L;

    ShortBody(URI uri) {
      super("a 206 body ended before the end of its range", uri, SendState.RESPONSE_STARTED, null);
    }

    @Override
    public boolean isTransient() {
      return true;
    }
  }

  /** The download was cancelled. */
  static final class Cancelled extends Exception {
    private static final long serialVersionUID = 1L;

    Cancelled() {
      super("cancelled", null, false, false);
    }
  }

  @Override
  public String toString() {
    return "Download#" + id + "(" + request + ")";
  }
}
