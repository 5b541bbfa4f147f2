package dev.haul.download.internal;

import java.util.List;

/**
 * What a {@link SegmentPlan} knows to be written, in the form the {@link Journal} stores: whole
 * pieces as runs of piece indexes, plus the written bytes that do not fill a whole piece (the
 * durable prefix {@code [start, durableOffset)} of each in-flight segment, or what a dropped
 * connection left behind). Canonical: {@link SegmentPlan#snapshotForJournal()} always produces the
 * same value for the same written bytes, so a save/load/restore round trip is exact.
 *
 * @param length total length of the file in bytes, {@code >= 0}
 * @param pieceSize piece size in bytes, {@code > 0}
 * @param completedPieces runs of fully written piece indexes: ascending, non-empty, disjoint, not
 *     adjacent, inside {@code [0, pieceCount)}
 * @param partialRanges written byte ranges outside completed pieces: ascending, non-empty,
 *     disjoint, not adjacent, inside {@code [0, length)}, not overlapping a completed piece and not
 *     covering a whole piece (that piece would be a completed one)
 */
public record PlanState(long length, int pieceSize, List<Span> completedPieces, List<Span> partialRanges) {

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException if any field is out of range or the lists are inconsistent
   */
  public PlanState {
    if (length < 0) {
      throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
    }
    if (pieceSize <= 0) {
      throw new IllegalArgumentException("pieceSize: " + pieceSize + " (expected: > 0)");
    }
    completedPieces = List.copyOf(completedPieces);
    partialRanges = List.copyOf(partialRanges);
    long pieces = pieceCount(length, pieceSize);
    checkSorted("completedPieces", completedPieces, pieces);
    checkSorted("partialRanges", partialRanges, length);
    int p = 0;
    for (Span r : partialRanges) {
      // Pieces touched by r: any of them completed would overlap; any wholly inside would be complete.
      long firstPiece = r.start() / pieceSize;
      long lastPiece = (r.end() - 1) / pieceSize;
      while (p < completedPieces.size() && completedPieces.get(p).end() <= firstPiece) {
        p++;
      }
      if (p < completedPieces.size() && completedPieces.get(p).start() <= lastPiece) {
        throw new IllegalArgumentException("partialRanges: " + r + " overlaps completed pieces " + completedPieces.get(p));
      }
      // The first piece starting inside r is the only candidate for a whole piece r covers.
      long candidate = r.start() / pieceSize + (r.start() % pieceSize == 0 ? 0 : 1);
      if (candidate < pieces && pieceEnd(length, pieceSize, candidate) <= r.end()) {
        throw new IllegalArgumentException("partialRanges: " + r + " covers whole piece " + candidate);
      }
    }
  }

  /** Returns the number of pieces of a file: {@code ceil(length / pieceSize)}, without overflow. */
  public static long pieceCount(long length, int pieceSize) {
    return length / pieceSize + (length % pieceSize == 0 ? 0 : 1);
  }

  /** Returns the exclusive byte end of {@code piece}: the last piece may be short. */
  static long pieceEnd(long length, int pieceSize, long piece) {
    long start = piece * pieceSize;
    return start + Math.min(pieceSize, length - start);
  }

  /** Returns the number of bytes written, pieces and partial ranges together. */
  public long writtenBytes() {
    long total = 0;
    for (Span run : completedPieces) {
      long start = run.start() * pieceSize;
      total += pieceEnd(length, pieceSize, run.end() - 1) - start;
    }
    for (Span r : partialRanges) {
      total += r.length();
    }
    return total;
  }

  private static void checkSorted(String name, List<Span> spans, long limit) {
    long previousEnd = -1;
    for (Span s : spans) {
      if (s.isEmpty()) {
        throw new IllegalArgumentException(name + ": empty " + s);
      }
      if (s.end() > limit) {
        throw new IllegalArgumentException(name + ": " + s + " (expected: inside [0, " + limit + "))");
      }
      if (s.start() <= previousEnd) {
        throw new IllegalArgumentException(name + ": " + s + " (expected: after " + previousEnd + " with a gap)");
      }
      previousEnd = s.end();
    }
  }
}
