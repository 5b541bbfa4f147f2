package dev.haul.download.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple3;
import org.junit.jupiter.api.Test;

/** The range set agrees with a bit set model under any sequence of adds and removes. */
class RangeSetTest {

  private static final int SIZE = 200;

  @Property(tries = 1000)
  void agreesWithABitSet(@ForAll("operations") List<Tuple3<Boolean, Integer, Integer>> operations) {
    RangeSet set = new RangeSet();
    BitSet model = new BitSet();
    for (Tuple3<Boolean, Integer, Integer> op : operations) {
      int a = Math.min(op.get2(), op.get3());
      int b = Math.max(op.get2(), op.get3());
      if (op.get1()) {
        set.add(a, b);
        model.set(a, b);
      } else {
        set.remove(a, b);
        model.clear(a, b);
      }
      assertThat(set.size()).isEqualTo(model.cardinality());
      // Canonical: ascending, non-empty, with gaps between ranges.
      long previousEnd = -1;
      for (Span s : set.spans()) {
        assertThat(s.isEmpty()).isFalse();
        assertThat(s.start()).isGreaterThan(previousEnd);
        assertThat(model.get((int) s.start(), (int) s.end()).cardinality()).isEqualTo((int) s.length());
        previousEnd = s.end();
      }
      for (int x = 0; x < SIZE; x += 7) {
        for (int y = x; y <= SIZE; y += 13) {
          int inModel = model.get(x, y).cardinality();
          assertThat(set.intersects(x, y)).isEqualTo(inModel > 0);
          assertThat(set.encloses(x, y)).isEqualTo(inModel == y - x);
        }
      }
      Span first = set.first();
      assertThat(first == null ? -1 : first.start()).isEqualTo(model.nextSetBit(0));
      assertThat(set.isEmpty()).isEqualTo(model.isEmpty());
    }
  }

  @Test
  void worksAtTheTopOfTheLongRange() {
    RangeSet set = new RangeSet();
    set.add(Long.MAX_VALUE - 10, Long.MAX_VALUE);
    set.add(0, Long.MAX_VALUE - 10);
    assertThat(set.spans()).containsExactly(new Span(0, Long.MAX_VALUE));
    assertThat(set.size()).isEqualTo(Long.MAX_VALUE);
    set.remove(5, Long.MAX_VALUE - 1);
    assertThat(set.spans()).containsExactly(new Span(0, 5), new Span(Long.MAX_VALUE - 1, Long.MAX_VALUE));
  }

  @Provide
  Arbitrary<List<Tuple3<Boolean, Integer, Integer>>> operations() {
    Arbitrary<Integer> point = Arbitraries.integers().between(0, SIZE);
    return Combinators.combine(Arbitraries.of(true, true, false), point, point).as(Tuple::of).list().ofMaxSize(40);
  }
}
