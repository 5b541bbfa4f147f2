package dev.haul.download.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.download.internal.PlanSimulation.Action;
import dev.haul.download.internal.PlanSimulation.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Random journal states survive a save and a load exactly; random damage never passes. */
class JournalPropertiesTest {

  private static Path dir;

  @BeforeContainer
  static void createDirectory() throws IOException {
    dir = Files.createTempDirectory("journal-properties");
  }

  @AfterContainer
  static void deleteDirectory() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  @Property(tries = 500)
  void encodingRoundTripsExactly(@ForAll("states") JournalState state) {
    assertThat(Journal.decode(Journal.encode(state))).isEqualTo(new JournalLoad.Trusted(state));
  }

  @Property(tries = 100)
  void aSavedStateLoadsBackExactlyAndRestoresThePlan(@ForAll("states") JournalState state) throws IOException {
    Journal journal = Journal.at(dir.resolve("j"));
    journal.save(state);
    assertThat(journal.load(state.url())).isEqualTo(new JournalLoad.Trusted(state));
    assertThat(SegmentPlan.restore(state.plan(), 1).snapshotForJournal()).isEqualTo(state.plan());
  }

  @Property(tries = 1000)
  void anySingleByteCorruptionIsDetected(@ForAll("states") JournalState state, @ForAll @IntRange(min = 0) int where,
      @ForAll @IntRange(min = 1, max = 255) int xor) {
    byte[] bytes = Journal.encode(state);
    bytes[where % bytes.length] ^= (byte) xor;
    assertThat(Journal.decode(bytes)).isInstanceOf(JournalLoad.Untrusted.class);
  }

  @Property(tries = 1000)
  void anyTruncationIsDetected(@ForAll("states") JournalState state, @ForAll @IntRange(min = 0) int cut) {
    byte[] bytes = Journal.encode(state);
    assertThat(Journal.decode(Arrays.copyOf(bytes, cut % bytes.length))).isInstanceOf(JournalLoad.Untrusted.class);
  }

  @Provide
  Arbitrary<JournalState> states() {
    Arbitrary<String> text = Arbitraries.strings().ofMinLength(1).ofMaxLength(300)
        .filter(s -> s.chars().noneMatch(c -> c < 0x20 || c == 0x7f))
        .filter(s -> StandardCharsets.UTF_8.newEncoder().canEncode(s));
    Arbitrary<String> etag = Arbitraries.oneOf(Arbitraries.just(null), text.filter(s -> !s.startsWith("W/")));
    Arbitrary<String> date = Arbitraries.oneOf(Arbitraries.just(null), text);
    Arbitrary<String> sha = Arbitraries.oneOf(Arbitraries.just(null),
        Arbitraries.bytes().array(byte[].class).ofSize(32).map(HexFormat.of()::formatHex));
    Arbitrary<Action> action = Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 3),
        Arbitraries.doubles().between(0, 1)).as(Action::new);
    Arbitrary<PlanState> plan = Combinators.combine(
        Arbitraries.oneOf(Arbitraries.longs().between(0, 100_000), Arbitraries.longs().between(Long.MAX_VALUE - 1000, Long.MAX_VALUE)),
        Arbitraries.integers().between(1, 5000), action.list().ofMaxSize(80)).as(JournalPropertiesTest::plan);
    return Combinators.combine(text, etag, date, sha, plan)
        .as((url, e, d, s, p) -> new JournalState(url, new Validators(e, d), s, p));
  }

  /** A plan state as a real plan leaves it: some segments done, some cut off mid-way. */
  private static PlanState plan(long length, int pieceSize, List<Action> actions) {
    SegmentPlan plan = SegmentPlan.create(length, pieceSize, pieceSize);
    PlanSimulation sim = new PlanSimulation(plan, 4);
    actions.forEach(sim::apply);
    return plan.snapshotForJournal();
  }
}
