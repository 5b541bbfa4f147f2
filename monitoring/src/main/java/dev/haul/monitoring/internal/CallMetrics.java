package dev.haul.monitoring.internal;

import dev.haul.CallCancelledException;
import dev.haul.CircuitState;
import dev.haul.HaulException;
import dev.haul.Origin;
import dev.haul.Redirect;
import dev.haul.Request;
import dev.haul.ResponseInfo;
import dev.haul.spi.Call;
import dev.haul.spi.EventListener;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * The listener of one call: its state lives in plain fields (one call's events arrive in order),
 * and the origin's holder is looked up once per distinct request URI, not per event.
 */
final class CallMetrics implements EventListener {

  private static final long NO_STATUS = -1;

  private final MetricsEngine engine;
  private final Call call;
  private OriginMetrics callOrigin;
  private URI lastUri;
  private OriginMetrics lastOrigin;
  private long attemptStart;
  private long lastStatus = NO_STATUS;
  private Class<?> lastFailure;
  private boolean started;

  CallMetrics(MetricsEngine engine, Call call) {
    this.engine = engine;
    this.call = call;
  }

  private OriginMetrics of(Request request) {
    URI uri = request.uri();
    if (uri != lastUri) {
      lastOrigin = engine.origin(request.origin());
      lastUri = uri;
    }
    return lastOrigin;
  }

  private OriginMetrics callOrigin() {
    if (callOrigin == null) {
      callOrigin = of(call.request());
    }
    return callOrigin;
  }

  @Override
  public void callStart(Request request) {
    started = true;
    engine.activeCalls.inc();
    callOrigin();
  }

  @Override
  public void requestStart(Request request) {
    attemptStart = System.nanoTime();
    of(request).attempts.mark();
  }

  @Override
  public void responseHeaders(Request request, ResponseInfo response) {
    OriginMetrics o = of(request);
    o.timeToHeaders.update(System.nanoTime() - attemptStart, java.util.concurrent.TimeUnit.NANOSECONDS);
    o.statusClass(response.status()).mark();
    lastStatus = response.status();
    lastFailure = null;
  }

  @Override
  public void attemptFailed(Request request, HaulException failure) {
    lastFailure = failure.getClass();
    lastStatus = NO_STATUS;
  }

  @Override
  public void poolAcquireEnd(Origin origin, boolean reused, Duration waited) {
    OriginMetrics o = engine.origin(origin);
    (reused ? o.connectionsReused : o.connectionsNew).inc();
    o.acquireWait.update(waited);
  }

  @Override
  public void requestSent(Request request, long bodyBytes) {
    of(request).bytesSent.inc(bodyBytes);
  }

  @Override
  public void staleConnectionRetry(Request request, HaulException cause) {
    of(request).staleConnectionRetries.inc();
  }

  @Override
  public void retryScheduled(Request request, int attempt, Duration delay, String reason) {
    // The reason is the policy's free text (it may name anything); the series is keyed by what the
    // attempt ended with instead: a status or an exception type, a bounded set.
    String key = lastFailure != null ? MetricNames.segment(lastFailure.getSimpleName())
        : lastStatus != NO_STATUS ? "status-" + lastStatus : "other";
    of(request).retries.get(key).mark();
  }

  @Override
  public void retryGaveUp(Request request, int attempts, String reason) {
    OriginMetrics o = of(request);
    o.retriesGaveUp.inc();
    if (reason != null && reason.contains("haul.retry.budget-ratio")) {
      o.budgetExhausted.inc();
    }
  }

  @Override
  public void redirect(Request from, Redirect redirect) {
    of(from).redirects.mark();
  }

  @Override
  public void circuitStateChanged(Origin origin, CircuitState from, CircuitState to) {
    engine.origin(origin).circuit(to);
  }

  @Override
  public void callEnd(Request request, ResponseInfo response, Duration elapsed) {
    OriginMetrics o = callOrigin();
    o.requests.update(elapsed);
    engine.calls.update(elapsed);
    if (response.status() >= 500) {
      o.failedCalls.mark();
      engine.callsFailed.mark();
    }
    finish();
  }

  @Override
  public void callFailed(Request request, Throwable failure, Duration elapsed) {
    OriginMetrics o = callOrigin();
    if (failure instanceof CancellationException || failure instanceof CallCancelledException) {
      // The caller (or the client closing) ended it: says nothing about the origin.
      o.cancelledCalls.mark();
      engine.callsCancelled.mark();
      finish();
      return;
    }
    o.requests.update(elapsed);
    o.failedCalls.mark();
    o.errors.get(failure.getClass()).mark();
    engine.calls.update(elapsed);
    engine.callsFailed.mark();
    engine.errors.get(failure.getClass()).mark();
    finish();
  }

  private void finish() {
    if (started) {
      started = false;
      engine.activeCalls.dec();
    }
  }

  @Override
  public void responseBodyEnd(Request request, long bytes) {
    of(request).bytesReceived.inc(bytes);
  }

  @Override
  public void responseBodyFailed(Request request, long bytes, Throwable failure) {
    of(request).bytesReceived.inc(bytes);
  }

  @Override
  public void cacheHit(Request request, ResponseInfo response) {
    engine.cache().hit();
  }

  @Override
  public void cacheMiss(Request request) {
    engine.cache().miss();
  }

  @Override
  public void cacheConditionalHit(Request request, ResponseInfo response) {
    engine.cache().conditionalHit();
  }

  @Override
  public void cacheStaleServed(Request request, ResponseInfo response, String reason) {
    engine.cache().staleServed();
  }

  @Override
  public void cacheStored(Request request, long bytes) {
    engine.cache().stored(bytes);
  }
}
