package dev.haul.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ConfigKeyTest {

  enum Mode { FAST, SAFE }

  private static final ConfigKey<Integer> COUNT = ConfigKey.of("x.count", ConfigType.INTEGER, 5,
      Validator.between(1, 10), "how many");
  private static final ConfigKey<Duration> WAIT = ConfigKey.of("x.wait", ConfigType.DURATION, Duration.ofSeconds(1),
      Validator.positive(), "how long");
  private static final ConfigKey<Mode> MODE = ConfigKey.of("x.mode", ConfigType.enumOf(Mode.class), Mode.FAST, "mode");
  private static final ConfigKey<String> TOKEN = ConfigKey.of("x.token",
      ConfigType.of("a token", s -> s.isBlank() ? null : s.trim(), s -> s), null,
      Validator.of("letters only", s -> s.chars().allMatch(Character::isLetter)), "the key").secret();
  private static final ConfigKey<Long> SIZE = ConfigKey.of("x.size", ConfigType.DATA_SIZE, 4096L,
      Validator.sizeBetween(1024, 1 << 20), "size");
  private static final List<ConfigKey<?>> KEYS = List.of(COUNT, WAIT, MODE, TOKEN, SIZE);

  @Test
  void rangesAreInclusiveAndMessagesNameKeyValueAndRange() {
    assertThat(COUNT.check(1)).isEqualTo(1);
    assertThat(COUNT.check(10)).isEqualTo(10);
    assertThatThrownBy(() -> COUNT.check(11)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("x.count: 11 (expected: 1..10)");
    assertThatThrownBy(() -> COUNT.check(0)).hasMessage("x.count: 0 (expected: 1..10)");
    assertThat(WAIT.check(Duration.ofNanos(1))).isEqualTo(Duration.ofNanos(1));
    assertThatThrownBy(() -> WAIT.check(Duration.ZERO)).hasMessage("x.wait: 0s (expected: > 0)");
    assertThatThrownBy(() -> SIZE.check(1023L)).hasMessage("x.size: 1023 (expected: 1KiB..1MiB)");
    assertThat(SIZE.check(1L << 20)).isEqualTo(1L << 20);
    assertThatThrownBy(() -> SIZE.parse("2MiB")).hasMessage("x.size: 2MiB (expected: 1KiB..1MiB)");
    assertThat(Validator.between(0.0, 1.0).test(Double.NaN)).isFalse();
    assertThat(Validator.nonNegative().test(Duration.ZERO)).isTrue();
    assertThat(Validator.nonNegative().test(Duration.ofNanos(-1))).isFalse();
  }

  @Test
  void unparsableTextIsQuotedWithWhatWasExpected() {
    assertThatThrownBy(() -> COUNT.parse("many")).hasMessage("x.count: 'many' (expected: an integer)");
    assertThatThrownBy(() -> MODE.parse("slow")).hasMessage("x.mode: 'slow' (expected: fast, safe)");
    assertThat(MODE.parse(" Safe ")).isEqualTo(Mode.SAFE);
    assertThat(MODE.format(Mode.SAFE)).isEqualTo("safe");
    assertThatThrownBy(() -> ConfigKey.of("x.on", ConfigType.BOOLEAN, false, "on").parse("yes"))
        .hasMessage("x.on: 'yes' (expected: true or false)");
    // Control characters in a value cannot forge a log line.
    assertThatThrownBy(() -> COUNT.parse("1\r\nFAKE")).hasMessage("x.count: '1\\u000d\\u000aFAKE' (expected: an integer)");
  }

  @Test
  void secretValuesAreNeverEchoed() {
    assertThatThrownBy(() -> TOKEN.parse("abc123canary")).hasMessage("x.token: <redacted> (expected: letters only)")
        .hasMessageNotContaining("canary");
    assertThat(TOKEN.invalid("canary", "something")).hasMessage("x.token: <redacted> (expected: something)");
    ConfigValues v = ConfigValues.builder(KEYS).read(ConfigSource.fromMap(Map.of("x.token", " canary "))).build();
    assertThat(v.get(TOKEN)).isEqualTo("canary");
    assertThat(v.dump()).containsEntry("x.token", ConfigKey.REDACTED);
    assertThat(v.toString()).doesNotContain("canary");
    assertThat(ConfigValues.builder(KEYS).build().dump()).containsEntry("x.token", "");
    assertThat(TOKEN.defaultText()).isEqualTo("(none)");
    assertThat(TOKEN.range()).isEqualTo("letters only");
  }

  @Test
  void valuesReadFromASourceCheckAndDumpInKeyOrder() {
    ConfigValues v = ConfigValues.builder(KEYS)
        .read(ConfigSource.fromMap(Map.of("x.count", "7", "x.wait", "250ms", "x.size", "64KiB")))
        .build();
    assertThat(v.get(COUNT)).isEqualTo(7);
    assertThat(v.get(MODE)).isEqualTo(Mode.FAST);
    assertThat(v.dump()).containsExactly(Map.entry("x.count", "7"), Map.entry("x.wait", "250ms"),
        Map.entry("x.mode", "fast"), Map.entry("x.token", ""), Map.entry("x.size", "64KiB"));
    assertThat(ConfigValues.builder(KEYS).read(ConfigSource.fromMap(v.dump())).build()).isEqualTo(v);
    assertThatThrownBy(() -> ConfigValues.builder(KEYS).read(ConfigSource.fromMap(Map.of("x.count", "11"))))
        .hasMessage("x.count: 11 (expected: 1..10)");
  }

  @Test
  void settersRejectNullsUnknownKeysAndTwinNames() {
    ConfigValues.Builder b = ConfigValues.builder(KEYS);
    assertThatThrownBy(() -> b.set(WAIT, null)).isInstanceOf(NullPointerException.class).hasMessage("x.wait is null");
    assertThat(b.set(TOKEN, null).get(TOKEN)).isNull(); // a key without default takes "none"
    ConfigKey<Integer> stranger = ConfigKey.of("x.other", ConfigType.INTEGER, 1, "other");
    assertThatThrownBy(() -> b.set(stranger, 2)).hasMessageContaining("x.other is not a key");
    assertThatThrownBy(() -> ConfigValues.builder(List.of(COUNT, ConfigKey.of("x.count", ConfigType.INTEGER, 1, "again"))))
        .hasMessageContaining("two keys of the same name");
    assertThatThrownBy(() -> ConfigKey.of("x.bad", ConfigType.INTEGER, 0, Validator.between(1, 2), "bad default"))
        .hasMessage("x.bad: 0 (expected: 1..2)");
  }

  @Property
  void integersFormatAndReadBack(@ForAll @IntRange(min = 1, max = 10) int n) {
    assertThat(COUNT.parse(COUNT.format(n))).isEqualTo(n);
  }
}
