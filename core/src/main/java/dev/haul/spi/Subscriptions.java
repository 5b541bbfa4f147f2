package dev.haul.spi;

import java.util.concurrent.Flow;

/**
 * Reactive Streams rules that every {@link dev.haul.ResponseBody} implementation must follow,
 * written once for core and for transports: refusing a subscriber (rule 1.9: {@code onSubscribe}
 * before {@code onError}) and adding demand without overflow (rule 3.17).
 */
public final class Subscriptions {

  private static final Flow.Subscription NOOP = new Flow.Subscription() {
    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  };

  private Subscriptions() {}

  /**
   * Refuses {@code subscriber}: signals {@code onSubscribe} with a subscription that does nothing,
   * then {@code onError(error)}. For a second subscription to a one-shot body, or one after close.
   */
  public static void reject(Flow.Subscriber<?> subscriber, Throwable error) {
    subscriber.onSubscribe(NOOP);
    subscriber.onError(error);
  }

  /** {@code a + b} for two non-negative demands, capped at {@link Long#MAX_VALUE} (unbounded). */
  public static long addCap(long a, long b) {
    long r = a + b;
    return r < 0 ? Long.MAX_VALUE : r;
  }
}
