package dev.haul.download.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The shared work plan of one download over {@code [0, length)}: which bytes are written, which are
 * free, and which are being fetched by which connection. Thread-safe; every method is short and
 * takes the plan's lock, so many connections can call in concurrently.
 *
 * <h2>How a connection uses it</h2>
 *
 * <ol>
 *   <li>{@link #claim()} a segment (the lowest free range, or else half of the largest range still
 *       in flight: work stealing); when that is empty and the plan is not complete, {@link #endGame()}
 *       races a duplicate of the tail that will finish last. Request {@code [start, end)}.
 *   <li>For every chunk in hand: {@link #reserve} it (the plan answers how many of its bytes the
 *       segment may still write; bytes reserved are never handed to anyone else), write them at the
 *       segment's next position, then report {@link #progress} with the offset written through.
 *   <li>When {@code reserve} answers 0, stop fetching and call {@link #complete}; a connection that
 *       fails or is dropped calls {@link #release} instead, which keeps what it reported and returns
 *       its unwritten remainder to the free set.
 * </ol>
 *
 * <h2>Written, not durable</h2>
 *
 * <p>{@code progress} reports bytes whose positional writes have returned (page cache). A journal
 * must therefore take {@link #snapshotForJournal()} <em>before</em> forcing the data: everything the
 * snapshot claims was written before the force, hence is durable once the force returns.
 *
 * <h2>End game</h2>
 *
 * <p>When nothing is free and nothing can be split, {@link #endGame()} hands out a duplicate of the
 * in-flight segment with the most bytes still unreserved, starting where that segment has reserved
 * to. Both write the same bytes (same validator, so the same content); the first to complete wins
 * and its {@link Completion#cancelled()} names the other, which should stop fetching. A winning
 * duplicate shortens the original to where the duplicate began; a losing duplicate's
 * {@code complete} answers {@link Completion.Status#LOST}. Only racing segments ever write a byte
 * twice, and every race is reported that way.
 */
public final class SegmentPlan {

  private final long length;
  private final int pieceSize;
  private final long minSplit;
  private final RangeSet done = new RangeSet();
  private final RangeSet free = new RangeSet();
  private final Map<Long, Active> active = new LinkedHashMap<>();
  private long nextId;

  private SegmentPlan(long length, int pieceSize, long minSplit) {
    if (length < 0) {
      throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
    }
    if (pieceSize <= 0) {
      throw new IllegalArgumentException("pieceSize: " + pieceSize + " (expected: > 0)");
    }
    if (minSplit <= 0) {
      throw new IllegalArgumentException("minSplit: " + minSplit + " (expected: > 0)");
    }
    this.length = length;
    this.pieceSize = pieceSize;
    this.minSplit = minSplit;
  }

  /**
   * Creates a plan with every byte free.
   *
   * @param length total length in bytes, {@code >= 0}
   * @param pieceSize bytes per piece ({@code > 0}; 1 to 4 MiB is typical): splits fall on piece
   *     boundaries and the journal records whole pieces
   * @param minSplit a range in flight is bisected only when at least {@code 2 * minSplit} of it is
   *     still unreserved ({@code > 0}; typically the piece size or more)
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static SegmentPlan create(long length, int pieceSize, long minSplit) {
    SegmentPlan plan = new SegmentPlan(length, pieceSize, minSplit);
    plan.free.add(0, length);
    return plan;
  }

  /**
   * Recreates a plan from a journal's state: its written bytes are done, every other byte is free.
   *
   * @param state what the journal recorded
   * @param minSplit see {@link #create}
   * @throws IllegalArgumentException if {@code minSplit <= 0}
   */
  public static SegmentPlan restore(PlanState state, long minSplit) {
    SegmentPlan plan = new SegmentPlan(state.length(), state.pieceSize(), minSplit);
    for (Span run : state.completedPieces()) {
      plan.done.add(run.start() * state.pieceSize(),
          PlanState.pieceEnd(state.length(), state.pieceSize(), run.end() - 1));
    }
    for (Span r : state.partialRanges()) {
      plan.done.add(r.start(), r.end());
    }
    plan.free.add(0, state.length());
    for (Span d : plan.done.spans()) {
      plan.free.remove(d.start(), d.end());
    }
    return plan;
  }

  /** Returns the total length in bytes. */
  public long length() {
    return length;
  }

  /** Returns the piece size in bytes. */
  public int pieceSize() {
    return pieceSize;
  }

  /**
   * Hands out work for an idle connection: the lowest free range, whole; when nothing is free, the
   * upper half (split on a piece boundary) of the in-flight segment with the most unreserved bytes,
   * if it has at least {@code 2 * minSplit} of them. Empty when there is nothing to hand out: then
   * try {@link #endGame()} unless {@link #isComplete()}.
   */
  public synchronized Optional<Segment> claim() {
    Optional<Segment> free = claim(Long.MAX_VALUE);
    return free.isPresent() ? free : steal(view -> view.unreserved(), Double.NEGATIVE_INFINITY);
  }

  /**
   * Hands out free work only: the lowest free range, cut to at most {@code maxBytes} at a piece
   * boundary (at least up to the first boundary past its start; a remainder under a piece goes
   * with it). A downloader that knows how many connections it runs hands each an equal
   * share this way at the start, so no connection has to steal from another while all are fast.
   * Empty when nothing is free (then consider {@link #steal}).
   *
   * @throws IllegalArgumentException if {@code maxBytes <= 0}
   */
  public synchronized Optional<Segment> claim(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: > 0)");
    }
    Span range = free.first();
    if (range == null) {
      return Optional.empty();
    }
    long end = range.end();
    if (end - range.start() > maxBytes) {
      // Cut at the last piece boundary within start + maxBytes (the first past start, if none is
      // within): a share never grows past maxBytes, so N shares never leave a connection without
      // one, at worst a short extra segment for whoever finishes first. A remainder shorter than
      // a piece goes with this share rather than become a segment of its own.
      long cut = range.start() + maxBytes;
      long down = cut - cut % pieceSize;
      long aligned = down <= range.start() ? down + pieceSize : down;
      if (end - aligned >= pieceSize) {
        end = aligned;
      }
    }
    free.remove(range.start(), end);
    return Optional.of(open(range.start(), end, null));
  }

  /**
   * Work stealing: splits off the upper half (on a piece boundary) of the splittable in-flight
   * segment that will finish last by {@code timeLeft}, if that estimate is at least
   * {@code minTimeLeft}. A segment is splittable when it has at least {@code 2 * minSplit}
   * unreserved bytes and is not racing. The segment stolen from stops at the split (its connection
   * then ends its transfer early), so a steal is worth it only when the victim has long to go.
   *
   * @param timeLeft estimates a candidate's time to finish, in any unit, or NaN when it cannot
   *     tell yet (that segment is then no candidate); called under the plan's lock, so it must be
   *     fast and must not call back into the plan
   * @param minTimeLeft no steal from a segment estimated to finish sooner than this
   */
  public synchronized Optional<Segment> steal(ToDoubleFunction<SegmentView> timeLeft, double minTimeLeft) {
    Objects.requireNonNull(timeLeft, "timeLeft is null");
    Active victim = null;
    long victimSplit = -1;
    double victimLeft = Double.NEGATIVE_INFINITY;
    for (Active a : active.values()) {
      long split = splitPoint(a);
      if (split < 0) {
        continue;
      }
      double left = timeLeft.applyAsDouble(a.view());
      if (Double.isNaN(left)) {
        continue; // no estimate yet: not a candidate
      }
      if (victim == null || left > victimLeft) {
        victim = a;
        victimSplit = split;
        victimLeft = left;
      }
    }
    if (victim == null || victimLeft < minTimeLeft) {
      return Optional.empty();
    }
    long end = victim.end;
    victim.end = victimSplit;
    return Optional.of(open(victimSplit, end, null));
  }

  /**
   * Starts an end-game race: a duplicate of the unreserved tail of the in-flight segment with the
   * most bytes left to fetch. Same as {@link #endGame(ToDoubleFunction)} with the unreserved byte
   * count as the time left, for callers that do not measure rates.
   */
  public synchronized Optional<Segment> endGame() {
    return endGame(view -> view.end() - view.reserved());
  }

  /**
   * Starts an end-game race: a duplicate of the unreserved tail of the in-flight segment that will
   * finish last by {@code timeLeft} (for example its unreserved bytes over its measured rate; a
   * stalled segment's time left is infinite). Empty while anything is free or splittable (use
   * {@link #claim()}), or when every candidate is already racing or fully reserved.
   *
   * @param timeLeft estimates a candidate's time to finish, in any unit, or NaN when it cannot
   *     tell yet (no candidate); called under the plan's lock, so it must be fast and must not
   *     call back into the plan
   */
  public synchronized Optional<Segment> endGame(ToDoubleFunction<SegmentView> timeLeft) {
    return endGame(timeLeft, Double.NEGATIVE_INFINITY);
  }

  /**
   * As {@link #endGame(ToDoubleFunction)}, but only when the segment that will finish last is
   * estimated to need at least {@code minTimeLeft}: racing a tail about to finish anyway only
   * fetches its bytes twice.
   */
  public synchronized Optional<Segment> endGame(ToDoubleFunction<SegmentView> timeLeft, double minTimeLeft) {
    Objects.requireNonNull(timeLeft, "timeLeft is null");
    if (!free.isEmpty()) {
      return Optional.empty();
    }
    for (Active a : active.values()) {
      if (splitPoint(a) >= 0) {
        return Optional.empty();
      }
    }
    Active slowest = null;
    double slowestLeft = Double.NEGATIVE_INFINITY;
    for (Active a : active.values()) {
      if (a.isRaceCandidate()) {
        double left = timeLeft.applyAsDouble(a.view());
        if (Double.isNaN(left)) {
          continue; // no estimate yet: not a candidate
        }
        if (slowest == null || left > slowestLeft) {
          slowest = a;
          slowestLeft = left;
        }
      }
    }
    if (slowest == null || slowestLeft < minTimeLeft) {
      return Optional.empty();
    }
    Active dup = new Active(nextId++, slowest.unreservedFrom(), slowest.end, slowest);
    slowest.partner = dup;
    active.put(dup.id, dup);
    return Optional.of(dup.handle());
  }

  /**
   * Grants the segment up to {@code maxBytes} more bytes, starting where its previous grants ended
   * (the segment's start at first). Call it with the bytes in hand, just before writing them; the
   * bytes granted belong to this segment alone (or to its end-game race). Answers 0 when the
   * segment has reached its current end, lost a race, or is no longer in the plan: stop fetching.
   *
   * @throws IllegalArgumentException if {@code maxBytes < 0}
   */
  public synchronized long reserve(Segment segment, long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 0)");
    }
    Active a = active.get(segment.id());
    if (a == null || a.lost) {
      return 0;
    }
    long granted = Math.min(maxBytes, Math.max(0, a.end - a.reserved));
    a.reserved += granted;
    return granted;
  }

  /**
   * Records that every byte of {@code [segment.start(), offset)} has been written. Offsets past the
   * segment's current end are clamped to it (the segment was shortened while it wrote); reports from
   * a segment that lost its race or left the plan are ignored.
   *
   * @throws IllegalArgumentException if {@code offset} goes backwards or past what was reserved
   */
  public synchronized void progress(Segment segment, long offset) {
    Active a = active.get(segment.id());
    if (a == null || a.lost) {
      return;
    }
    if (offset < a.progress || offset > a.reserved) {
      throw new IllegalArgumentException("offset: " + offset + " (expected: between " + a.progress
          + " and the reserved " + a.reserved + ")");
    }
    long clamped = Math.min(offset, a.end);
    if (clamped <= a.progress) {
      return;
    }
    a.progress = clamped;
    if (!a.isShadow()) {
      // A primary owns [ownedFrom, end): what it writes there becomes done.
      if (clamped > a.ownedFrom) {
        done.add(a.ownedFrom, clamped);
        a.ownedFrom = clamped;
      }
    }
  }

  /**
   * Finishes a segment that has written through its current end.
   *
   * @return {@link Completion.Status#COMPLETED} (and, if it won an end-game race, the segment that
   *     lost, which should stop fetching), or {@link Completion.Status#LOST} if its race partner
   *     finished first
   * @throws IllegalStateException if the segment is not in the plan or has not written through its
   *     end (release it instead)
   */
  public synchronized Completion complete(Segment segment) {
    Active a = active.get(segment.id());
    if (a == null) {
      throw new IllegalStateException("segment " + segment.id() + " is not in flight");
    }
    if (a.lost) {
      active.remove(a.id);
      return new Completion(Completion.Status.LOST, Optional.empty());
    }
    if (a.progress < a.end) {
      throw new IllegalStateException("segment " + a.id + " has written through " + a.progress
          + " of [" + a.start + ", " + a.end + "): release it instead");
    }
    active.remove(a.id);
    Active partner = a.partner;
    if (partner == null) {
      return new Completion(Completion.Status.COMPLETED, Optional.empty());
    }
    partner.partner = null;
    if (a.isShadow()) {
      // The duplicate won: its bytes are done, and the original now ends where the duplicate began.
      done.add(a.start, a.end);
      partner.end = Math.max(partner.ownedFrom, a.start);
      partner.progress = Math.min(partner.progress, partner.end);
    } else {
      partner.lost = true;
    }
    return new Completion(Completion.Status.COMPLETED, Optional.of(partner.handle()));
  }

  /**
   * Takes a failed or dropped connection's segment out of the plan. What it reported through
   * {@link #progress} stays done; its unwritten remainder becomes free (or, if it was racing a
   * duplicate, the duplicate carries on with the raced tail). Call it after the connection's last
   * write returned. Releasing a segment that is no longer in the plan does nothing.
   */
  public synchronized void release(Segment segment) {
    Active a = active.remove(segment.id());
    if (a == null || a.lost) {
      return;
    }
    Active partner = a.partner;
    if (a.isShadow()) {
      partner.partner = null;
      return;
    }
    if (partner == null) {
      free.add(a.ownedFrom, a.end);
      return;
    }
    // The original leaves a race: the duplicate becomes a primary owning the raced tail.
    free.add(a.ownedFrom, partner.start);
    done.add(partner.start, partner.progress);
    partner.partner = null;
    partner.shadowOf = false;
    partner.ownedFrom = Math.max(partner.progress, a.ownedFrom);
  }

  /**
   * Returns the end of the written prefix: every byte below it is written, the byte at it is not
   * (or it equals the length). Never decreases; the hash cursor and the journal follow it.
   */
  public synchronized long lowestIncompleteOffset() {
    Span first = done.first();
    return first == null || first.start() > 0 ? 0 : first.end();
  }

  /** Returns the bytes that are neither written nor held by a segment in flight. */
  public synchronized long freeBytes() {
    return free.size();
  }

  /** Returns whether every byte of {@code [0, length)} is written (always true for length 0). */
  public synchronized boolean isComplete() {
    return done.encloses(0, length);
  }

  /** Returns a consistent view for progress reporting. */
  public synchronized Snapshot snapshot() {
    List<SegmentView> views = new ArrayList<>(active.size());
    for (Active a : active.values()) {
      views.add(a.view());
    }
    Span first = done.first();
    long prefix = first == null || first.start() > 0 ? 0 : first.end();
    return new Snapshot(length, done.size(), prefix, views);
  }

  /**
   * Returns the written bytes in the journal's form (whole pieces plus partial ranges). Take it
   * before forcing the data, see the class comment.
   */
  public synchronized PlanState snapshotForJournal() {
    List<Span> pieces = new ArrayList<>();
    List<Span> partials = new ArrayList<>();
    for (Span d : done.spans()) {
      // Whole pieces inside d: from the first piece starting at or after d.start to the last ending by d.end.
      long first = d.start() / pieceSize + (d.start() % pieceSize == 0 ? 0 : 1);
      long endPiece = d.end() == length ? PlanState.pieceCount(length, pieceSize) : d.end() / pieceSize;
      if (first < endPiece) {
        long wholeStart = first * pieceSize;
        long wholeEnd = PlanState.pieceEnd(length, pieceSize, endPiece - 1);
        addSpan(pieces, first, endPiece);
        addSpan(partials, d.start(), wholeStart);
        addSpan(partials, wholeEnd, d.end());
      } else {
        addSpan(partials, d.start(), d.end());
      }
    }
    return new PlanState(length, pieceSize, pieces, partials);
  }

  private static void addSpan(List<Span> spans, long start, long end) {
    if (start < end) {
      spans.add(new Span(start, end));
    }
  }

  /** Checks the plan's bookkeeping: done, free and owned remainders partition the file. For tests. */
  synchronized void checkInvariants() {
    RangeSet covered = new RangeSet();
    long total = 0;
    for (Span s : done.spans()) {
      covered.add(s.start(), s.end());
      total += s.length();
    }
    for (Span s : free.spans()) {
      check(!covered.intersects(s.start(), s.end()), "free " + s + " overlaps");
      covered.add(s.start(), s.end());
      total += s.length();
    }
    for (Active a : active.values()) {
      check(a.start <= a.progress && a.progress <= a.end && a.end <= length, "bounds of " + a);
      check(a.progress <= a.reserved, "progress past reserve " + a);
      if (a.lost) {
        continue;
      }
      if (a.isShadow()) {
        check(a.partner != null && a.partner.partner == a && a.end == a.partner.end, "shadow " + a);
        continue;
      }
      check(a.ownedFrom <= a.end, "owned " + a);
      check(!covered.intersects(a.ownedFrom, a.end), "owned range of " + a + " overlaps");
      covered.add(a.ownedFrom, a.end);
      total += a.end - a.ownedFrom;
    }
    check(total == length && covered.encloses(0, length), "coverage " + total + " of " + length);
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException("plan invariant broken: " + message);
    }
  }

  private Segment open(long start, long end, Active shadowOf) {
    Active a = new Active(nextId++, start, end, shadowOf);
    active.put(a.id, a);
    return a.handle();
  }

  /**
   * Where {@code a} may be bisected, or -1: a piece boundary strictly inside its unreserved tail,
   * nearest the middle, when that tail holds at least {@code 2 * minSplit} bytes. Racing segments
   * are never split.
   */
  private long splitPoint(Active a) {
    if (a.lost || a.partner != null) {
      return -1;
    }
    long from = a.unreservedFrom();
    long remaining = a.end - from;
    if (remaining / 2 < minSplit) {
      return -1;
    }
    long mid = from + remaining / 2;
    long down = mid - mid % pieceSize;
    if (down > from) {
      return down;
    }
    // 'down' is at or below 'from'; the next boundary is inside only if the end is more than a piece away.
    return a.end - down > pieceSize ? down + pieceSize : -1;
  }

  /** A segment in flight; guarded by the plan's lock. */
  private static final class Active {
    final long id;
    final long start;
    long end;
    long reserved;
    long progress;
    /** The first byte this primary owns that is not done; unused for a shadow. */
    long ownedFrom;
    /** The other side of an end-game race, or null. */
    Active partner;
    /** Whether this is the duplicate side of a race (a shadow owns no bytes of its own). */
    boolean shadowOf;
    /** Whether this lost a race: it may not write any more. */
    boolean lost;

    Active(long id, long start, long end, Active original) {
      this.id = id;
      this.start = start;
      this.end = end;
      this.reserved = start;
      this.progress = start;
      this.ownedFrom = start;
      this.partner = original;
      this.shadowOf = original != null;
    }

    boolean isShadow() {
      return shadowOf;
    }

    long unreservedFrom() {
      return Math.max(reserved, ownedFrom);
    }

    boolean isRaceCandidate() {
      return !lost && partner == null && !shadowOf && unreservedFrom() < end;
    }

    Segment handle() {
      return new Segment(id, start, end, shadowOf);
    }

    SegmentView view() {
      return new SegmentView(handle(), end, unreservedFrom(), progress, shadowOf, lost);
    }

    @Override
    public String toString() {
      return "segment " + id + " [" + start + ", " + end + ") reserved " + reserved + " progress " + progress
          + " owned from " + ownedFrom + (shadowOf ? " duplicate" : "") + (lost ? " lost" : "");
    }
  }
}
