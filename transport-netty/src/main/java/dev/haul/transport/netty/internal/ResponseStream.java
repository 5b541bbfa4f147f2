package dev.haul.transport.netty.internal;

import dev.haul.HaulException;
import dev.haul.spi.PositionalWriteChannel;
import dev.haul.spi.Subscriptions;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * A response body streaming from one connection with demand-driven backpressure: the socket is
 * read only while the consumer has asked for more and nothing is queued, so what is held in
 * memory is bounded by one socket read. Consumed either by a {@link Flow.Subscriber} (bytes are
 * copied into buffers the subscriber owns) or by {@link #transferTo} (Netty's buffers are written
 * to the file as they are, on file threads). All state is confined to the event loop.
 */
final class ResponseStream {

  private enum Mode { NONE, SUBSCRIBER, FILE, DRAIN }

  /**
   * In file mode, keep reading while a write runs until this much is queued (overlaps disk and
   * network); a {@link PositionalWriteChannel} may ask for less through its read-ahead.
   */
  private static final long FILE_HIGH_WATER = 1 << 20;

  /** A body closed early is read to its end (and its connection reused) if this little is left. */
  private static final long DRAIN_LIMIT = 64 * 1024;

  private final HttpExchange exchange;
  private final ChannelHandlerContext ctx;
  private final long contentLength;
  private final Executor fileExecutor;
  private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
  private Mode mode = Mode.NONE;
  private boolean last;
  private boolean terminated;
  private HaulException error;
  private boolean draining;
  // Subscriber mode.
  private Flow.Subscriber<? super List<ByteBuffer>> subscriber;
  private long demand;
  // File mode.
  private FileChannel file;
  private long position;
  private long written;
  private boolean writeInFlight;
  private CompletableFuture<Long> transfer;
  private long received;

  ResponseStream(HttpExchange exchange, ChannelHandlerContext ctx, long contentLength, Executor fileExecutor) {
    this.exchange = exchange;
    this.ctx = ctx;
    this.contentLength = contentLength;
    this.fileExecutor = fileExecutor;
  }

  long contentLength() {
    return contentLength;
  }

  /** Whether the consumer is waiting for bytes the socket has not delivered yet. */
  boolean wantsData() {
    if (terminated || last || error != null) {
      return false;
    }
    if (mode == Mode.FILE) {
      return queuedBytes() < fileHighWater();
    }
    if (!queue.isEmpty()) {
      return false;
    }
    return switch (mode) {
      case SUBSCRIBER -> demand > 0;
      case FILE -> queuedBytes() < fileHighWater();
      case DRAIN -> true;
      default -> false;
    };
  }

  void onData(ByteBuf data) {
    if (terminated || error != null) {
      data.release();
      return;
    }
    received += data.readableBytes();
    if (mode == Mode.DRAIN) {
      data.release();
      if (received - drainStart > DRAIN_LIMIT) {
        abandonNow();
      }
      return;
    }
    queue.add(data);
    drain();
  }

  private long drainStart;

  void onLast() {
    last = true;
    if (mode == Mode.DRAIN) {
      terminated = true;
      exchange.finish();
      return;
    }
    drain();
  }

  void onError(HaulException e) {
    if (terminated || error != null) {
      return;
    }
    if (mode == Mode.FILE) {
      // What arrived before the failure is the body's: it is written first, then the transfer
      // fails, so its count (and a resume built on it) covers every byte that was received.
      error = e;
      if (!writeInFlight) {
        drainToFile();
      }
      return;
    }
    releaseQueue();
    error = e;
    if (mode == Mode.SUBSCRIBER) {
      terminated = true;
      subscriber.onError(e);
    } else if (mode == Mode.FILE) {
      terminated = true;
      if (!writeInFlight) {
        transfer.completeExceptionally(e);
      }
    } else if (mode == Mode.DRAIN) {
      terminated = true;
    }
    // In NONE mode the error is delivered when someone subscribes.
  }

  void subscribe(Flow.Subscriber<? super List<ByteBuffer>> s) {
    onLoop(() -> {
      if (mode != Mode.NONE || terminated && error == null) {
        Subscriptions.reject(s, new IllegalStateException("response body was already consumed or closed"));
        return;
      }
      mode = Mode.SUBSCRIBER;
      subscriber = s;
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          onLoop(() -> {
            if (terminated) {
              return;
            }
            if (n <= 0) {
              fail(new IllegalArgumentException("non-positive demand: " + n));
              return;
            }
            demand = Subscriptions.addCap(demand, n);
            drain();
          });
        }

        @Override
        public void cancel() {
          onLoop(ResponseStream.this::abandon);
        }
      });
      if (error != null) {
        terminated = true;
        s.onError(error);
      }
    });
  }

  /** The read-ahead of the transfer in progress: ours, or less if its channel asks for less. */
  private long fileHighWater() {
    if (file instanceof PositionalWriteChannel p) {
      long wanted = p.readAhead();
      return wanted >= FILE_HIGH_WATER ? FILE_HIGH_WATER : Math.max(1, wanted);
    }
    return FILE_HIGH_WATER;
  }

  CompletableFuture<Long> transferTo(FileChannel channel, long start) {
    CompletableFuture<Long> f = new CompletableFuture<>();
    onLoop(() -> {
      if (mode != Mode.NONE || terminated && error == null) {
        f.completeExceptionally(new IllegalStateException("response body was already consumed or closed"));
        return;
      }
      if (error != null) {
        terminated = true;
        f.completeExceptionally(error);
        return;
      }
      mode = Mode.FILE;
      file = channel;
      position = start;
      transfer = f;
      drain();
    });
    return f;
  }

  void close() {
    onLoop(this::abandon);
  }

  /**
   * The consumer is done with the body. If it was all received, or little is left to read, the
   * rest is read and dropped so the connection can be reused; otherwise the connection is closed.
   */
  private void abandon() {
    if (terminated || mode == Mode.DRAIN) {
      return;
    }
    boolean smallRest = contentLength >= 0 && contentLength - received <= DRAIN_LIMIT;
    if (mode != Mode.FILE || !writeInFlight) {
      if (last) {
        releaseQueue();
        terminated = true;
        if (mode == Mode.FILE) {
          transfer.completeExceptionally(new IllegalStateException("response body was closed"));
        }
        exchange.finish();
        return;
      }
      if (smallRest && mode != Mode.FILE) {
        releaseQueue();
        mode = Mode.DRAIN;
        drainStart = received;
        exchange.requestRead();
        return;
      }
    }
    abandonNow();
  }

  private void abandonNow() {
    if (terminated) {
      return;
    }
    terminated = true;
    releaseQueue();
    if (mode == Mode.FILE && !writeInFlight) {
      transfer.completeExceptionally(new IllegalStateException("response body was closed"));
    }
    exchange.abandon();
  }

  private void fail(Throwable t) {
    if (terminated) {
      return;
    }
    terminated = true;
    releaseQueue();
    subscriber.onError(t);
    exchange.abandon();
  }

  private void drain() {
    if (draining) {
      return; // a re-entrant request(n) from onNext: the loop below picks it up
    }
    draining = true;
    try {
      if (mode == Mode.SUBSCRIBER) {
        drainToSubscriber();
      } else if (mode == Mode.FILE) {
        drainToFile();
      }
    } finally {
      draining = false;
    }
  }

  private void drainToSubscriber() {
    while (!terminated && demand > 0 && !queue.isEmpty()) {
      demand--;
      List<ByteBuffer> item = List.of(copyQueue());
      subscriber.onNext(item);
    }
    if (terminated) {
      return;
    }
    if (queue.isEmpty() && last) {
      terminated = true;
      exchange.finish();
      subscriber.onComplete();
    } else if (demand > 0 && queue.isEmpty()) {
      exchange.requestRead();
    }
  }

  private ByteBuffer copyQueue() {
    int total = 0;
    for (ByteBuf b : queue) {
      total += b.readableBytes();
    }
    ByteBuffer out = ByteBuffer.allocate(total);
    ByteBuf b;
    while ((b = queue.poll()) != null) {
      int n = b.readableBytes();
      out.limit(out.position() + n);
      b.getBytes(b.readerIndex(), out);
      b.release();
    }
    out.clear();
    out.limit(total);
    return out;
  }

  private void drainToFile() {
    if (terminated) {
      return;
    }
    if (writeInFlight) {
      if (queuedBytes() < fileHighWater() && !last && error == null) {
        exchange.requestRead(); // read on while the disk write runs
      }
      return;
    }
    if (!queue.isEmpty()) {
      ByteBuf[] bufs = queue.toArray(new ByteBuf[0]);
      queue.clear();
      writeInFlight = true;
      long at = position;
      java.util.concurrent.Executor files = fileExecutor;
      Runnable write = () -> {
        long n = 0;
        Throwable failure = null;
        try {
          for (ByteBuf b : bufs) {
            for (ByteBuffer nio : b.nioBuffers()) {
              while (nio.hasRemaining()) {
                n += file.write(nio, at + n);
              }
            }
          }
        } catch (IOException | RuntimeException e) {
          failure = e;
        }
        long wrote = n;
        Throwable err = failure;
        try {
          ctx.executor().execute(() -> afterWrite(bufs, wrote, err));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
          for (ByteBuf b : bufs) { // the transport closed while this write ran: nothing waits
            b.release();
          }
        }
      };
      try {
        files.execute(write);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        // The transport is closing: the body ends here, its buffers released, typed.
        writeInFlight = false;
        for (ByteBuf b : bufs) {
          b.release();
        }
        terminated = true;
        transfer.completeExceptionally(new IllegalStateException("the transport was closed"));
        exchange.abandon();
        return;
      }
      if (!last && error == null) {
        exchange.requestRead();
      }
      return;
    }
    if (last) {
      terminated = true;
      exchange.finish();
      transfer.complete(written);
    } else if (error != null) {
      terminated = true; // everything received is written: now the transfer fails
      transfer.completeExceptionally(error);
    } else {
      exchange.requestRead();
    }
  }

  private void afterWrite(ByteBuf[] bufs, long n, Throwable failure) {
    for (ByteBuf b : bufs) {
      b.release();
    }
    writeInFlight = false;
    position += n;
    written += n;
    if (failure != null) {
      if (!terminated) {
        terminated = true;
        releaseQueue();
        exchange.abandon();
      }
      transfer.completeExceptionally(failure);
      return;
    }
    if (terminated) {
      // Closed or failed while the write ran.
      transfer.completeExceptionally(error != null ? error : new IllegalStateException("response body was closed"));
      return;
    }
    drain();
  }

  private long queuedBytes() {
    long n = 0;
    for (ByteBuf b : queue) {
      n += b.readableBytes();
    }
    return n;
  }

  private void releaseQueue() {
    ByteBuf b;
    while ((b = queue.poll()) != null) {
      b.release();
    }
  }

  private void onLoop(Runnable r) {
    if (ctx.executor().inEventLoop()) {
      r.run();
    } else {
      ctx.executor().execute(r);
    }
  }
}
