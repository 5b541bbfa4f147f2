package dev.haul.cache.internal;

import dev.haul.cache.CacheControl;
import dev.haul.cache.StoredResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/** The age arithmetic of RFC 9111 §4.2.3, in milliseconds, saturating instead of overflowing. */
public final class Freshness {

  private Freshness() {}

  /**
   * The current age of {@code stored} at {@code now}:
   * <pre>
   * apparent_age = max(0, response_time - date_value)
   * corrected_age_value = age_value + (response_time - request_time)
   * corrected_initial_age = max(apparent_age, corrected_age_value)
   * current_age = corrected_initial_age + (now - response_time)
   * </pre>
   * A missing or invalid {@code Date} is taken as the response time, a missing or invalid
   * {@code Age} as 0; a clock going backwards adds no negative time.
   */
  public static long currentAgeMillis(StoredResponse stored, Instant now) {
    long responseTime = stored.responseTime().toEpochMilli();
    long requestTime = stored.requestTime().toEpochMilli();
    long date = stored.date("Date").map(Instant::toEpochMilli).orElse(responseTime);
    long apparentAge = Math.max(0, sat(responseTime, -date));
    long responseDelay = Math.max(0, sat(responseTime, -requestTime));
    long correctedAgeValue = sat(ageValueSeconds(stored) * 1000, responseDelay);
    long correctedInitialAge = Math.max(apparentAge, correctedAgeValue);
    long residentTime = Math.max(0, sat(now.toEpochMilli(), -responseTime));
    return sat(correctedInitialAge, residentTime);
  }

  /** The {@code Age} field's value in seconds (the first field line; 0 when absent or invalid). */
  static long ageValueSeconds(StoredResponse stored) {
    OptionalLong v = stored.headers().first("Age").map(s -> CacheControl.deltaSeconds(s.trim()))
        .orElse(OptionalLong.empty());
    return v.orElse(0);
  }

  /** Whether a response of this lifetime and age is fresh (§4.2: lifetime > age). */
  public static boolean isFresh(Duration lifetime, long ageMillis) {
    return toMillis(lifetime) > ageMillis;
  }

  /** {@code d} in milliseconds, saturating. */
  public static long toMillis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** {@code a + b}, saturating at the long range. */
  static long sat(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }
}
