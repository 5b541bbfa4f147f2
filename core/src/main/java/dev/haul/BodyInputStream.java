package dev.haul;

import dev.haul.spi.Cleaners;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.ref.Cleaner;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A blocking {@link InputStream} over a body subscription. It asks for one buffer list at a time
 * and at most one more while the reader works on the current one, so the memory it holds is two
 * reads' worth whatever the speed of the reader. Closing it cancels the subscription.
 *
 * <p>The subscriber handed to the body ({@link #subscriber()}) does not refer back to the stream,
 * so a stream dropped without {@code close()} becomes unreachable: it is then reported and its
 * subscription cancelled, which releases the connection.
 */
final class BodyInputStream extends InputStream {

  private static final Logger LOG = LoggerFactory.getLogger(BodyInputStream.class);
  private static final Object COMPLETE = new Object();

  private final Feed feed;
  private final Cleaner.Cleanable cleanable;
  private Iterator<ByteBuffer> current;
  private ByteBuffer buffer;
  private boolean finished;
  private boolean closed;

  public BodyInputStream(URI uri) {
    this(uri, null);
  }

  /**
   * @param openedAt where the caller asked for the stream (see {@link #openingStack()}), shown
   *     when the stream is reported as dropped; may be null
   */
  public BodyInputStream(URI uri, Throwable openedAt) {
    this.feed = new Feed();
    this.cleanable = Cleaners.watch(this, new Abandoned(feed, uri, openedAt));
  }

  /**
   * The caller's stack, to name in a report of a stream dropped without close(); null when such a
   * report would not be logged anyway, so nothing is captured for nothing.
   */
  public static Throwable openingStack() {
    return LOG.isWarnEnabled() ? new Throwable("the InputStream over the response body was requested here") : null;
  }

  /** What to subscribe to the body. */
  public Flow.Subscriber<List<ByteBuffer>> subscriber() {
    return feed;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!nextBuffer()) {
      return -1;
    }
    int n = Math.min(len, buffer.remaining());
    buffer.get(b, off, n);
    return n;
  }

  @Override
  public int available() {
    return buffer == null ? 0 : buffer.remaining();
  }

  private boolean nextBuffer() throws IOException {
    if (closed) {
      throw new IOException("stream is closed");
    }
    while (buffer == null || !buffer.hasRemaining()) {
      if (current != null && current.hasNext()) {
        buffer = current.next();
        continue;
      }
      if (finished) {
        return false;
      }
      Object item;
      try {
        item = feed.queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new InterruptedIOException("interrupted while waiting for the response body");
      }
      if (item == COMPLETE) {
        finished = true;
        feed.done = true;
        return false;
      }
      if (item instanceof Throwable t) {
        finished = true;
        feed.done = true;
        throw t instanceof HaulException h ? new IOException(h.getMessage(), h)
            : new IOException("response body failed: " + t.getMessage(), t);
      }
      @SuppressWarnings("unchecked")
      List<ByteBuffer> list = (List<ByteBuffer>) item;
      current = list.iterator();
      feed.subscription.request(1);
    }
    return true;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    feed.close(!finished);
    cleanable.clean();
  }

  /** The subscriber side: a bounded queue between the body and the reading thread. */
  private static final class Feed implements Flow.Subscriber<List<ByteBuffer>> {
    // One list in flight, one being prefetched, one terminal signal.
    final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(3);
    volatile Flow.Subscription subscription;
    volatile boolean closed;
    volatile boolean done;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      this.subscription = s;
      if (closed) {
        s.cancel();
      } else {
        s.request(1);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      if (!queue.offer(item)) {
        subscription.cancel();
        queue.clear();
        queue.offer(new IllegalStateException("publisher ignored demand"));
      }
    }

    @Override
    public void onError(Throwable t) {
      done = true;
      if (!queue.offer(t)) {
        queue.clear();
        queue.offer(t);
      }
    }

    @Override
    public void onComplete() {
      done = true;
      queue.offer(COMPLETE);
    }

    void close(boolean cancel) {
      if (closed) {
        return;
      }
      closed = true;
      Flow.Subscription s = subscription;
      if (s != null && cancel) {
        s.cancel();
      }
      queue.clear();
    }
  }

  /** Runs when a stream was dropped: reports it unless it was read to the end, and cancels. */
  private record Abandoned(Feed feed, URI uri, Throwable openedAt) implements Runnable {
    @Override
    public void run() {
      if (feed.closed) {
        return;
      }
      if (!feed.done) {
        // SLF4J prints a trailing Throwable argument with its stack: where the stream was asked for.
        LOG.warn("an InputStream over the response body of {} was dropped without close(); "
            + "its connection is released now", Redaction.uri(uri), openedAt);
      }
      feed.close(!feed.done);
    }
  }
}
