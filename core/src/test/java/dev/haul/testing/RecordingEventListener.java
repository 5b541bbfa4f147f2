package dev.haul.testing;

import dev.haul.HaulException;
import dev.haul.Request;
import dev.haul.ResponseInfo;
import dev.haul.spi.EventListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Records events as short strings, in order, for tests of any module. By default the call,
 * attempt and retry events; {@link #everything()} also records the body, stale-retry, cache and
 * module events (so tests that pin the default sequence are not disturbed by them).
 */
public final class RecordingEventListener implements EventListener {
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final boolean everything;

  /** Records the call, attempt and retry events. */
  public RecordingEventListener() {
    this(false);
  }

  private RecordingEventListener(boolean everything) {
    this.everything = everything;
  }

  /** Also records body, stale-retry, cache and module events. */
  public static RecordingEventListener everything() {
    return new RecordingEventListener(true);
  }

  private void more(String event) {
    if (everything) {
      events.add(event);
    }
  }

  @Override
  public void requestSent(Request request, long bodyBytes) {
    more("requestSent " + bodyBytes);
  }

  @Override
  public void staleConnectionRetry(Request request, HaulException cause) {
    more("staleConnectionRetry " + cause.getClass().getSimpleName());
  }

  @Override
  public void responseBodyEnd(Request request, long bytes) {
    more("responseBodyEnd " + bytes);
  }

  @Override
  public void responseBodyFailed(Request request, long bytes, Throwable failure) {
    more("responseBodyFailed " + bytes + " " + failure.getClass().getSimpleName());
  }

  @Override
  public void cacheHit(Request request, ResponseInfo response) {
    more("cacheHit " + request.uri().getPath());
  }

  @Override
  public void cacheMiss(Request request) {
    more("cacheMiss " + request.uri().getPath());
  }

  @Override
  public void cacheConditionalHit(Request request, ResponseInfo response) {
    more("cacheConditionalHit " + request.uri().getPath());
  }

  @Override
  public void cacheStaleServed(Request request, ResponseInfo response, String reason) {
    more("cacheStaleServed " + request.uri().getPath() + " " + reason);
  }

  @Override
  public void cacheStored(Request request, long bytes) {
    more("cacheStored " + request.uri().getPath() + " " + bytes);
  }

  @Override
  public void cacheEvicted(java.net.URI uri, long bytes, String cause) {
    more("cacheEvicted " + uri.getPath() + " " + cause);
  }

  @Override
  public void moduleEvent(dev.haul.spi.HaulEvent event) {
    more("moduleEvent " + event);
  }

  public List<String> events() {
    return List.copyOf(events);
  }

  @Override
  public void callStart(Request request) {
    events.add("callStart");
  }

  @Override
  public void callEnd(Request request, ResponseInfo response, Duration elapsed) {
    events.add("callEnd " + response.status());
  }

  @Override
  public void callFailed(Request request, Throwable failure, Duration elapsed) {
    events.add("callFailed " + failure.getClass().getSimpleName());
  }

  @Override
  public void requestStart(Request request) {
    events.add("requestStart");
  }

  @Override
  public void responseHeaders(Request request, ResponseInfo response) {
    events.add("responseHeaders " + response.status());
  }

  @Override
  public void attemptFailed(Request request, HaulException failure) {
    events.add("attemptFailed " + failure.getClass().getSimpleName());
  }

  @Override
  public void retryScheduled(Request request, int attempt, Duration delay, String reason) {
    events.add("retryScheduled " + attempt);
  }

  @Override
  public void retryGaveUp(Request request, int attempts, String reason) {
    events.add("retryGaveUp " + attempts);
  }
}
