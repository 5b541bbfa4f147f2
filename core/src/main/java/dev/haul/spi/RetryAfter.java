package dev.haul.spi;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Parses {@code Retry-After} (RFC 9110 section 10.2.3): delta-seconds or an HTTP-date. Negative,
 * past and garbage values are absent, so the caller falls back to its backoff. Never throws.
 */
final class RetryAfter {

  private static final long MAX_SECONDS = 100L * 365 * 24 * 3600;

  private RetryAfter() {}

  /** The delay the header asks for relative to {@code now}, or empty. */
  static Optional<Duration> parse(String value, Instant now) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.trim();
    if (v.isEmpty() || v.length() > 64) {
      return Optional.empty();
    }
    if (allDigits(v)) {
      // Absurd numbers saturate at a century: still above any sane cap, never an overflow.
      if (v.length() > 12) {
        return Optional.of(Duration.ofSeconds(MAX_SECONDS));
      }
      return Optional.of(Duration.ofSeconds(Math.min(Long.parseLong(v), MAX_SECONDS)));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      if (!at.isAfter(now)) {
        return Optional.empty();
      }
      Duration d = Duration.between(now, at);
      return Optional.of(d.getSeconds() > MAX_SECONDS ? Duration.ofSeconds(MAX_SECONDS) : d);
    } catch (DateTimeParseException | ArithmeticException e) {
      return Optional.empty();
    }
  }

  private static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
