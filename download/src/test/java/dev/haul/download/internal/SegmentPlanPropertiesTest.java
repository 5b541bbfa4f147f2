package dev.haul.download.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.download.internal.PlanSimulation.Action;
import dev.haul.download.internal.PlanSimulation.Kind;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Arbitrary interleavings of claim, reserve, write, progress, complete, release and end game over
 * arbitrary lengths (0, 1, small, not a multiple of the piece, near {@code Long.MAX_VALUE}): the
 * plan keeps its partition, never loses or doubles a byte outside a reported race, never moves the
 * written prefix back, and always finishes.
 */
class SegmentPlanPropertiesTest {

  @Property(tries = 400)
  void everyByteIsWrittenAndDoneExactlyOnceUnderArbitraryInterleavings(@ForAll("lengths") long length,
      @ForAll("pieceSizes") int pieceSize, @ForAll @LongRange(min = 1, max = 3000) long minSplit,
      @ForAll @IntRange(min = 1, max = 6) int connections, @ForAll("actions") List<Action> actions,
      @ForAll @IntRange(min = 0, max = 5) int rotation) {
    SegmentPlan plan = SegmentPlan.create(length, pieceSize, minSplit);
    PlanSimulation sim = new PlanSimulation(plan, connections);
    actions.forEach(sim::apply);
    sim.drain(10_000, rotation);

    assertThat(plan.isComplete()).isTrue();
    assertThat(plan.lowestIncompleteOffset()).isEqualTo(length);
    assertThat(sim.written().encloses(0, length)).isTrue();
    assertThat(plan.snapshot().segments()).as("every segment finished").isEmpty();
    assertThat(plan.snapshot().writtenBytes()).isEqualTo(length);
    PlanState state = plan.snapshotForJournal();
    assertThat(state.partialRanges()).isEmpty();
    assertThat(state.completedPieces()).isEqualTo(
        length == 0 ? List.of() : List.of(new Span(0, PlanState.pieceCount(length, pieceSize))));
    assertThat(state.writtenBytes()).isEqualTo(length);
    // Every duplicate either lost or cancelled its partner; races are the only source of either.
    assertThat(sim.lost).isLessThanOrEqualTo(sim.races);
    assertThat(sim.cancellations).isLessThanOrEqualTo(sim.races);
    Statistics.label("races").collect(sim.races > 0);
    Statistics.label("duplicate lost").collect(sim.lost > 0);
    Statistics.label("stolen").collect(sim.steals > 0);
    Statistics.label("released").collect(sim.releases > 0);
    Statistics.label("duplicate won").collect(sim.duplicateWins > 0);
  }

  @Property(tries = 300)
  void aJournalSnapshotTakenAnywhereRestoresExactlyAndFinishes(@ForAll("lengths") long length,
      @ForAll("pieceSizes") int pieceSize, @ForAll @LongRange(min = 1, max = 3000) long minSplit,
      @ForAll @IntRange(min = 1, max = 6) int connections, @ForAll("actions") List<Action> actions) {
    SegmentPlan plan = SegmentPlan.create(length, pieceSize, minSplit);
    PlanSimulation sim = new PlanSimulation(plan, connections);
    actions.forEach(sim::apply);

    PlanState state = plan.snapshotForJournal();
    SegmentPlan restored = SegmentPlan.restore(state, minSplit);
    assertThat(restored.snapshotForJournal()).isEqualTo(state);
    assertThat(restored.lowestIncompleteOffset()).isEqualTo(plan.lowestIncompleteOffset());
    assertThat(restored.snapshot().writtenBytes()).isEqualTo(plan.snapshot().writtenBytes())
        .isEqualTo(state.writtenBytes());
    restored.checkInvariants();

    PlanSimulation resumed = new PlanSimulation(restored, connections);
    PlanSimulation.doneSet(state).spans().forEach(s -> resumed.alreadyWritten(s.start(), s.end()));
    actions.forEach(resumed::apply);
    resumed.drain(10_000, 1);
    assertThat(restored.isComplete()).isTrue();
    assertThat(resumed.written().encloses(0, length)).isTrue();
  }

  @Property(tries = 300)
  void snapshotForJournalIsCanonical(@ForAll("lengths") long length, @ForAll("pieceSizes") int pieceSize,
      @ForAll("actions") List<Action> actions) {
    SegmentPlan plan = SegmentPlan.create(length, pieceSize, 1);
    PlanSimulation sim = new PlanSimulation(plan, 3);
    actions.forEach(sim::apply);
    PlanState state = plan.snapshotForJournal();
    // Whole pieces are never left in the partial list, and the two lists never overlap.
    RangeSet fromPieces = new RangeSet();
    for (Span run : state.completedPieces()) {
      fromPieces.add(run.start() * pieceSize, PlanState.pieceEnd(length, pieceSize, run.end() - 1));
    }
    for (Span r : state.partialRanges()) {
      assertThat(fromPieces.intersects(r.start(), r.end())).isFalse();
    }
    // Re-validating the same lists succeeds: the constructor's checks accept canonical form.
    assertThat(new PlanState(length, pieceSize, state.completedPieces(), state.partialRanges())).isEqualTo(state);
  }

  @Provide
  Arbitrary<Long> lengths() {
    return Arbitraries.oneOf(
        Arbitraries.of(0L, 1L, 2L, 3L, 7L, 64L, 65L),
        Arbitraries.longs().between(0, 5_000),
        Arbitraries.longs().between(Long.MAX_VALUE - 5_000, Long.MAX_VALUE),
        Arbitraries.longs().between(1L << 40, 1L << 50));
  }

  @Provide
  Arbitrary<Integer> pieceSizes() {
    return Arbitraries.oneOf(
        Arbitraries.integers().between(1, 700),
        Arbitraries.of(1 << 20, 4 << 20, Integer.MAX_VALUE));
  }

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Action> action = Combinators.combine(
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, Arbitraries.just(Kind.CLAIM)),
            net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.END_GAME)),
            net.jqwik.api.Tuple.of(5, Arbitraries.just(Kind.RESERVE)),
            net.jqwik.api.Tuple.of(5, Arbitraries.just(Kind.WRITE)),
            net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.PROGRESS)),
            net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.COMPLETE)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.RELEASE))),
        Arbitraries.integers().between(0, 5),
        Arbitraries.doubles().between(0.0, 1.0)).as(Action::new);
    return action.list().ofMaxSize(250);
  }
}
