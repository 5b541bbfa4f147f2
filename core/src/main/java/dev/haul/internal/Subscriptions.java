package dev.haul.internal;

import java.util.concurrent.Flow;

/** Small helpers for {@link Flow} plumbing. */
public final class Subscriptions {

  private static final Flow.Subscription NOOP = new Flow.Subscription() {
    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  };

  private Subscriptions() {}

  /** Signals {@code onSubscribe} with a no-op subscription, then {@code onError}. */
  public static void reject(Flow.Subscriber<?> subscriber, Throwable error) {
    subscriber.onSubscribe(NOOP);
    subscriber.onError(error);
  }

  /** Adds demand, capping at {@link Long#MAX_VALUE} as the Reactive Streams rules require. */
  public static long addCap(long a, long b) {
    long r = a + b;
    return r < 0 ? Long.MAX_VALUE : r;
  }
}
