package dev.haul.cache;

import dev.haul.Headers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The directives of one message's {@code Cache-Control} fields (RFC 9111 §5.2): a list of
 * {@code token [ "=" ( token / quoted-string ) ]}, names compared case-insensitively, every field
 * line of the message taken together in order. Parsing never throws: garbage between commas is
 * kept as an unknown directive and ignored by the cache.
 *
 * <p>Duplicates (§4.2.1: "either the first occurrence should be used or the response should be
 * considered stale") resolve to the most restrictive reading: {@link #minSeconds} takes the
 * smallest of the values given, and an argument that is not a valid delta-seconds counts as 0,
 * so a broken {@code max-age} makes a response stale, never fresh.
 */
public final class CacheControl {

  /** RFC 9111 §1.2.2: a delta-seconds too large to represent is taken as 2^31. */
  public static final long MAX_DELTA_SECONDS = 2147483648L;

  private static final CacheControl EMPTY = new CacheControl(List.of());

  private final List<String[]> directives; // {lower-case name, argument or null}

  private CacheControl(List<String[]> directives) {
    this.directives = directives;
  }

  /** The directives of every {@code Cache-Control} field of {@code headers}, in order. */
  public static CacheControl of(Headers headers) {
    if (!headers.contains("Cache-Control")) {
      return EMPTY; // most requests: no list to build
    }
    List<String> values = headers.all("Cache-Control");
    if (values.isEmpty()) {
      return EMPTY;
    }
    return parse(values.size() == 1 ? values.get(0) : String.join(",", values));
  }

  /** The directives of one field value; never throws. */
  public static CacheControl parse(String value) {
    if (value == null || value.isEmpty()) {
      return EMPTY;
    }
    List<String[]> out = new ArrayList<>();
    int i = 0;
    int n = value.length();
    while (i < n) {
      char c = value.charAt(i);
      if (c == ',' || c == ' ' || c == '\t') {
        i++;
        continue;
      }
      int start = i;
      while (i < n && value.charAt(i) != '=' && value.charAt(i) != ',') {
        i++;
      }
      String name = value.substring(start, i).trim().toLowerCase(Locale.ROOT);
      String arg = null;
      if (i < n && value.charAt(i) == '=') {
        i++;
        while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
          i++;
        }
        int closing = i < n && value.charAt(i) == '"' ? closingQuote(value, i) : -1;
        if (closing > 0) {
          StringBuilder sb = new StringBuilder();
          for (int q = i + 1; q < closing; q++) {
            char c2 = value.charAt(q);
            if (c2 == '\\' && q + 1 < closing) {
              c2 = value.charAt(++q);
            }
            sb.append(c2);
          }
          arg = sb.toString();
          i = closing + 1;
          while (i < n && value.charAt(i) != ',') {
            i++; // junk after the quoted string belongs to this directive
          }
        } else {
          // An unterminated quote is junk, not a string swallowing the directives after it.
          int a = i;
          while (i < n && value.charAt(i) != ',') {
            i++;
          }
          arg = value.substring(a, i).trim();
        }
      }
      if (!name.isEmpty()) {
        out.add(new String[] {name, arg});
      }
    }
    return out.isEmpty() ? EMPTY : new CacheControl(Collections.unmodifiableList(out));
  }

  /** The index of the quote closing the quoted-string that opens at {@code open}, or -1. */
  private static int closingQuote(String value, int open) {
    for (int q = open + 1; q < value.length(); q++) {
      char c = value.charAt(q);
      if (c == '\\') {
        q++;
      } else if (c == '"') {
        return q;
      }
    }
    return -1;
  }

  /** Whether the directive is present (with or without an argument). */
  public boolean has(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (String[] d : directives) {
      if (d[0].equals(n)) {
        return true;
      }
    }
    return false;
  }

  /** The argument of the first occurrence of the directive, if it has one. */
  public Optional<String> argument(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (String[] d : directives) {
      if (d[0].equals(n)) {
        return Optional.ofNullable(d[1]);
      }
    }
    return Optional.empty();
  }

  /**
   * The smallest delta-seconds value the directive is given, when it is present: an occurrence
   * without an argument, or with one that is not 1*DIGIT, counts as 0 (the most restrictive
   * reading); values beyond {@link #MAX_DELTA_SECONDS} are capped at it.
   */
  public OptionalLong minSeconds(String name) {
    return minSeconds(name, 0);
  }

  /**
   * Like {@link #minSeconds(String)}, but an occurrence without an argument counts as
   * {@code withoutArgument} (for {@code max-stale}, where no argument means any staleness); an
   * invalid argument still counts as 0.
   */
  public OptionalLong minSeconds(String name, long withoutArgument) {
    String n = name.toLowerCase(Locale.ROOT);
    long min = Long.MAX_VALUE;
    boolean seen = false;
    for (String[] d : directives) {
      if (d[0].equals(n)) {
        seen = true;
        min = Math.min(min, d[1] == null ? withoutArgument : deltaSeconds(d[1]).orElse(0));
      }
    }
    return seen ? OptionalLong.of(min) : OptionalLong.empty();
  }

  /**
   * The largest valid delta-seconds value the directive is given (for {@code min-fresh}, where
   * the larger value is the more restrictive); occurrences without a valid argument are ignored.
   */
  public OptionalLong maxSeconds(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    long max = -1;
    for (String[] d : directives) {
      if (d[0].equals(n)) {
        OptionalLong v = deltaSeconds(d[1]);
        if (v.isPresent()) {
          max = Math.max(max, v.getAsLong());
        }
      }
    }
    return max < 0 ? OptionalLong.empty() : OptionalLong.of(max);
  }

  /** The names of the directives, lower case, in order (duplicates kept). */
  public List<String> names() {
    List<String> names = new ArrayList<>(directives.size());
    directives.forEach(d -> names.add(d[0]));
    return names;
  }

  /** Whether there is no directive. */
  public boolean isEmpty() {
    return directives.isEmpty();
  }

  /** A delta-seconds value (RFC 9111 §1.2.2): 1*DIGIT, capped at {@link #MAX_DELTA_SECONDS}. */
  public static OptionalLong deltaSeconds(String text) {
    if (text == null || text.isEmpty()) {
      return OptionalLong.empty();
    }
    long v = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return OptionalLong.empty();
      }
      v = Math.min(MAX_DELTA_SECONDS, v * 10 + (c - '0'));
    }
    return OptionalLong.of(v);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (String[] d : directives) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(d[0]);
      if (d[1] != null) {
        sb.append("=\"").append(d[1].replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      }
    }
    return sb.toString();
  }
}
