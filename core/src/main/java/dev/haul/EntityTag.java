package dev.haul;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * An entity tag (RFC 9110 §8.8.3), the validator of {@code ETag}, {@code If-Match},
 * {@code If-None-Match} and {@code If-Range}, with the two comparison functions of §8.8.3.2 and
 * the choice of an {@code If-Range} validator (§13.1.5).
 *
 * <pre>
 * entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE
 * etagc      = %x21 / %x23-7E / obs-text
 * </pre>
 *
 * <p>The weakness indicator {@code W/} is case-sensitive; the opaque tag is compared octet by
 * octet. Values are parsed strictly: anything else is no entity tag.
 */
public final class EntityTag {

  // §8.8.2.2: a Last-Modified at least this long before the response's Date is a strong validator.
  private static final Duration STRONG_DATE_MARGIN = Duration.ofSeconds(60);

  private final boolean weak;
  private final String opaque;

  private EntityTag(boolean weak, String opaque) {
    this.weak = weak;
    this.opaque = opaque;
  }

  /** A strong tag of these characters (without the quotes). */
  public static EntityTag strong(String opaque) {
    return new EntityTag(false, checkOpaque(opaque));
  }

  /** A weak tag of these characters (without the quotes). */
  public static EntityTag weak(String opaque) {
    return new EntityTag(true, checkOpaque(opaque));
  }

  private static String checkOpaque(String opaque) {
    requireNonNull(opaque, "opaque is null");
    for (int i = 0; i < opaque.length(); i++) {
      if (!isEtagc(opaque.charAt(i))) {
        throw new IllegalArgumentException("opaque tag: character at index " + i
            + " is not allowed (expected: %x21 / %x23-7E / %x80-FF)");
      }
    }
    return opaque;
  }

  /**
   * Parses one entity tag, surrounding whitespace ignored; empty if the value is null or not
   * exactly one entity tag (a list, an unquoted or half-quoted value, a lower-case {@code w/}).
   */
  public static Optional<EntityTag> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.strip();
    boolean weak = v.startsWith("W/");
    String quoted = weak ? v.substring(2) : v;
    if (quoted.length() < 2 || quoted.charAt(0) != '"' || quoted.charAt(quoted.length() - 1) != '"') {
      return Optional.empty();
    }
    String opaque = quoted.substring(1, quoted.length() - 1);
    for (int i = 0; i < opaque.length(); i++) {
      if (!isEtagc(opaque.charAt(i))) {
        return Optional.empty();
      }
    }
    return Optional.of(new EntityTag(weak, opaque));
  }

  private static boolean isEtagc(char c) {
    return c == 0x21 || c >= 0x23 && c <= 0x7E || c >= 0x80 && c <= 0xFF;
  }

  /** Whether the tag is weak ({@code W/"..."}). */
  public boolean isWeak() {
    return weak;
  }

  /** The opaque tag without its quotes. */
  public String opaqueTag() {
    return opaque;
  }

  /**
   * Strong comparison (§8.8.3.2): both tags are strong and their opaque tags are the same. The
   * only comparison allowed for ranges: bytes of two representations can be spliced together
   * only when they are strongly equal.
   */
  public boolean strongEquals(EntityTag other) {
    return other != null && !weak && !other.weak && opaque.equals(other.opaque);
  }

  /** Weak comparison (§8.8.3.2): the opaque tags are the same, weak or not. */
  public boolean weakEquals(EntityTag other) {
    return other != null && opaque.equals(other.opaque);
  }

  /**
   * The value to send in {@code If-Range} when asking for the rest of the representation that a
   * response with {@code headers} carried (RFC 9110 §13.1.5): its entity tag if that is strong;
   * else, when it has no entity tag at all, its {@code Last-Modified} if that is a strong
   * validator (§8.8.2.2: at least 60 seconds before the response's {@code Date}); else nothing,
   * and a resume cannot be made safely. A weak entity tag is never sent, and while one exists no
   * date is sent either.
   */
  public static Optional<String> ifRangeValidator(Headers headers) {
    requireNonNull(headers, "headers is null");
    if (headers.all("ETag").size() > 1) {
      return Optional.empty(); // two validators for one response: neither can be trusted
    }
    String etag = headers.get("ETag");
    if (etag != null) {
      return parse(etag).filter(t -> !t.weak).map(EntityTag::toString);
    }
    String lastModified = headers.get("Last-Modified");
    String date = headers.get("Date");
    if (lastModified == null || date == null) {
      return Optional.empty();
    }
    try {
      ZonedDateTime modified = ZonedDateTime.parse(lastModified.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
      ZonedDateTime sent = ZonedDateTime.parse(date.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
      return Duration.between(modified, sent).compareTo(STRONG_DATE_MARGIN) >= 0
          ? Optional.of(lastModified.strip()) : Optional.empty();
    } catch (DateTimeParseException e) {
      return Optional.empty(); // not an HTTP-date: not a validator
    }
  }

  /** The field value: {@code "opaque"} or {@code W/"opaque"}. */
  @Override
  public String toString() {
    return (weak ? "W/\"" : "\"") + opaque + "\"";
  }

  /** Equal when both weakness and opaque tag are the same (this is not either comparison function). */
  @Override
  public boolean equals(Object o) {
    return o instanceof EntityTag t && t.weak == weak && t.opaque.equals(opaque);
  }

  @Override
  public int hashCode() {
    return opaque.hashCode() * 31 + Boolean.hashCode(weak);
  }
}
