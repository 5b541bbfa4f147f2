package dev.haul.layeringcheck;

/** A composition root that exposes an internal type through a constructor and a field. */
public class RootExposingInternals {
  public dev.haul.internal.CallState state;

  public RootExposingInternals(dev.haul.internal.CallState s) {
    state = s;
  }
}
