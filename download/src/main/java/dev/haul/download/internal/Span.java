package dev.haul.download.internal;

/**
 * A half-open interval {@code [start, end)} of non-negative longs: bytes of a file, or indexes of
 * pieces. Empty spans ({@code start == end}) are allowed; {@code end} never overflows because every
 * span lives inside {@code [0, Long.MAX_VALUE]}.
 *
 * @param start the first element, inclusive, {@code >= 0}
 * @param end the end, exclusive, {@code >= start}
 */
public record Span(long start, long end) {

  /**
   * Validates the bounds.
   *
   * @throws IllegalArgumentException if {@code start < 0} or {@code end < start}
   */
  public Span {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("span: [" + start + ", " + end + ") (expected: 0 <= start <= end)");
    }
  }

  /** Returns the number of elements, {@code end - start}. */
  public long length() {
    return end - start;
  }

  /** Returns whether the span holds nothing. */
  public boolean isEmpty() {
    return start == end;
  }

  @Override
  public String toString() {
    return "[" + start + ", " + end + ")";
  }
}
