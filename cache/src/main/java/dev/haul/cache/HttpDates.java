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
  // RFC 9110 §5.6.7: a two-digit year more than 50 years ahead is the most recent past one.
  private static final DateTimeFormatter RFC850 = new java.time.format.DateTimeFormatterBuilder()
      .appendPattern("EEEE, dd-MMM-")
      .appendValueReduced(java.time.temporal.ChronoField.YEAR, 2, 2, java.time.Year.now(ZoneOffset.UTC).getValue() - 49)
      .appendPattern(" HH:mm:ss 'GMT'")
      .toFormatter(Locale.US).withZone(ZoneOffset.UTC);
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
    Instant fast = imfFixdate(t);
    if (fast != null) {
      return Optional.of(fast);
    }
    for (DateTimeFormatter f : new DateTimeFormatter[] {IMF, RFC850, ASCTIME}) {
      try {
        ZonedDateTime z = ZonedDateTime.parse(t, f);
        return Optional.of(z.toInstant());
      } catch (DateTimeParseException | ArithmeticException e) {
        // try the next form
      }
    }
    return Optional.empty();
  }

  private static final String DAYS = "MonTueWedThuFriSatSun";
  private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

  /**
   * The common form, {@code Sun, 06 Nov 1994 08:49:37 GMT}, read by position without the
   * formatter's allocations (a hit reads the stored {@code Date}); null when {@code t} is not
   * exactly that form, so the formatters decide.
   */
  private static Instant imfFixdate(String t) {
    if (t.length() != 29 || t.charAt(3) != ',' || t.charAt(4) != ' ' || t.charAt(7) != ' ' || t.charAt(11) != ' '
        || t.charAt(16) != ' ' || t.charAt(19) != ':' || t.charAt(22) != ':' || t.charAt(25) != ' '
        || !t.endsWith("GMT")) {
      return null;
    }
    int dayOfWeek = DAYS.indexOf(t.substring(0, 3));
    int month = MONTHS.indexOf(t.substring(8, 11));
    int day = digits(t, 5, 2);
    int year = digits(t, 12, 4);
    int hour = digits(t, 17, 2);
    int minute = digits(t, 20, 2);
    int second = digits(t, 23, 2);
    if (dayOfWeek < 0 || dayOfWeek % 3 != 0 || month < 0 || month % 3 != 0 || day < 0 || year < 0 || hour < 0
        || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 60) {
      return null;
    }
    java.time.LocalDate date;
    try {
      date = java.time.LocalDate.of(year, month / 3 + 1, day);
    } catch (java.time.DateTimeException e) {
      return null;
    }
    if (date.getDayOfWeek().getValue() != dayOfWeek / 3 + 1) {
      return null; // the formatter refuses a wrong day name too
    }
    return Instant.ofEpochSecond(date.toEpochDay() * 86400 + hour * 3600L + minute * 60L + Math.min(second, 59));
  }

  private static int digits(String t, int from, int n) {
    int v = 0;
    for (int i = from; i < from + n; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** {@code instant} as an IMF-fixdate, whole seconds. */
  public static String format(Instant instant) {
    return IMF.format(instant);
  }
}
