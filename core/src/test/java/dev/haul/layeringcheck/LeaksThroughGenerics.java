package dev.haul.layeringcheck;

import java.util.List;
import java.util.function.Supplier;

/** A public type that names an internal type only inside generic signatures (must be caught). */
public class LeaksThroughGenerics {
  public List<dev.haul.internal.CallState> states;

  public Supplier<dev.haul.internal.CallState> supplier() {
    return null;
  }
}
