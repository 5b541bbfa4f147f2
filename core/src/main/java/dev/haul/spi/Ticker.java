package dev.haul.spi;

/**
 * A source of monotonic nanoseconds, injected so tests can control time. The client's ticker
 * measures the time left before a call deadline and the circuit breaker's windows; the default
 * retry policy's budget takes its own ({@code RetryPolicy.Builder#ticker}), and the Netty
 * transport's pool takes its own ({@code NettyTransportConfig.Builder#ticker})
 * for idle, lifetime and Keep-Alive limits. Timers that fire (deadline, backoff) run on real time.
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
