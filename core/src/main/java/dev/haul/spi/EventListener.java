package dev.haul.spi;

import dev.haul.CircuitState;
import dev.haul.HaulException;
import dev.haul.Origin;
import dev.haul.Redirect;
import dev.haul.Request;
import dev.haul.ResponseInfo;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The metrics sink: callbacks for call, attempt, connection, pool, retry, redirect, body, cache and
 * module events. Every method has an empty default, so a listener overrides only what it needs.
 *
 * <p>Two ways to listen:
 * <ul>
 *   <li>A listener added as such ({@code addEventListener}) is shared: it receives the events of
 *       every call, and the events that belong to no call ({@link #cacheEvicted},
 *       {@link #moduleEvent} published through {@code HaulClient.events()}).
 *   <li>A {@link Factory} ({@code addEventListenerFactory}) creates one listener per call, given
 *       that call's {@link Call} handle: it receives exactly that call's events, so it can keep
 *       per-call state (timings, byte counts) in plain fields, with no shared map. A sink that
 *       also wants the events of no call registers a shared listener as well.
 * </ul>
 *
 * <p>The events of one call, in order: {@link #callStart}; per attempt {@link #requestStart},
 * the pool and connection events, {@link #requestSent}, then {@link #responseHeaders} or
 * {@link #attemptFailed}; {@link #retryScheduled}/{@link #redirect} between attempts; then
 * {@link #callEnd} or {@link #callFailed}; and once the body is done with,
 * {@link #responseBodyEnd} or {@link #responseBodyFailed} (for a body the handler streams to
 * the caller, that is after {@code callEnd}).
 *
 * <p>Callbacks run on I/O threads and must be fast. A listener that throws is logged once (per
 * listener class) and
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

  /**
   * The whole request of an attempt, head and body, was written to the connection;
   * {@code bodyBytes} is the length of its body (0 without one). Transports that cannot tell
   * (scripted fakes) may not report it.
   */
  default void requestSent(Request request, long bodyBytes) {}

  /**
   * The transport sent the attempt again on a new connection, by itself: the pooled connection
   * it took was found closed by the server before any byte of the request reached it
   * ({@code cause}). Invisible to the retry policy; reported so a sink can count it.
   */
  default void staleConnectionRetry(Request request, HaulException cause) {}

  /**
   * The response body of {@code request} (the call's final request) was consumed to its end;
   * {@code bytes} were delivered to the body handler (after any decoding by the transport).
   */
  default void responseBodyEnd(Request request, long bytes) {}

  /**
   * The response body ended before its end, after {@code bytes} were delivered: it failed
   * ({@code failure} says why: a cut connection, the deadline, the client closing) or its consumer
   * closed or cancelled it early ({@code failure} is a {@link dev.haul.CallCancelledException}).
   */
  default void responseBodyFailed(Request request, long bytes, Throwable failure) {}

  /** The cache served a fresh stored response without contacting the origin. */
  default void cacheHit(Request request, ResponseInfo response) {}

  /** The cache had nothing usable: the request goes to the origin. */
  default void cacheMiss(Request request) {}

  /** The cache validated a stored response with the origin ({@code 304}) and served it. */
  default void cacheConditionalHit(Request request, ResponseInfo response) {}

  /**
   * The cache served a stale stored response, as {@code reason} allows ({@code max-stale},
   * {@code stale-while-revalidate}, {@code stale-if-error}).
   */
  default void cacheStaleServed(Request request, ResponseInfo response, String reason) {}

  /** The cache stored the response to {@code request}, {@code bytes} in its store. */
  default void cacheStored(Request request, long bytes) {}

  /**
   * The cache dropped the entry for {@code uri} ({@code bytes} of its store) because of
   * {@code cause} ({@code size}, {@code expired}, {@code invalidated}, {@code replaced}...). It
   * belongs to no call: only shared listeners receive it.
   */
  default void cacheEvicted(URI uri, long bytes, String cause) {}

  /**
   * An event of a module above the client (the downloader), published through
   * {@code HaulClient.events()}. Listeners tell events apart by their type.
   */
  default void moduleEvent(HaulEvent event) {}

  /**
   * Creates the listener of one call. Called once per call on the caller's thread, before
   * {@link #callStart}; it must be fast and must not throw (a factory that throws is logged and
   * the call goes on without it).
   */
  @FunctionalInterface
  interface Factory {
    /** The listener that receives {@code call}'s events. */
    EventListener create(Call call);
  }

  /** One listener that calls each of these in order, each guarded so a throwing one is ignored. */
  static EventListener composite(List<? extends EventListener> listeners) {
    return GuardedEventListener.of(listeners);
  }
}
