package dev.haul.transport.netty.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * Streams a request body from its publisher to the channel, asking for one buffer at a time and
 * only while the channel is writable, so an upload never buffers more than the socket allows.
 * Every signal is handled on the channel's event loop.
 */
final class RequestBodyWriter implements Flow.Subscriber<ByteBuffer> {

  private final HttpExchange exchange;
  private final ChannelHandlerContext ctx;
  private final long declaredLength;
  private Flow.Subscription subscription;
  private long written;
  private boolean awaitingItem;
  private boolean done;

  RequestBodyWriter(HttpExchange exchange, ChannelHandlerContext ctx, long declaredLength) {
    this.exchange = exchange;
    this.ctx = ctx;
    this.declaredLength = declaredLength;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    ctx.executor().execute(() -> {
      subscription = s;
      if (done) {
        s.cancel();
      } else {
        requestMore();
      }
    });
  }

  /** Asks for the next buffer when the channel can take it. */
  void requestMore() {
    if (done || subscription == null || awaitingItem || !ctx.channel().isWritable()) {
      return;
    }
    awaitingItem = true;
    subscription.request(1);
  }

  @Override
  public void onNext(ByteBuffer item) {
    ctx.executor().execute(() -> {
      if (done) {
        return;
      }
      awaitingItem = false;
      int n = item.remaining();
      written += n;
      if (declaredLength >= 0 && written > declaredLength) {
        fail("request body is longer than its declared length " + declaredLength);
        return;
      }
      ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(item))).addListener(f -> {
        if (f.isSuccess()) {
          exchange.onWriteProgress();
          requestMore();
        } else {
          exchange.onFailure(f.cause());
        }
      });
    });
  }

  @Override
  public void onError(Throwable t) {
    ctx.executor().execute(() -> fail("request body publisher failed: " + t));
  }

  @Override
  public void onComplete() {
    ctx.executor().execute(() -> {
      if (done) {
        return;
      }
      done = true;
      if (declaredLength >= 0 && written != declaredLength) {
        exchange.onRequestBodyFailed("request body ended after " + written + " of its declared "
            + declaredLength + " bytes");
        return;
      }
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> {
        if (f.isSuccess()) {
          exchange.onRequestWritten();
        } else {
          exchange.onFailure(f.cause());
        }
      });
    });
  }

  /** The body bytes handed to the connection so far (all of them once the last is flushed). */
  long written() {
    return written;
  }

  /** Stops pulling from the publisher (the exchange ended). */
  void cancel() {
    if (!done) {
      done = true;
      if (subscription != null) {
        subscription.cancel();
      }
    }
  }

  private void fail(String message) {
    if (!done) {
      cancel();
      exchange.onRequestBodyFailed(message);
    }
  }
}
