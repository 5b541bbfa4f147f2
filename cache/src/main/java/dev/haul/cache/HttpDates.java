package dev.haul.cache;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP dates (RFC 9110 §5.6.7): IMF-fixdate, with the obsolete RFC 850 and asctime forms accepted
 * on input. Anything else, including the {@code "0"} some servers send in {@code Expires}, is not
 * a date (RFC 9111 §5.3: a cache takes an invalid {@code Expires} as a time in the past).
 */
public final class HttpDates {

  private static final DateTimeFormatter IMF =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter RFC850 =
      DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC);

  private HttpDates() {}

  /** The instant {@code text} names, if it is an HTTP date. */
  public static Optional<Instant> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.trim();
    if (t.length() < 20 || t.length() > 40) {
      return Optional.empty();
    }
    for (DateTimeFormatter f : new DateTimeFormatter[] {IMF, RFC850, ASCTIME}) {
      try {
        ZonedDateTime z = ZonedDateTime.parse(t, f);
        Instant i = z.toInstant();
        if (f == RFC850 && i.isAfter(Instant.now().plusSeconds(50L * 365 * 86400))) {
          i = z.minusYears(100).toInstant(); // RFC 9110: a two-digit year more than 50 years ahead is in the past
        }
        return Optional.of(i);
      } catch (DateTimeParseException | ArithmeticException e) {
        // try the next form
      }
    }
    return Optional.empty();
  }

  /** {@code instant} as an IMF-fixdate, whole seconds. */
  public static String format(Instant instant) {
    return IMF.format(instant);
  }
}
