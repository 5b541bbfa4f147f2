package dev.haul.transport.netty.internal;

import dev.haul.Origin;
import dev.haul.spi.EventListener;
import io.netty.channel.Channel;

/**
 * One pooled connection: its channel, its pipeline parts, and what the pool needs to judge it
 * (age, idle time, keep-alive limit, whether it may be reused).
 */
public final class PooledConnection {

  final Origin origin;
  final Channel channel;
  final ConnectionHandler handler;
  final long createdNanos;
  final long expiresNanos; // Long.MAX_VALUE when the lifetime is unlimited
  volatile long idleSinceNanos;
  volatile long keepAliveNanos = Long.MAX_VALUE;
  volatile boolean reusable = true;
  volatile String closeReason;
  volatile EventListener listener = EventListener.NONE;
  /** Guarded by the pool's lock. */
  State state = State.LEASED;
  int requests;

  /** Where the connection is, as the pool sees it. */
  enum State { LEASED, IDLE, CLOSED }

  PooledConnection(Origin origin, Channel channel, ConnectionHandler handler, long createdNanos,
      long expiresNanos) {
    this.origin = origin;
    this.channel = channel;
    this.handler = handler;
    this.createdNanos = createdNanos;
    this.expiresNanos = expiresNanos;
  }

  public Origin origin() {
    return origin;
  }

  public Channel channel() {
    return channel;
  }

  /** Never reuse this connection; it will be closed when released. The first reason sticks. */
  void doNotReuse(String reason) {
    if (reusable) {
      closeReason = reason;
      reusable = false;
    }
  }

  @Override
  public String toString() {
    return "PooledConnection{" + origin + ", " + channel.id().asShortText() + "}";
  }
}
