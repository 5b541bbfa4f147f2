package dev.haul.download.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of longs held as disjoint, non-adjacent half-open ranges (start to end in a sorted map):
 * the plan's bookkeeping for done and free bytes. Adjacent ranges are merged so the map stays as
 * small as the number of holes. Not thread-safe: the owner synchronizes.
 */
final class RangeSet {

  private final TreeMap<Long, Long> ranges = new TreeMap<>();

  /** Adds {@code [start, end)}, merging with whatever it touches or overlaps. */
  void add(long start, long end) {
    if (start >= end) {
      return;
    }
    long s = start;
    long e = end;
    Map.Entry<Long, Long> before = ranges.floorEntry(s);
    if (before != null && before.getValue() >= s) {
      s = before.getKey();
      e = Math.max(e, before.getValue());
      ranges.remove(before.getKey());
    }
    Map.Entry<Long, Long> next = ranges.ceilingEntry(s);
    while (next != null && next.getKey() <= e) {
      e = Math.max(e, next.getValue());
      ranges.remove(next.getKey());
      next = ranges.ceilingEntry(s);
    }
    ranges.put(s, e);
  }

  /** Removes {@code [start, end)}; parts of it that are not in the set are ignored. */
  void remove(long start, long end) {
    if (start >= end) {
      return;
    }
    Map.Entry<Long, Long> before = ranges.lowerEntry(start);
    if (before != null && before.getValue() > start) {
      ranges.put(before.getKey(), start);
      if (before.getValue() > end) {
        ranges.put(end, before.getValue());
        return;
      }
    }
    Map.Entry<Long, Long> next = ranges.ceilingEntry(start);
    while (next != null && next.getKey() < end) {
      ranges.remove(next.getKey());
      if (next.getValue() > end) {
        ranges.put(end, next.getValue());
        return;
      }
      next = ranges.ceilingEntry(start);
    }
  }

  /** Returns whether any element of {@code [start, end)} is in the set. */
  boolean intersects(long start, long end) {
    if (start >= end) {
      return false;
    }
    Map.Entry<Long, Long> floor = ranges.floorEntry(start);
    if (floor != null && floor.getValue() > start) {
      return true;
    }
    Long higher = ranges.higherKey(start);
    return higher != null && higher < end;
  }

  /** Returns whether every element of {@code [start, end)} is in the set (true when empty). */
  boolean encloses(long start, long end) {
    if (start >= end) {
      return true;
    }
    Map.Entry<Long, Long> floor = ranges.floorEntry(start);
    return floor != null && floor.getValue() >= end;
  }

  /** Returns the lowest range, or {@code null} when the set is empty. */
  Span first() {
    Map.Entry<Long, Long> first = ranges.firstEntry();
    return first == null ? null : new Span(first.getKey(), first.getValue());
  }

  boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** Returns the total number of elements; cannot overflow since all ranges lie in {@code [0, MAX]}. */
  long size() {
    long total = 0;
    for (Map.Entry<Long, Long> e : ranges.entrySet()) {
      total += e.getValue() - e.getKey();
    }
    return total;
  }

  /** Returns the ranges in ascending order (a copy). */
  List<Span> spans() {
    List<Span> out = new ArrayList<>(ranges.size());
    ranges.forEach((s, e) -> out.add(new Span(s, e)));
    return out;
  }
}
