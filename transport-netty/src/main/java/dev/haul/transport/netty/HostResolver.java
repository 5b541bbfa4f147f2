package dev.haul.transport.netty;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Turns a host name into an address (like OkHttp's {@code Dns}). The default asks the system
 * resolver; tests and split-horizon setups supply their own. Called off the event loop, and
 * bounded by the connect timeout: a resolver that hangs fails the connect with
 * {@link dev.haul.ConnectTimeoutException}, one that throws anything with
 * {@link dev.haul.ConnectFailedException}. Lookups run on a few threads of their own (system
 * lookups ignore interrupts, so a hanging one keeps its thread); concurrent lookups of one host
 * share a single call, and when every lookup thread hangs and the queue is full, connects fail
 * at once with {@link HostLookupsBusyException} ({@code NOT_SENT}, not transient: a local
 * condition, not the origin's) instead of starting threads. A queued lookup whose callers have
 * all given up leaves the queue; failures are not cached (the next connect asks again).
 */
@FunctionalInterface
public interface HostResolver {

  /** The system resolver. */
  HostResolver SYSTEM = InetAddress::getByName;

  InetAddress resolve(String host) throws UnknownHostException;
}
