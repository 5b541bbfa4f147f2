package dev.haul;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A {@code Content-Range} field value in bytes (RFC 9110 §14.4), parsed strictly, and the checks a
 * client resuming or splitting a download makes on it.
 *
 * <pre>
 * Content-Range     = range-unit SP ( range-resp / unsatisfied-range )
 * range-resp        = first-pos "-" last-pos "/" ( complete-length / "*" )
 * unsatisfied-range = "*" "/" complete-length
 * </pre>
 *
 * <p>The unit must be {@code bytes} (compared case-insensitively, §14.1); positions and lengths
 * are plain decimal digits without sign that fit a {@code long}; a range is valid only if
 * {@code first-pos <= last-pos} and, when the complete length is known,
 * {@code last-pos < complete-length} (§14.4: an invalid range must not be used). Whitespace
 * (spaces, tabs) is tolerated after the unit and around {@code -} and {@code /}, as servers
 * commonly send it; nothing else is.
 */
public final class ContentRange {

  private final long first;
  private final long last;
  private final long completeLength;

  private ContentRange(long first, long last, long completeLength) {
    this.first = first;
    this.last = last;
    this.completeLength = completeLength;
  }

  /**
   * {@code bytes first-last/completeLength}; {@code completeLength} -1 for {@code *} (unknown).
   * {@code last} must be below {@link Long#MAX_VALUE}, so {@link #length()} never overflows.
   */
  public static ContentRange of(long first, long last, long completeLength) {
    if (first < 0 || last < first || completeLength < -1 || completeLength >= 0 && last >= completeLength
        || last == Long.MAX_VALUE) {
      throw new IllegalArgumentException("invalid range: bytes " + first + "-" + last + "/"
          + (completeLength < 0 ? "*" : completeLength));
    }
    return new ContentRange(first, last, completeLength);
  }

  /** {@code bytes *}{@code /completeLength}: the answer of a 416 (Range Not Satisfiable). */
  public static ContentRange unsatisfied(long completeLength) {
    if (completeLength < 0) {
      throw new IllegalArgumentException("completeLength: " + completeLength + " (expected: >= 0)");
    }
    return new ContentRange(-1, -1, completeLength);
  }

  /** Parses a field value; empty if it is malformed, names another unit, or is an invalid range. */
  public static Optional<ContentRange> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    Cursor c = new Cursor(value.trim());
    if (!c.unit() || !c.whitespace()) {
      return Optional.empty();
    }
    if (c.take('*')) {
      c.skipWhitespace();
      if (!c.take('/')) {
        return Optional.empty();
      }
      c.skipWhitespace();
      long length = c.number();
      return length >= 0 && c.atEnd() ? Optional.of(new ContentRange(-1, -1, length)) : Optional.empty();
    }
    long first = c.number();
    c.skipWhitespace();
    if (first < 0 || !c.take('-')) {
      return Optional.empty();
    }
    c.skipWhitespace();
    long last = c.number();
    c.skipWhitespace();
    if (last < 0 || !c.take('/')) {
      return Optional.empty();
    }
    c.skipWhitespace();
    long length = c.take('*') ? -1 : c.number();
    // A last position of Long.MAX_VALUE would make a range (and a file) longer than a long can count.
    if (length == -2 || !c.atEnd() || last < first || length >= 0 && last >= length || last == Long.MAX_VALUE) {
      return Optional.empty();
    }
    return Optional.of(new ContentRange(first, last, length));
  }

  /** Whether this is a range of bytes ({@code bytes a-b/n}) rather than {@code bytes *}{@code /n}. */
  public boolean isSatisfied() {
    return first >= 0;
  }

  /** The first byte's position; -1 when unsatisfied. */
  public long first() {
    return first;
  }

  /** The last byte's position (inclusive); -1 when unsatisfied. */
  public long last() {
    return last;
  }

  /** The number of bytes in the range ({@code last - first + 1}); 0 when unsatisfied. */
  public long length() {
    return isSatisfied() ? last - first + 1 : 0;
  }

  /** The representation's complete length, unless it was {@code *}. */
  public OptionalLong completeLength() {
    return completeLength < 0 ? OptionalLong.empty() : OptionalLong.of(completeLength);
  }

  /**
   * Whether this is exactly the answer to {@code Range: bytes=offset-} for a representation of
   * {@code expectedLength} bytes (-1 when not known yet; then the complete length must be known
   * and reach past {@code offset}): {@code bytes offset-(length-1)/length}.
   */
  public boolean isSuffixFrom(long offset, long expectedLength) {
    return isSatisfied() && first == offset && completeLength >= 0 && last == completeLength - 1
        && (expectedLength < 0 || completeLength == expectedLength);
  }

  /**
   * Whether this is exactly the answer to {@code Range: bytes=first-last} of a representation of
   * {@code expectedLength} bytes (-1: any known or unknown complete length): same first and last.
   */
  public boolean isExactly(long first, long last, long expectedLength) {
    return isSatisfied() && this.first == first && this.last == last
        && (expectedLength < 0 || completeLength == expectedLength);
  }

  /** The field value, as it would be sent. */
  @Override
  public String toString() {
    String length = completeLength < 0 ? "*" : Long.toString(completeLength);
    return isSatisfied() ? "bytes " + first + "-" + last + "/" + length : "bytes */" + length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContentRange r && r.first == first && r.last == last && r.completeLength == completeLength;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(first) * 31 * 31 + Long.hashCode(last) * 31 + Long.hashCode(completeLength);
  }

  /** Reads the value left to right. */
  private static final class Cursor {
    private final String s;
    private int i;

    Cursor(String s) {
      this.s = s;
    }

    boolean unit() {
      if (s.length() < 5 || !s.substring(0, 5).toLowerCase(Locale.ROOT).equals("bytes")) {
        return false;
      }
      i = 5;
      return true;
    }

    /** At least one space or tab. */
    boolean whitespace() {
      int start = i;
      skipWhitespace();
      return i > start;
    }

    void skipWhitespace() {
      while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
        i++;
      }
    }

    boolean take(char ch) {
      if (i < s.length() && s.charAt(i) == ch) {
        i++;
        return true;
      }
      return false;
    }

    /** 1*DIGIT as a long; -2 if there is no digit or it overflows. */
    long number() {
      int start = i;
      long n = 0;
      while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        int d = s.charAt(i) - '0';
        if (n > (Long.MAX_VALUE - d) / 10) {
          return -2;
        }
        n = n * 10 + d;
        i++;
      }
      return i == start ? -2 : n;
    }

    boolean atEnd() {
      return i == s.length();
    }
  }
}
