package dev.haul.spi;

import java.lang.ref.Cleaner;

/**
 * The one {@link Cleaner} (one daemon thread) that the leak checks of every Haul module share, so
 * a transport's check for dropped response bodies and core's check for dropped body streams do
 * not each start a thread.
 */
public final class Cleaners {

  private static final Cleaner CLEANER = Cleaner.create();

  private Cleaners() {}

  /**
   * Runs {@code action} once {@code watched} is unreachable, unless cleaned earlier. The action
   * must not refer to {@code watched}, or it never becomes unreachable.
   */
  public static Cleaner.Cleanable watch(Object watched, Runnable action) {
    return CLEANER.register(watched, action);
  }
}
