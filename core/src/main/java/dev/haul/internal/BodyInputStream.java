package dev.haul.internal;

import dev.haul.HaulException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;

/**
 * A blocking {@link InputStream} over a body subscription. It asks for one buffer list at a time
 * and at most one more while the reader works on the current one, so the memory it holds is two
 * reads' worth whatever the speed of the reader. Closing it cancels the subscription.
 */
public final class BodyInputStream extends InputStream implements Flow.Subscriber<List<ByteBuffer>> {

  private static final Object COMPLETE = new Object();

  // One list in flight, one being prefetched, one terminal signal.
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(3);
  private volatile Flow.Subscription subscription;
  private Iterator<ByteBuffer> current;
  private ByteBuffer buffer;
  private boolean finished;
  private volatile boolean closed;

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
    if (!queue.offer(t)) {
      queue.clear();
      queue.offer(t);
    }
  }

  @Override
  public void onComplete() {
    queue.offer(COMPLETE);
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
        item = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new InterruptedIOException("interrupted while waiting for the response body");
      }
      if (item == COMPLETE) {
        finished = true;
        return false;
      }
      if (item instanceof Throwable t) {
        finished = true;
        throw t instanceof HaulException h ? new IOException(h.getMessage(), h)
            : new IOException("response body failed: " + t.getMessage(), t);
      }
      @SuppressWarnings("unchecked")
      List<ByteBuffer> list = (List<ByteBuffer>) item;
      current = list.iterator();
      subscription.request(1);
    }
    return true;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Flow.Subscription s = subscription;
    if (s != null && !finished) {
      s.cancel();
    }
    queue.clear();
  }
}
