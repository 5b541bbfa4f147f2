package dev.haul.download.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Drives a {@link SegmentPlan} the way connections would, one step at a time, and checks after
 * every step what the plan promises: its bookkeeping partitions the file, it never calls a byte
 * done that nobody wrote, nobody writes into a done byte except inside a reported end-game race,
 * and the written prefix never goes back. Ranges, not bytes, so huge lengths work too.
 */
final class PlanSimulation {

  /** One step of one connection. */
  enum Kind { CLAIM, END_GAME, RESERVE, WRITE, PROGRESS, COMPLETE, RELEASE }

  /** A generated step: what, which connection, and a fraction for sizes. */
  record Action(Kind kind, int connection, double fraction) {}

  private final SegmentPlan plan;
  private final Connection[] connections;
  private final RangeSet written = new RangeSet();
  private final RangeSet raced = new RangeSet();
  private long lastPrefix;
  int races;
  int cancellations;
  int lost;
  int steals;
  int releases;
  int duplicateWins;

  PlanSimulation(SegmentPlan plan, int connections) {
    this.plan = plan;
    this.connections = new Connection[connections];
    for (int i = 0; i < connections; i++) {
      this.connections[i] = new Connection();
    }
    this.lastPrefix = plan.lowestIncompleteOffset();
  }

  /** Marks bytes as physically present already (a restored plan's done bytes). */
  void alreadyWritten(long start, long end) {
    written.add(start, end);
  }

  void apply(Action action) {
    Connection c = connections[action.connection() % connections.length];
    switch (action.kind()) {
      case CLAIM -> {
        if (c.segment == null) {
          plan.claim().ifPresent(s -> {
            steals += s.end() == plan.length() && s.start() > 0 ? 1 : 0;
            c.start(s);
          });
        }
      }
      case END_GAME -> {
        if (c.segment == null) {
          // Half the time an arbitrary rate estimate picks the segment to race.
          startRace(c, action.fraction() < 0.5 ? plan.endGame()
              : plan.endGame(v -> (v.segment().id() * 7919) % 13));
        }
      }
      case RESERVE -> {
        if (c.segment != null) {
          long want = Math.max(1, (long) (action.fraction() * Math.max(1, c.segment.length())));
          c.pending += plan.reserve(c.segment, want);
        }
      }
      case WRITE -> {
        if (c.segment != null) {
          write(c);
        }
      }
      case PROGRESS -> {
        if (c.segment != null) {
          // Doubles round (up, too: near Long.MAX_VALUE the sum would overflow); keep the report
          // inside [reported, position] by bounding the step, not the sum.
          long gap = c.position - c.reported;
          long to = c.reported + Math.min(gap, (long) (action.fraction() * gap));
          plan.progress(c.segment, to);
          c.reported = to;
        }
      }
      case COMPLETE -> {
        if (c.segment != null) {
          plan.progress(c.segment, c.position);
          c.reported = c.position;
          if (c.pending == 0 && finished(c)) {
            handle(c, plan.complete(c.segment));
          }
        }
      }
      case RELEASE -> {
        if (c.segment != null) {
          // A failed connection: bytes in hand never reach the file.
          plan.release(c.segment);
          releases++;
          c.segment = null;
        }
      }
    }
    check();
  }

  /**
   * Runs every connection to the end; returns the rounds it took. Each round visits the connections
   * in an order rotated by {@code rotation * round}, so either side of a race can finish first.
   */
  int drain(int maxRounds, int rotation) {
    for (int round = 0; round < maxRounds; round++) {
      if (plan.isComplete()) {
        // Let racing losers and the shortened finish so the plan empties.
        for (Connection c : connections) {
          if (c.segment != null) {
            finish(c);
          }
        }
        return round;
      }
      for (int i = 0; i < connections.length; i++) {
        Connection c = connections[Math.floorMod(i + rotation * round, connections.length)];
        if (c.segment == null) {
          Optional<Segment> s = plan.claim();
          if (s.isPresent()) {
            steals += s.get().end() == plan.length() && s.get().start() > 0 ? 1 : 0;
            c.start(s.get());
          } else {
            startRace(c, plan.endGame());
          }
        } else {
          finish(c);
        }
        check();
      }
    }
    throw new AssertionError("plan did not finish in " + maxRounds + " rounds: " + plan.snapshot());
  }

  RangeSet written() {
    return written;
  }

  RangeSet raced() {
    return raced;
  }

  private void finish(Connection c) {
    write(c);
    long granted;
    while ((granted = plan.reserve(c.segment, Long.MAX_VALUE)) > 0) {
      c.pending += granted;
      write(c);
    }
    plan.progress(c.segment, c.position);
    c.reported = c.position;
    handle(c, plan.complete(c.segment));
    check();
  }

  private boolean finished(Connection c) {
    for (SegmentView v : plan.snapshot().segments()) {
      if (v.segment().id() == c.segment.id()) {
        return v.lost() || v.written() >= v.end();
      }
    }
    throw new AssertionError("segment " + c.segment + " not in the plan");
  }

  private void startRace(Connection c, Optional<Segment> duplicate) {
    duplicate.ifPresent(d -> {
      assertThat(d.duplicate()).isTrue();
      races++;
      raced.add(d.start(), d.end());
      c.start(d);
    });
  }

  private void handle(Connection c, Completion completion) {
    if (completion.status() == Completion.Status.LOST) {
      lost++;
      assertThat(c.segment.duplicate()).as("only duplicates lose").isTrue();
    }
    completion.cancelled().ifPresent(other -> {
      cancellations++;
      duplicateWins += c.segment.duplicate() ? 1 : 0;
      boolean held = false;
      for (Connection k : connections) {
        held |= k.segment != null && k.segment.id() == other.id();
      }
      assertThat(held).as("the cancelled segment %s belongs to a connection", other).isTrue();
    });
    c.segment = null;
  }

  private void write(Connection c) {
    long from = c.position;
    long to = from + c.pending;
    RangeSet done = doneSet(plan.snapshotForJournal());
    for (Span d : done.spans()) {
      long s = Math.max(d.start(), from);
      long e = Math.min(d.end(), to);
      if (s < e) {
        assertThat(raced.encloses(s, e)).as("write [%d, %d) into done bytes outside any race", s, e).isTrue();
      }
    }
    written.add(from, to);
    c.position = to;
    c.pending = 0;
  }

  private void check() {
    plan.checkInvariants();
    RangeSet done = doneSet(plan.snapshotForJournal());
    for (Span d : done.spans()) {
      assertThat(written.encloses(d.start(), d.end())).as("done %s was written", d).isTrue();
    }
    long prefix = plan.lowestIncompleteOffset();
    assertThat(prefix).isGreaterThanOrEqualTo(lastPrefix).isBetween(0L, plan.length());
    assertThat(done.encloses(0, prefix)).isTrue();
    lastPrefix = prefix;
  }

  /** The done bytes a journal state describes. */
  static RangeSet doneSet(PlanState state) {
    RangeSet set = new RangeSet();
    for (Span run : state.completedPieces()) {
      set.add(run.start() * state.pieceSize(), PlanState.pieceEnd(state.length(), state.pieceSize(), run.end() - 1));
    }
    for (Span r : state.partialRanges()) {
      set.add(r.start(), r.end());
    }
    return set;
  }

  static List<Span> spans(RangeSet set) {
    return new ArrayList<>(set.spans());
  }

  /** A connection's view of its segment. */
  private static final class Connection {
    Segment segment;
    long position;
    long pending;
    long reported;

    void start(Segment s) {
      segment = s;
      position = s.start();
      reported = s.start();
      pending = 0;
    }
  }
}
