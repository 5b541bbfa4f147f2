package dev.haul.testing;

import dev.haul.ResponseBody;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A body that delivers its chunks as demanded and then stalls: it never completes, like a server
 * that stops sending mid-body. Like a real transport, closing or cancelling it signals nothing to
 * the subscriber.
 */
public final class StallingBody implements ResponseBody {

  private final ArrayDeque<String> chunks;
  private final AtomicBoolean closed = new AtomicBoolean();

  public StallingBody(String... chunks) {
    this.chunks = new ArrayDeque<>(List.of(chunks));
  }

  public boolean isClosed() {
    return closed.get();
  }

  @Override
  public OptionalLong contentLength() {
    return OptionalLong.empty();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
    subscriber.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {
        for (long i = 0; i < n && !closed.get(); i++) {
          String next;
          synchronized (chunks) {
            next = chunks.poll();
          }
          if (next == null) {
            return; // stall
          }
          subscriber.onNext(List.of(ByteBuffer.wrap(next.getBytes(StandardCharsets.UTF_8))));
        }
      }

      @Override
      public void cancel() {
        closed.set(true);
      }
    });
  }

  @Override
  public void close() {
    closed.set(true);
  }
}
