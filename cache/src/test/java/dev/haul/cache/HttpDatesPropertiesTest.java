package dev.haul.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/** HTTP dates: the fast IMF-fixdate reader agrees with the formatter, and garbage is not a date. */
class HttpDatesPropertiesTest {

  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  @Property
  void everyImfFixdateReadsBackAsItsInstant(@ForAll @LongRange(min = -2_000_000_000L, max = 250_000_000_000L) long epoch) {
    Instant i = Instant.ofEpochSecond(epoch);
    String text = REFERENCE.format(i);
    assertThat(HttpDates.parse(text)).contains(i);
    assertThat(HttpDates.format(i)).isEqualTo(text);
  }

  @Property
  void aWrongDayNameIsNotADate(@ForAll @LongRange(min = 0, max = 4_000_000_000L) long epoch) {
    Instant i = Instant.ofEpochSecond(epoch);
    String text = REFERENCE.format(i);
    String other = text.startsWith("Mon") ? "Tue" + text.substring(3) : "Mon" + text.substring(3);
    assertThat(HttpDates.parse(other)).isEmpty();
  }

  @Example
  void obsoleteFormsAndGarbage() {
    Instant expected = Instant.parse("1994-11-06T08:49:37Z");
    assertThat(HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT")).contains(expected);
    assertThat(HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT")).contains(expected);
    assertThat(HttpDates.parse("Sun Nov  6 08:49:37 1994")).contains(expected);
    assertThat(HttpDates.parse("0")).isEmpty();
    assertThat(HttpDates.parse("Sun, 31 Feb 1994 08:49:37 GMT")).isEmpty();
    assertThat(HttpDates.parse("Sun, 06 Nov 1994 25:49:37 GMT")).isEmpty();
    assertThat(HttpDates.parse("Sun, 06 Nov 1994 08:49:37 UTC")).isEmpty();
    assertThat(HttpDates.parse(null)).isEmpty();
  }
}
