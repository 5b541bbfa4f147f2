package dev.haul.transport.netty.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a connection's pipeline: routes events to the exchange in progress. A
 * connection carries one exchange at a time; anything that arrives while it is idle (bytes after
 * a complete response, an unsolicited response) makes it unusable and closes it.
 */
public final class ConnectionHandler extends ChannelDuplexHandler {

  final ResponseHeadValidator validator;
  final StrictResponseDecoder decoder;
  final DecodeLimits limits;
  private final ConnectionPool pool;
  PooledConnection connection;
  ChannelHandlerContext ctx;
  private HttpExchange exchange;

  ConnectionHandler(ResponseHeadValidator validator, StrictResponseDecoder decoder, DecodeLimits limits,
      ConnectionPool pool) {
    this.validator = validator;
    this.decoder = decoder;
    this.limits = limits;
    this.pool = pool;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** Raw bytes arrived (called by the head validator, first in the pipeline after TLS). */
  void onBytes() {
    HttpExchange ex = exchange;
    if (ex != null) {
      ex.onBytes();
    } else {
      // Bytes on an idle connection answer no request of ours: taken as the next response they
      // would desynchronise the connection. It is closed before anyone can borrow it.
      connection.doNotReuse("unexpected-data");
      ctx.close();
    }
  }

  /** Starts {@code ex} on this connection; runs on the event loop. */
  void begin(HttpExchange ex) {
    if (!ctx.channel().isActive() || !connection.reusable) {
      ex.failBeforeStart();
      return;
    }
    exchange = ex;
    connection.requests++;
    ex.start();
  }

  /** The exchange is over; the connection goes back to the pool or is closed. */
  void end(HttpExchange ex, boolean reusable) {
    if (exchange == ex) {
      exchange = null;
    }
    if (!reusable) {
      connection.doNotReuse("not-reusable");
      ctx.close();
    } else {
      watchIdle();
    }
    pool.release(connection, reusable);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    HttpExchange ex = exchange;
    if (ex == null) {
      ReferenceCountUtil.release(msg);
      connection.doNotReuse("unexpected-data");
      ctx.close();
      return;
    }
    ex.onMessage(msg);
  }

  /**
   * Keeps a read pending while the connection is idle, so that a stray byte or the server's FIN
   * is seen at once (autoRead is off; on NIO {@code isActive()} alone never notices a FIN) and
   * the connection leaves the pool instead of handing those bytes to the next exchange.
   */
  void watchIdle() {
    if (ctx.channel().isActive()) {
      ctx.read();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    HttpExchange ex = exchange;
    if (ex != null) {
      ex.onReadComplete();
    } else if (connection.reusable) {
      watchIdle(); // a read that produced nothing for us (a TLS session ticket): keep watching
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    HttpExchange ex = exchange;
    if (ex != null && ctx.channel().isWritable()) {
      ex.onWritable();
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    connection.doNotReuse("remote-closed");
    HttpExchange ex = exchange;
    if (ex != null) {
      ex.onClosed();
    }
    pool.onClosed(connection);
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    connection.doNotReuse("error");
    HttpExchange ex = exchange;
    if (ex != null) {
      ex.onFailure(cause);
    } else {
      ctx.close();
    }
  }
}
