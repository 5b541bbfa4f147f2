package dev.haul.transport.netty.internal;

import dev.haul.Request;
import dev.haul.ResponseBody;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The response body handed to callers: a thin facade over the connection's {@link ResponseStream}.
 * Nothing on the connection refers back to it, so when a caller drops it without consuming or
 * closing it, the garbage collector notices; the leak is reported with the stack of the call and
 * the connection is closed and released.
 */
final class NettyResponseBody implements ResponseBody {

  private final ResponseStream stream;
  private final AtomicBoolean claimed = new AtomicBoolean();
  private final Cleaner.Cleanable cleanable;

  NettyResponseBody(ResponseStream stream, TransportContext context, Throwable openedAt, Request request) {
    this.stream = stream;
    this.cleanable = context.leakDetection() && openedAt != null
        ? context.watch(this, new LeakCheck(claimed, stream, context, openedAt, request))
        : null;
  }

  @Override
  public OptionalLong contentLength() {
    long n = stream.contentLength();
    return n < 0 ? OptionalLong.empty() : OptionalLong.of(n);
  }

  @Override
  public void subscribe(Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
    claim();
    stream.subscribe(subscriber);
  }

  /** Writes straight from Netty's buffers to the file, on the transport's file threads. */
  @Override
  public CompletableFuture<Long> transferTo(FileChannel channel, long position) {
    claim();
    return stream.transferTo(channel, position);
  }

  @Override
  public void close() {
    claim();
    stream.close();
  }

  private void claim() {
    if (claimed.compareAndSet(false, true) && cleanable != null) {
      cleanable.clean();
    }
  }

  /** Runs when the facade is unreachable; holds no reference to it. */
  private record LeakCheck(AtomicBoolean claimed, ResponseStream stream, TransportContext context,
      Throwable openedAt, Request request) implements Runnable {
    @Override
    public void run() {
      if (!claimed.get()) {
        context.reportLeak(request, openedAt);
        stream.close();
      }
    }
  }
}
