package dev.haul.internal;

import dev.haul.CircuitState;
import dev.haul.HaulException;
import dev.haul.Origin;
import dev.haul.Redirect;
import dev.haul.Request;
import dev.haul.ResponseInfo;
import dev.haul.spi.EventListener;
import dev.haul.spi.HaulEvent;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;

/**
 * The listener one attempt hands to the transport: it forwards every event to the call's
 * (guarded) listener and learns from the pool events how far the attempt got, so that a deadline,
 * an interrupt or a client close report the true {@link dev.haul.SendState}. It overrides every
 * callback ({@code AttemptListenerTest} checks it), so none is lost on the way.
 */
final class AttemptListener implements EventListener {

  // The call's listener until the call is over; then the client's shared listeners, so that a
  // connection kept in the pool (which keeps its last listener for its release and close events)
  // neither holds the call's per-call listeners and request nor feeds them after the call.
  private volatile EventListener delegate;
  private volatile CallState.Progress call;
  private final int attempt;

  AttemptListener(EventListener delegate, CallState.Progress call, int attempt) {
    this.delegate = delegate;
    this.call = call;
    this.attempt = attempt;
  }

  /** The call is over: later events go to {@code shared} only, and the call's state is let go. */
  void detach(EventListener shared) {
    delegate = shared;
    call = null;
  }

  @Override
  public void callStart(Request request) {
    delegate.callStart(request);
  }

  @Override
  public void callEnd(Request request, ResponseInfo response, Duration elapsed) {
    delegate.callEnd(request, response, elapsed);
  }

  @Override
  public void callFailed(Request request, Throwable failure, Duration elapsed) {
    delegate.callFailed(request, failure, elapsed);
  }

  @Override
  public void requestStart(Request request) {
    delegate.requestStart(request);
  }

  @Override
  public void responseHeaders(Request request, ResponseInfo response) {
    delegate.responseHeaders(request, response);
  }

  @Override
  public void attemptFailed(Request request, HaulException failure) {
    delegate.attemptFailed(request, failure);
  }

  @Override
  public void poolAcquireStart(Origin origin) {
    CallState.Progress p = call;
    if (p != null) {
      p.acquiringConnection(attempt);
    }
    delegate.poolAcquireStart(origin);
  }

  @Override
  public void poolAcquireEnd(Origin origin, boolean reused, Duration waited) {
    CallState.Progress p = call;
    if (p != null) {
      p.connectionAcquired(attempt);
    }
    delegate.poolAcquireEnd(origin, reused, waited);
  }

  @Override
  public void connectStart(Origin origin, InetSocketAddress address) {
    CallState.Progress p = call;
    if (p != null) {
      p.connecting(attempt);
    }
    delegate.connectStart(origin, address);
  }

  @Override
  public void connectEnd(Origin origin, InetSocketAddress address, Duration elapsed) {
    delegate.connectEnd(origin, address, elapsed);
  }

  @Override
  public void connectFailed(Origin origin, InetSocketAddress address, Throwable failure) {
    delegate.connectFailed(origin, address, failure);
  }

  @Override
  public void tlsStart(Origin origin) {
    CallState.Progress p = call;
    if (p != null) {
      p.connecting(attempt);
    }
    delegate.tlsStart(origin);
  }

  @Override
  public void tlsEnd(Origin origin, String protocol, String cipherSuite, Duration elapsed) {
    delegate.tlsEnd(origin, protocol, cipherSuite, elapsed);
  }

  @Override
  public void connectionReleased(Origin origin, boolean reusable) {
    delegate.connectionReleased(origin, reusable);
  }

  @Override
  public void connectionClosed(Origin origin, String reason) {
    delegate.connectionClosed(origin, reason);
  }

  @Override
  public void retryScheduled(Request request, int attempt, Duration delay, String reason) {
    delegate.retryScheduled(request, attempt, delay, reason);
  }

  @Override
  public void retryGaveUp(Request request, int attempts, String reason) {
    delegate.retryGaveUp(request, attempts, reason);
  }

  @Override
  public void redirect(Request from, Redirect redirect) {
    delegate.redirect(from, redirect);
  }

  @Override
  public void circuitStateChanged(Origin origin, CircuitState from, CircuitState to) {
    delegate.circuitStateChanged(origin, from, to);
  }

  @Override
  public void requestSent(Request request, long bodyBytes) {
    delegate.requestSent(request, bodyBytes);
  }

  @Override
  public void staleConnectionRetry(Request request, HaulException cause) {
    delegate.staleConnectionRetry(request, cause);
  }

  @Override
  public void responseBodyEnd(Request request, long bytes) {
    delegate.responseBodyEnd(request, bytes);
  }

  @Override
  public void responseBodyFailed(Request request, long bytes, Throwable failure) {
    delegate.responseBodyFailed(request, bytes, failure);
  }

  @Override
  public void cacheHit(Request request, ResponseInfo response) {
    delegate.cacheHit(request, response);
  }

  @Override
  public void cacheMiss(Request request) {
    delegate.cacheMiss(request);
  }

  @Override
  public void cacheConditionalHit(Request request, ResponseInfo response) {
    delegate.cacheConditionalHit(request, response);
  }

  @Override
  public void cacheStaleServed(Request request, ResponseInfo response, String reason) {
    delegate.cacheStaleServed(request, response, reason);
  }

  @Override
  public void cacheStored(Request request, long bytes) {
    delegate.cacheStored(request, bytes);
  }

  @Override
  public void cacheEvicted(URI uri, long bytes, String cause) {
    delegate.cacheEvicted(uri, bytes, cause);
  }

  @Override
  public void moduleEvent(HaulEvent event) {
    delegate.moduleEvent(event);
  }
}
