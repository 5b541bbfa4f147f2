package dev.haul;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * An immutable, ordered, case-insensitive multimap of HTTP header fields.
 *
 * <p>Names must be RFC 9110 tokens. Values may not contain CR, LF, NUL or other control
 * characters except horizontal tab, nor characters outside ISO-8859-1. A violation throws
 * {@link IllegalArgumentException} naming the header but never echoing the value, since values
 * often carry credentials.
 */
public final class Headers implements Iterable<Map.Entry<String, String>> {

  private static final Headers EMPTY = new Headers(List.of());

  // Alternating name, value.
  private final List<String> namesAndValues;

  private Headers(List<String> namesAndValues) {
    this.namesAndValues = namesAndValues;
  }

  /** No headers. */
  public static Headers empty() {
    return EMPTY;
  }

  /** Headers from alternating names and values: {@code Headers.of("Accept", "text/plain")}. */
  public static Headers of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("expected an even number of names and values");
    }
    Builder b = builder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      b.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return b.build();
  }

  /** A new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts with these headers. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.namesAndValues.addAll(namesAndValues);
    return b;
  }

  /** The first value of the named header. */
  public Optional<String> first(String name) {
    for (int i = 0; i < namesAndValues.size(); i += 2) {
      if (namesAndValues.get(i).equalsIgnoreCase(name)) {
        return Optional.of(namesAndValues.get(i + 1));
      }
    }
    return Optional.empty();
  }

  /** The first value of the named header, or null. */
  public String get(String name) {
    return first(name).orElse(null);
  }

  /** All values of the named header, in order. */
  public List<String> all(String name) {
    List<String> values = new ArrayList<>(2);
    for (int i = 0; i < namesAndValues.size(); i += 2) {
      if (namesAndValues.get(i).equalsIgnoreCase(name)) {
        values.add(namesAndValues.get(i + 1));
      }
    }
    return Collections.unmodifiableList(values);
  }

  /** Whether a header of that name is present. */
  public boolean contains(String name) {
    return first(name).isPresent();
  }

  /** The value of a header holding a non-negative decimal number, such as Content-Length. */
  public OptionalLong firstLong(String name) {
    Optional<String> v = first(name);
    if (v.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      long n = Long.parseLong(v.get().trim());
      return n < 0 ? OptionalLong.empty() : OptionalLong.of(n);
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The distinct names, in first-seen order and first-seen spelling. */
  public Set<String> names() {
    Set<String> lower = new LinkedHashSet<>();
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < namesAndValues.size(); i += 2) {
      String n = namesAndValues.get(i);
      if (lower.add(n.toLowerCase(Locale.ROOT))) {
        names.add(n);
      }
    }
    return Collections.unmodifiableSet(names);
  }

  /** The number of header fields (a name with two values counts twice). */
  public int size() {
    return namesAndValues.size() / 2;
  }

  /** The name of field {@code index}. */
  public String name(int index) {
    return namesAndValues.get(index * 2);
  }

  /** The value of field {@code index}. */
  public String value(int index) {
    return namesAndValues.get(index * 2 + 1);
  }

  @Override
  public Iterator<Map.Entry<String, String>> iterator() {
    List<Map.Entry<String, String>> entries = new ArrayList<>(size());
    for (int i = 0; i < size(); i++) {
      entries.add(Map.entry(name(i), value(i)));
    }
    return Collections.unmodifiableList(entries).iterator();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Headers other && namesAndValues.equals(other.namesAndValues);
  }

  @Override
  public int hashCode() {
    return namesAndValues.hashCode();
  }

  /** Headers with sensitive values redacted; safe to log. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Headers[");
    for (int i = 0; i < size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(name(i)).append(": ").append(Redaction.headerValue(name(i), value(i)));
    }
    return sb.append(']').toString();
  }

  /** Checks that {@code name} is an RFC 9110 token. */
  public static void checkName(String name) {
    requireNonNull(name, "header name is null");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("header name is empty");
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isTokenChar(name.charAt(i))) {
        throw new IllegalArgumentException("header name '" + printable(name) + "': character at index "
            + i + " is not allowed (expected: an RFC 9110 token)");
      }
    }
  }

  /** Checks a field value for CR, LF, NUL, other controls and non-Latin-1 characters. */
  public static void checkValue(String name, String value) {
    requireNonNull(value, () -> "value of header '" + printable(name) + "' is null");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
        throw new IllegalArgumentException("header '" + printable(name) + "': value has a forbidden "
            + describe(c) + " at index " + i + " (CR, LF, NUL and other control characters are not allowed)");
      }
    }
  }

  static boolean isTokenChar(char c) {
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
      return true;
    }
    return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static String describe(char c) {
    return switch (c) {
      case '\r' -> "CR";
      case '\n' -> "LF";
      case 0 -> "NUL";
      default -> c > 0xff ? "non-Latin-1 character" : "control character";
    };
  }

  // A name is safe to show, but control characters in it would break log lines.
  private static String printable(String name) {
    if (name == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(name.length(), 64); i++) {
      char c = name.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return sb.toString();
  }

  /** Builds {@link Headers}; every name and value is validated as it is added. */
  public static final class Builder {
    private final List<String> namesAndValues = new ArrayList<>();

    private Builder() {}

    /** Adds a field, keeping existing ones of the same name. */
    public Builder add(String name, String value) {
      checkName(name);
      checkValue(name, value);
      namesAndValues.add(name);
      namesAndValues.add(value);
      return this;
    }

    /** Replaces every field of that name with this one. */
    public Builder set(String name, String value) {
      checkName(name);
      checkValue(name, value);
      remove(name);
      namesAndValues.add(name);
      namesAndValues.add(value);
      return this;
    }

    /** Removes every field of that name. */
    public Builder remove(String name) {
      for (int i = namesAndValues.size() - 2; i >= 0; i -= 2) {
        if (namesAndValues.get(i).equalsIgnoreCase(name)) {
          namesAndValues.remove(i + 1);
          namesAndValues.remove(i);
        }
      }
      return this;
    }

    /** Adds every field of {@code headers}. */
    public Builder addAll(Headers headers) {
      namesAndValues.addAll(headers.namesAndValues);
      return this;
    }

    public Headers build() {
      return namesAndValues.isEmpty() ? EMPTY : new Headers(List.copyOf(namesAndValues));
    }
  }
}
