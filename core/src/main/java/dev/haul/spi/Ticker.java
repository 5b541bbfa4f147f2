package dev.haul.spi;

/**
 * A source of monotonic nanoseconds, injected so tests can control time. Deadlines, backoff,
 * idle and lifetime limits all read it.
 */
@FunctionalInterface
public interface Ticker {
  /** Nanoseconds from an arbitrary origin; only differences are meaningful. */
  long read();

  /** {@link System#nanoTime()}. */
  static Ticker systemTicker() {
    return SystemTicker.INSTANCE;
  }
}

enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long read() {
    return System.nanoTime();
  }
}
