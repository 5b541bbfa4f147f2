package dev.haul.testkit;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Answers requests with enqueued responses in order; when the queue is empty, with the fallback
 * (404 by default). A queued {@link Fault#CLOSE_AT_START} is taken by the next new connection.
 */
public final class QueueDispatcher implements Dispatcher {

  private final ConcurrentLinkedDeque<MockResponse> queue = new ConcurrentLinkedDeque<>();
  private volatile MockResponse fallback =
      MockResponse.builder().status(404).body("no response enqueued").build();

  public void enqueue(MockResponse response) {
    queue.add(requireNonNull(response, "response is null"));
  }

  /** What to answer once the queue is empty. */
  public void setFallback(MockResponse response) {
    this.fallback = requireNonNull(response, "response is null");
  }

  /** Responses still queued. */
  public int size() {
    return queue.size();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    MockResponse r = queue.poll();
    return r != null ? r : fallback;
  }

  @Override
  public MockResponse atConnect() {
    MockResponse head = queue.peek();
    if (head != null && head.fault == Fault.CLOSE_AT_START && queue.remove(head)) {
      return head;
    }
    return null;
  }
}
