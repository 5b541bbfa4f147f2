package dev.haul.internal;

import dev.haul.spi.Interceptor;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The order of the chain, declared once: the order of {@link Slot}'s constants. The client fills
 * the slots it uses, whatever order its parts were bound or added in, and gets the interceptors in
 * slot order. A slot left empty (no cache, breaking off, no Bearer key) is not in the chain.
 */
final class ChainLayout {

  /** The slots, in chain order: the first sees the call first. */
  enum Slot {
    APPLICATION,
    REDIRECTS,
    RETRIES,
    CACHE,
    CIRCUIT_BREAKER,
    BRIDGE,
    AUTH,
    /** Network interceptors: from here on, each runs once per attempt on the wire. */
    NETWORK,
    TRANSPORT
  }

  private final Map<Slot, List<Interceptor>> slots = new EnumMap<>(Slot.class);

  /** Adds {@code interceptor} at the end of {@code slot}. */
  ChainLayout add(Slot slot, Interceptor interceptor) {
    slots.computeIfAbsent(slot, s -> new ArrayList<>()).add(interceptor);
    return this;
  }

  /** Adds {@code interceptors} at the end of {@code slot}, in their order. */
  ChainLayout addAll(Slot slot, List<? extends Interceptor> interceptors) {
    interceptors.forEach(i -> add(slot, i));
    return this;
  }

  /** The interceptors in chain order. The transport slot must hold exactly one, the last. */
  List<Interceptor> interceptors() {
    List<Interceptor> transport = slots.getOrDefault(Slot.TRANSPORT, List.of());
    if (transport.size() != 1) {
      throw new IllegalStateException("the chain needs exactly one transport stage, has " + transport.size());
    }
    List<Interceptor> out = new ArrayList<>();
    for (Slot s : Slot.values()) {
      out.addAll(slots.getOrDefault(s, List.of()));
    }
    return List.copyOf(out);
  }

  /** The index of the first interceptor that runs once per attempt (network or transport). */
  int networkStart() {
    int n = 0;
    for (Slot s : Slot.values()) {
      if (s == Slot.NETWORK) {
        return n;
      }
      n += slots.getOrDefault(s, List.of()).size();
    }
    throw new AssertionError("no NETWORK slot");
  }
}
