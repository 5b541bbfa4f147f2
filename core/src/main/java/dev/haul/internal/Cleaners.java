package dev.haul.internal;

import java.lang.ref.Cleaner;

/** The one {@link Cleaner} (one daemon thread) that every Haul module's leak checks share. */
public final class Cleaners {

  private static final Cleaner CLEANER = Cleaner.create();

  private Cleaners() {}

  /** Runs {@code action} once {@code watched} is unreachable, unless cleaned earlier. */
  public static Cleaner.Cleanable watch(Object watched, Runnable action) {
    return CLEANER.register(watched, action);
  }
}
