package dev.haul;

import dev.haul.spi.Subscriptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes a file in 64 KiB chunks as they are requested, so an upload never holds more than
 * one chunk per unit of demand in memory. The file is opened on subscribe and closed at the end.
 */
final class FileBodyPublisher implements Flow.Publisher<ByteBuffer> {

  private static final int CHUNK = 64 * 1024;

  private final Path path;
  private final long size;

  public FileBodyPublisher(Path path, long size) {
    this.path = path;
    this.size = size;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      subscriber.onError(e);
      return;
    }
    subscriber.onSubscribe(new FileSubscription(channel, subscriber));
  }

  private final class FileSubscription implements Flow.Subscription {
    private final FileChannel channel;
    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    private final AtomicLong demand = new AtomicLong();
    private long position;
    private volatile boolean done;

    FileSubscription(FileChannel channel, Flow.Subscriber<? super ByteBuffer> subscriber) {
      this.channel = channel;
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      if (done) {
        return;
      }
      if (n <= 0) {
        finish(new IllegalArgumentException("non-positive demand: " + n));
        return;
      }
      // Only the caller that raises demand from zero drains; re-entrant calls just add demand.
      if (demand.getAndAccumulate(n, Subscriptions::addCap) > 0) {
        return;
      }
      do {
        if (done) {
          return;
        }
        if (position >= size) {
          finish(null);
          return;
        }
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, size - position));
        try {
          while (buf.hasRemaining()) {
            int r = channel.read(buf, position + buf.position());
            if (r < 0) {
              finish(new IOException("file shrank while it was sent: " + path));
              return;
            }
          }
        } catch (IOException e) {
          finish(e);
          return;
        }
        position += buf.capacity();
        buf.flip();
        subscriber.onNext(buf);
        if (position >= size) {
          finish(null);
          return;
        }
      } while (demand.decrementAndGet() > 0);
    }

    @Override
    public void cancel() {
      done = true;
      closeQuietly();
    }

    private void finish(Throwable error) {
      if (done) {
        return;
      }
      done = true;
      closeQuietly();
      if (error == null) {
        subscriber.onComplete();
      } else {
        subscriber.onError(error);
      }
    }

    private void closeQuietly() {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Nothing useful to do: the file was only read.
      }
    }
  }
}
