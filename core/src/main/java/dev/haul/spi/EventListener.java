package dev.haul.spi;

import dev.haul.CircuitState;
import dev.haul.HaulException;
import dev.haul.Origin;
import dev.haul.Redirect;
import dev.haul.Request;
import dev.haul.ResponseInfo;
import dev.haul.internal.GuardedEventListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The metrics sink: callbacks for call, attempt, connection, pool, retry and redirect events.
 * Every method has an empty default, so a listener overrides only what it needs.
 *
 * <p>Callbacks run on I/O threads and must be fast. A listener that throws is logged once and
 * then ignored for that event; it never breaks a call. Several listeners compose with
 * {@link #composite}. Implementations must not log secrets: use {@link dev.haul.Redaction}.
 */
public interface EventListener {

  /** A listener that does nothing. */
  EventListener NONE = new EventListener() {};

  /** The call started (once per call, before any interceptor runs). */
  default void callStart(Request request) {}

  /** The call produced a response and its body handler completed. */
  default void callEnd(Request request, ResponseInfo response, Duration elapsed) {}

  /** The call failed. */
  default void callFailed(Request request, Throwable failure, Duration elapsed) {}

  /** An attempt is handed to the transport. */
  default void requestStart(Request request) {}

  /** An attempt received response headers. */
  default void responseHeaders(Request request, ResponseInfo response) {}

  /** An attempt failed at the transport. */
  default void attemptFailed(Request request, HaulException failure) {}

  /**
   * A connection is requested from the pool. A transport that reports this promises that nothing
   * of the request is written before the matching {@link #poolAcquireEnd}: the client then reports
   * a call ended meanwhile (deadline, interrupt, close) as {@link dev.haul.SendState#NOT_SENT}.
   * A transport that acquires again within one exchange (its own retry on another connection)
   * does so only when nothing of the request reached the server on the previous one.
   */
  default void poolAcquireStart(Origin origin) {}

  /** The pool handed over a connection; {@code reused} is false for a new one. */
  default void poolAcquireEnd(Origin origin, boolean reused, Duration waited) {}

  /** A TCP connect starts. */
  default void connectStart(Origin origin, InetSocketAddress address) {}

  /** A TCP connect succeeded. */
  default void connectEnd(Origin origin, InetSocketAddress address, Duration elapsed) {}

  /** A TCP connect failed. */
  default void connectFailed(Origin origin, InetSocketAddress address, Throwable failure) {}

  /** A TLS handshake starts. */
  default void tlsStart(Origin origin) {}

  /** A TLS handshake succeeded. */
  default void tlsEnd(Origin origin, String protocol, String cipherSuite, Duration elapsed) {}

  /** A connection went back to the pool ({@code reusable}) or is about to be closed. */
  default void connectionReleased(Origin origin, boolean reusable) {}

  /** A connection was closed: {@code idle}, {@code lifetime}, {@code error}, {@code stale}... */
  default void connectionClosed(Origin origin, String reason) {}

  /** A retry was scheduled after {@code delay}; {@code attempt} is the one that failed. */
  default void retryScheduled(Request request, int attempt, Duration delay, String reason) {}

  /** The retry stage gave up after {@code attempts} attempts. */
  default void retryGaveUp(Request request, int attempts, String reason) {}

  /** A redirect is being followed. */
  default void redirect(Request from, Redirect redirect) {}

  /** An origin's circuit breaker changed state. */
  default void circuitStateChanged(Origin origin, CircuitState from, CircuitState to) {}

  /** One listener that calls each of these in order, each guarded so a throwing one is ignored. */
  static EventListener composite(List<? extends EventListener> listeners) {
    return GuardedEventListener.of(listeners);
  }
}
