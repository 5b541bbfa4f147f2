package dev.haul.download.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SegmentPlanTest {

  @Test
  void rejectsNegativeLengthAndNonPositiveSizes() {
    assertThatThrownBy(() -> SegmentPlan.create(-1, 10, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("length: -1 (expected: >= 0)");
    assertThatThrownBy(() -> SegmentPlan.create(10, 0, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pieceSize: 0 (expected: > 0)");
    assertThatThrownBy(() -> SegmentPlan.create(10, 10, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minSplit: 0 (expected: > 0)");
    PlanState empty = new PlanState(10, 10, List.of(), List.of());
    assertThatThrownBy(() -> SegmentPlan.restore(empty, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anEmptyFileIsCompleteFromTheStart() {
    SegmentPlan plan = SegmentPlan.create(0, 1 << 20, 1 << 20);
    assertThat(plan.isComplete()).isTrue();
    assertThat(plan.claim()).isEmpty();
    assertThat(plan.endGame()).isEmpty();
    assertThat(plan.lowestIncompleteOffset()).isZero();
    assertThat(plan.snapshotForJournal()).isEqualTo(new PlanState(0, 1 << 20, List.of(), List.of()));
    assertThat(plan.snapshot()).isEqualTo(new Snapshot(0, 0, 0, List.of()));
  }

  @Test
  void aOneByteFileIsOneSegment() {
    SegmentPlan plan = SegmentPlan.create(1, 1 << 20, 1 << 20);
    Segment s = plan.claim().orElseThrow();
    assertThat(s).isEqualTo(new Segment(0, 0, 1, false));
    assertThat(plan.claim()).as("one byte cannot be split").isEmpty();
    assertThat(plan.isComplete()).isFalse();
    assertThat(plan.reserve(s, 100)).isEqualTo(1);
    assertThat(plan.reserve(s, 100)).isZero();
    plan.progress(s, 1);
    assertThat(plan.complete(s)).isEqualTo(new Completion(Completion.Status.COMPLETED, Optional.empty()));
    assertThat(plan.isComplete()).isTrue();
    assertThat(plan.lowestIncompleteOffset()).isEqualTo(1);
    assertThat(plan.snapshotForJournal().completedPieces()).containsExactly(new Span(0, 1));
  }

  @Test
  void claimHandsOutTheLowestFreeRangeWhole() {
    SegmentPlan plan = SegmentPlan.create(100, 10, 10);
    Segment first = plan.claim().orElseThrow();
    assertThat(first).isEqualTo(new Segment(0, 0, 100, false));
    plan.reserve(first, 30);
    plan.progress(first, 30);
    plan.release(first);
    // Released remainder [30, 100) is free again; the written prefix stays.
    assertThat(plan.lowestIncompleteOffset()).isEqualTo(30);
    Segment again = plan.claim().orElseThrow();
    assertThat(again.start()).isEqualTo(30);
    assertThat(again.end()).isEqualTo(100);
  }

  @Test
  void anIdleConnectionStealsTheUpperHalfOfTheLargestRangeOnAPieceBoundary() {
    SegmentPlan plan = SegmentPlan.create(100, 16, 10);
    Segment a = plan.claim().orElseThrow();
    // Unreserved [0, 100): middle 50, nearest boundary below is 48.
    Segment b = plan.claim().orElseThrow();
    assertThat(b).isEqualTo(new Segment(1, 48, 100, false));
    assertThat(plan.reserve(a, 1000)).as("the victim now ends at the split").isEqualTo(48);
    assertThat(plan.snapshot().segments()).extracting(SegmentView::end).containsExactly(48L, 100L);
  }

  @Test
  void stealingSplitsOnlyTheUnreservedTailAndPicksTheLargest() {
    SegmentPlan plan = SegmentPlan.create(1000, 10, 10);
    Segment a = plan.claim().orElseThrow();
    plan.reserve(a, 300);
    Segment b = plan.claim().orElseThrow();
    // Unreserved [300, 1000): middle 650.
    assertThat(b.start()).isEqualTo(650);
    plan.reserve(b, 300);
    // a has [300, 650) = 350 unreserved, b has [950, 1000) = 50: a is split at 475 -> 470.
    Segment c = plan.claim().orElseThrow();
    assertThat(c).isEqualTo(new Segment(2, 470, 650, false));
  }

  @Test
  void aRangeIsSplitOnlyWhenTwiceTheMinimumSplitIsLeft() {
    SegmentPlan plan = SegmentPlan.create(100, 1, 50);
    Segment a = plan.claim().orElseThrow();
    assertThat(plan.claim()).as("exactly 2 x 50 unreserved: split").isPresent();
    SegmentPlan tight = SegmentPlan.create(99, 1, 50);
    tight.claim().orElseThrow();
    assertThat(tight.claim()).as("99 < 2 x 50: no split").isEmpty();
    assertThat(plan.reserve(a, 1000)).isEqualTo(50);
  }

  @Test
  void aPieceLargerThanTheFileLeavesNothingToSplit() {
    SegmentPlan plan = SegmentPlan.create(10, 100, 1);
    Segment a = plan.claim().orElseThrow();
    assertThat(plan.claim()).isEmpty();
    Segment dup = plan.endGame().orElseThrow();
    assertThat(dup).isEqualTo(new Segment(1, 0, 10, true));
    plan.reserve(a, 10);
    plan.progress(a, 10);
    assertThat(plan.complete(a).cancelled()).contains(dup);
    assertThat(plan.snapshotForJournal().completedPieces()).containsExactly(new Span(0, 1));
  }

  @Test
  void endGameIsRefusedWhileAnythingIsFreeOrSplittable() {
    SegmentPlan plan = SegmentPlan.create(100, 10, 10);
    assertThat(plan.endGame()).as("everything is free").isEmpty();
    plan.claim().orElseThrow();
    assertThat(plan.endGame()).as("the segment can still be split").isEmpty();
  }

  @Test
  void endGameRacesTheSegmentWithTheMostLeftAndTheOriginalCanWin() {
    SegmentPlan plan = SegmentPlan.create(40, 10, 20);
    Segment a = plan.claim().orElseThrow();
    Segment b = plan.claim().orElseThrow();
    assertThat(b.start()).isEqualTo(20);
    plan.reserve(a, 15);
    plan.reserve(b, 5);
    Segment dup = plan.endGame().orElseThrow();
    assertThat(dup).isEqualTo(new Segment(2, 25, 40, true));
    assertThat(plan.endGame()).as("a is not racing yet, so it can be raced too").isPresent();

    plan.reserve(b, 100);
    plan.progress(b, 40);
    Completion won = plan.complete(b);
    assertThat(won.status()).isEqualTo(Completion.Status.COMPLETED);
    assertThat(won.cancelled()).map(Segment::id).contains(dup.id());
    assertThat(plan.reserve(dup, 10)).as("the loser may write nothing more").isZero();
    plan.progress(dup, 25);
    assertThat(plan.complete(dup).status()).isEqualTo(Completion.Status.LOST);
    plan.checkInvariants();
  }

  @Test
  void endGameRacesTheSegmentThatWillFinishLastByTheCallersEstimate() {
    SegmentPlan plan = SegmentPlan.create(40, 10, 20);
    Segment a = plan.claim().orElseThrow();
    Segment b = plan.claim().orElseThrow();
    plan.reserve(a, 15);
    plan.reserve(b, 5);
    long stalled = a.id();
    // a has 5 bytes left and b 15, but a is stalled: a will finish last.
    Segment dup = plan.endGame(v -> v.segment().id() == stalled ? Double.POSITIVE_INFINITY : v.unreserved() / 1e6)
        .orElseThrow();
    assertThat(dup).isEqualTo(new Segment(2, 15, 20, true));
    assertThatThrownBy(() -> plan.endGame(null)).isInstanceOf(NullPointerException.class);
    plan.reserve(dup, 5);
    plan.progress(dup, 20);
    assertThat(plan.complete(dup).cancelled()).map(Segment::id).contains(stalled);
    assertThat(plan.reserve(b, 100)).isEqualTo(15);
  }

  @Test
  void aDuplicateThatFinishesFirstShortensTheOriginal() {
    SegmentPlan plan = SegmentPlan.create(100, 10, 100);
    Segment a = plan.claim().orElseThrow();
    assertThat(plan.reserve(a, 30)).isEqualTo(30);
    Segment dup = plan.endGame().orElseThrow();
    assertThat(dup.start()).isEqualTo(30);
    assertThat(plan.snapshot().segments()).extracting(SegmentView::duplicate).containsExactly(false, true);
    // The original keeps going past the duplicate's start while the duplicate runs to the end.
    assertThat(plan.reserve(a, 20)).isEqualTo(20);
    assertThat(plan.reserve(dup, 100)).isEqualTo(70);
    plan.progress(dup, 100);
    assertThat(plan.lowestIncompleteOffset()).as("a shadow's writes count only when it wins").isZero();
    Completion won = plan.complete(dup);
    assertThat(won.cancelled()).map(Segment::id).contains(a.id());
    assertThat(plan.reserve(a, 10)).as("the original now ends at 30, already reserved").isZero();
    plan.progress(a, 50);
    assertThat(plan.snapshot().segments()).singleElement().satisfies(v -> {
      assertThat(v.end()).isEqualTo(30);
      assertThat(v.written()).isEqualTo(30);
    });
    assertThat(plan.complete(a).status()).isEqualTo(Completion.Status.COMPLETED);
    assertThat(plan.isComplete()).isTrue();
    plan.checkInvariants();
  }

  @Test
  void releasingTheOriginalOfARaceHandsTheTailToTheDuplicate() {
    SegmentPlan plan = SegmentPlan.create(100, 10, 100);
    Segment a = plan.claim().orElseThrow();
    plan.reserve(a, 40);
    plan.progress(a, 20);
    Segment dup = plan.endGame().orElseThrow();
    assertThat(dup.start()).isEqualTo(40);
    plan.reserve(dup, 10);
    plan.progress(dup, 50);
    plan.release(a);
    plan.checkInvariants();
    // [20, 40) was reserved by a but never reported: free again. The duplicate's bytes now count.
    assertThat(plan.snapshotForJournal()).isEqualTo(
        new PlanState(100, 10, List.of(new Span(0, 2), new Span(4, 5)), List.of()));
    Segment rest = plan.claim().orElseThrow();
    assertThat(rest).isEqualTo(new Segment(2, 20, 40, false));
    assertThat(plan.snapshot().segments()).extracting(SegmentView::duplicate).containsExactly(false, false);
    plan.reserve(dup, 100);
    plan.progress(dup, 100);
    assertThat(plan.complete(dup)).isEqualTo(new Completion(Completion.Status.COMPLETED, Optional.empty()));
    plan.reserve(rest, 100);
    plan.progress(rest, 40);
    plan.complete(rest);
    assertThat(plan.isComplete()).isTrue();
  }

  @Test
  void releasingADuplicateLetsTheOriginalBeRacedAgain() {
    SegmentPlan plan = SegmentPlan.create(10, 10, 10);
    Segment a = plan.claim().orElseThrow();
    Segment dup = plan.endGame().orElseThrow();
    assertThat(plan.endGame()).isEmpty();
    plan.release(dup);
    plan.checkInvariants();
    assertThat(plan.endGame()).isPresent();
    plan.reserve(a, 10);
    plan.progress(a, 10);
    assertThat(plan.complete(a).status()).isEqualTo(Completion.Status.COMPLETED);
  }

  @Test
  void progressOutsideWhatWasReservedOrBackwardsIsRejected() {
    SegmentPlan plan = SegmentPlan.create(100, 10, 10);
    Segment a = plan.claim().orElseThrow();
    plan.reserve(a, 10);
    assertThatThrownBy(() -> plan.progress(a, 11)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved 10");
    plan.progress(a, 10);
    assertThatThrownBy(() -> plan.progress(a, 9)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> plan.reserve(a, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void completingAnUnfinishedOrUnknownSegmentFails() {
    SegmentPlan plan = SegmentPlan.create(100, 10, 10);
    Segment a = plan.claim().orElseThrow();
    assertThatThrownBy(() -> plan.complete(a)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("release it instead");
    plan.release(a);
    plan.release(a);
    assertThatThrownBy(() -> plan.complete(a)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not in flight");
    assertThat(plan.reserve(a, 10)).as("a released segment may not write").isZero();
    plan.progress(a, 50);
    assertThat(plan.lowestIncompleteOffset()).isZero();
  }

  @Test
  void theWrittenPrefixWaitsForTheLowestGap() {
    SegmentPlan plan = SegmentPlan.create(100, 10, 10);
    Segment a = plan.claim().orElseThrow();
    Segment b = plan.claim().orElseThrow();
    plan.reserve(b, 50);
    plan.progress(b, 100);
    plan.complete(b);
    assertThat(plan.lowestIncompleteOffset()).isZero();
    assertThat(plan.snapshot().writtenBytes()).isEqualTo(50);
    plan.reserve(a, 50);
    plan.progress(a, 20);
    assertThat(plan.lowestIncompleteOffset()).as("in-flight progress counts").isEqualTo(20);
    plan.progress(a, 50);
    assertThat(plan.lowestIncompleteOffset()).isEqualTo(100);
    assertThat(plan.isComplete()).isTrue();
  }

  @Test
  void snapshotShowsEachSegmentWithItsRange() {
    SegmentPlan plan = SegmentPlan.create(100, 10, 10);
    Segment a = plan.claim().orElseThrow();
    Segment b = plan.claim().orElseThrow();
    plan.reserve(a, 5);
    plan.progress(a, 5);
    Snapshot s = plan.snapshot();
    assertThat(s.length()).isEqualTo(100);
    assertThat(s.writtenBytes()).isEqualTo(5);
    assertThat(s.writtenPrefix()).isEqualTo(5);
    assertThat(s.segments()).containsExactly(
        new SegmentView(new Segment(a.id(), 0, 50, false), 50, 5, 5, false, false),
        new SegmentView(b, 100, 50, 50, false, false));
    assertThat(s.segments().get(0).remaining()).isEqualTo(45);
    assertThat(s.segments().get(0).unreserved()).isEqualTo(45);
  }

  @Test
  void theJournalFormKeepsWholePiecesAndPartialRangesApart() {
    SegmentPlan plan = SegmentPlan.create(95, 10, 1000);
    Segment a = plan.claim().orElseThrow();
    plan.reserve(a, 95);
    plan.progress(a, 37);
    assertThat(plan.snapshotForJournal()).isEqualTo(
        new PlanState(95, 10, List.of(new Span(0, 3)), List.of(new Span(30, 37))));
    plan.release(a);
    Segment b = plan.claim().orElseThrow();
    assertThat(b.start()).isEqualTo(37);
    plan.reserve(b, 100);
    plan.progress(b, 95);
    // The last piece [90, 95) is short and still whole.
    assertThat(plan.snapshotForJournal()).isEqualTo(new PlanState(95, 10, List.of(new Span(0, 10)), List.of()));
  }

  @Test
  void restoreMakesRecordedBytesDoneAndTheRestFree() {
    PlanState state = new PlanState(100, 10, List.of(new Span(2, 4)), List.of(new Span(5, 8), new Span(95, 100)));
    SegmentPlan plan = SegmentPlan.restore(state, 10);
    plan.checkInvariants();
    assertThat(plan.snapshotForJournal()).isEqualTo(state);
    assertThat(plan.lowestIncompleteOffset()).isZero();
    assertThat(plan.claim()).contains(new Segment(0, 0, 5, false));
    assertThat(plan.claim()).contains(new Segment(1, 8, 20, false));
    assertThat(plan.claim()).contains(new Segment(2, 40, 95, false));
    assertThat(plan.snapshot().writtenBytes()).isEqualTo(28);
  }

  @Test
  void hugeLengthsDoNotOverflow() {
    long length = Long.MAX_VALUE;
    int piece = 4 << 20;
    SegmentPlan plan = SegmentPlan.create(length, piece, piece);
    Segment a = plan.claim().orElseThrow();
    Segment b = plan.claim().orElseThrow();
    assertThat(b.start() % piece).isZero();
    assertThat(b.start()).isBetween(length / 2 - piece, length / 2);
    assertThat(b.end()).isEqualTo(length);
    assertThat(plan.reserve(b, Long.MAX_VALUE)).isEqualTo(length - b.start());
    plan.progress(b, length);
    plan.complete(b);
    assertThat(plan.reserve(a, Long.MAX_VALUE)).isEqualTo(b.start());
    plan.progress(a, b.start() - 1);
    PlanState state = plan.snapshotForJournal();
    assertThat(state.writtenBytes()).isEqualTo(length - 1);
    long pieces = PlanState.pieceCount(length, piece);
    assertThat(state.completedPieces()).containsExactly(new Span(0, (b.start() - 1) / piece),
        new Span(b.start() / piece, pieces));
    assertThat(SegmentPlan.restore(state, piece).snapshotForJournal()).isEqualTo(state);
    plan.progress(a, b.start());
    plan.complete(a);
    assertThat(plan.isComplete()).isTrue();
    assertThat(plan.lowestIncompleteOffset()).isEqualTo(Long.MAX_VALUE);
  }
  @Test
  void anEqualShareIsCutAtThePieceBoundaryWithinIt() {
    // 1000 bytes in pieces of 10 among 3 connections: shares of at most 334.
    SegmentPlan plan = SegmentPlan.create(1000, 10, 10);
    assertThat(plan.freeBytes()).isEqualTo(1000);
    assertThat(plan.claim(334)).contains(new Segment(0, 0, 330, false));
    assertThat(plan.freeBytes()).isEqualTo(670);
    assertThat(plan.claim(334)).contains(new Segment(1, 330, 660, false));
    assertThat(plan.claim(334)).contains(new Segment(2, 660, 990, false));
    assertThat(plan.claim(334)).as("a short extra segment, for whoever finishes first")
        .contains(new Segment(3, 990, 1000, false));
    assertThat(plan.freeBytes()).isZero();
    assertThat(plan.claim(334)).as("nothing free: claim(maxBytes) never steals").isEmpty();
    plan.checkInvariants();
  }

  @Test
  void sharesNeverOutnumberedByConnections() {
    // Pieces coarse against the share (5 MiB + 123 among 8 in 256 KiB pieces: 655,376 bytes each):
    // rounding a share up would make 7 segments for 8 connections; within it, every one gets one.
    long length = 5 * 1024 * 1024 + 123;
    SegmentPlan plan = SegmentPlan.create(length, 256 * 1024, 256 * 1024);
    long share = (length + 7) / 8;
    for (int i = 0; i < 8; i++) {
      assertThat(plan.claim(share)).as("share %d", i).isPresent();
    }
  }

  @Test
  void aShareRoundsDownToAPieceBoundaryAndTakesARemainderUnderAPiece() {
    SegmentPlan plan = SegmentPlan.create(95, 10, 10);
    assertThat(plan.claim(19)).as("down to the boundary within").contains(new Segment(0, 0, 10, false));
    assertThat(plan.claim(20)).contains(new Segment(1, 10, 30, false));
    assertThat(plan.claim(3)).as("never an empty segment: at least up to the next boundary")
        .contains(new Segment(2, 30, 40, false));
    assertThat(plan.claim(52)).as("a cut at 90 would leave 5, under a piece: taken along")
        .contains(new Segment(3, 40, 95, false));
    assertThatThrownBy(() -> plan.claim(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aShareLargerThanTheFreeRangeTakesItWhole() {
    SegmentPlan plan = SegmentPlan.create(Long.MAX_VALUE - 5, 1 << 20, 1 << 20);
    assertThat(plan.claim(Long.MAX_VALUE)).contains(new Segment(0, 0, Long.MAX_VALUE - 5, false));
  }

  @Test
  void stealTakesFromTheSegmentThatWillFinishLastAndOnlyIfItHasLongToGo() {
    SegmentPlan plan = SegmentPlan.create(400, 10, 10);
    Segment a = plan.claim(100).orElseThrow();
    Segment b = plan.claim(100).orElseThrow();
    Segment c = plan.claim(200).orElseThrow();
    assertThat(c).isEqualTo(new Segment(2, 200, 400, false));
    // a has most bytes left by count, but b is the slowest by the estimate.
    java.util.function.ToDoubleFunction<SegmentView> secondsLeft = v -> v.segment().id() == b.id() ? 5.0 : 0.5;
    assertThat(plan.steal(secondsLeft, 10.0)).as("nobody needs 10 s more").isEmpty();
    assertThat(plan.endGame(secondsLeft, 10.0)).as("nor a race").isEmpty();
    Segment stolen = plan.steal(secondsLeft, 1.0).orElseThrow();
    assertThat(stolen).isEqualTo(new Segment(3, 150, 200, false));
    assertThat(plan.snapshot().segments()).filteredOn(v -> v.segment().id() == b.id())
        .singleElement().extracting(SegmentView::end).isEqualTo(150L);
    plan.checkInvariants();
    assertThat(a.end()).isEqualTo(100);
  }

  @Test
  void theEndGameRacesOnlyATailThatHasLongToGo() {
    SegmentPlan plan = SegmentPlan.create(20, 10, 10);
    Segment only = plan.claim().orElseThrow();
    plan.reserve(only, 5);
    assertThat(plan.claim()).as("15 unreserved < 2 x 10: not splittable").isEmpty();
    assertThat(plan.endGame(v -> 0.2, 1.0)).as("about to finish: no duplicate").isEmpty();
    Segment dup = plan.endGame(v -> Double.POSITIVE_INFINITY, 1.0).orElseThrow();
    assertThat(dup).isEqualTo(new Segment(1, 5, 20, true));
    plan.checkInvariants();
  }
  @Test
  void aResumedPlanWithScatteredHolesSharesItsLargeRangeInsteadOfGivingItToOneConnection() {
    // Killed near the end of its shares: seven 10-byte holes, then 500 bytes never fetched.
    // Whole pieces of 10 bytes: done are pieces 0-4, 6-9, 11-14, 16-19, 21-24, 26-29, 31-34, 36-49.
    List<Span> pieces = List.of(new Span(0, 5), new Span(6, 10), new Span(11, 15), new Span(16, 20),
        new Span(21, 25), new Span(26, 30), new Span(31, 35), new Span(36, 50));
    SegmentPlan plan = SegmentPlan.restore(new PlanState(1000, 10, pieces, List.of()), 10);
    long share = (plan.freeBytes() + 7) / 8; // what the downloader gives each of 8 connections
    assertThat(plan.freeBytes()).isEqualTo(570);
    List<Segment> claims = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      claims.add(plan.claim(share).orElseThrow());
    }
    assertThat(claims).allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(share));
    assertThat(claims.get(7)).isEqualTo(new Segment(7, 500, 570, false));
    plan.checkInvariants();
  }
}
