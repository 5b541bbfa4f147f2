package dev.haul.testing;

import dev.haul.HaulException;
import dev.haul.Request;
import dev.haul.ResponseInfo;
import dev.haul.spi.EventListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Records events as short strings, in order. */
public final class RecordingEventListener implements EventListener {
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

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
