package dev.haul.testkit;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One server connection: records each request, dispatches it and writes the response. */
final class ServerHandler extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(ServerHandler.class);

  private final OriginServer server;
  private final int connectionId;
  private int sequence;
  private volatile ResponseWriter writer; // read by closeIdleConnections on other threads
  private boolean ignoreInput;
  // Headers as they arrived: the aggregator rewrites Transfer-Encoding into Content-Length.
  private final java.util.ArrayDeque<List<Map.Entry<String, String>>> arrivedHeaders = new java.util.ArrayDeque<>();

  ServerHandler(OriginServer server, int connectionId) {
    this.server = server;
    this.connectionId = connectionId;
  }

  /** Records each request's headers before aggregation changes them. */
  ChannelInboundHandlerAdapter headerRecorder() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof io.netty.handler.codec.http.HttpRequest r) {
          List<Map.Entry<String, String>> h = new ArrayList<>();
          r.headers().forEach(e -> h.add(Map.entry(e.getKey(), e.getValue())));
          arrivedHeaders.add(h);
        }
        ctx.fireChannelRead(msg);
      }
    };
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    MockResponse atStart = server.dispatcher().atConnect();
    if (server.overConnectionLimit() || atStart != null && atStart.fault == Fault.CLOSE_AT_START) {
      ctx.close();
      return;
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest req) || ignoreInput) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      if (req.decoderResult().isFailure()) {
        ctx.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer(
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            StandardCharsets.US_ASCII)).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        return;
      }
      List<Map.Entry<String, String>> headers = arrivedHeaders.poll();
      if (headers == null) {
        headers = new ArrayList<>();
        for (Map.Entry<String, String> e : req.headers()) {
          headers.add(Map.entry(e.getKey(), e.getValue()));
        }
      }
      RecordedRequest recorded = new RecordedRequest(req.method().name(), req.uri(), headers,
          ByteBufUtil.getBytes(req.content()), connectionId, sequence++, server.isTls());
      server.record(recorded);
      MockResponse response;
      try {
        response = server.dispatcher().dispatch(recorded);
      } catch (RuntimeException e) {
        LOG.warn("dispatcher failed for {}", recorded, e);
        // The detail is in the log only: an exception's text may hold paths or data not meant for clients.
        response = MockResponse.builder().status(500).body("dispatcher failed").build();
      }
      respond(ctx, response, req.method().equals(HttpMethod.HEAD));
    } finally {
      req.release();
    }
  }

  private void respond(ChannelHandlerContext ctx, MockResponse r, boolean isHead) {
    switch (r.fault) {
      case CLOSE_AT_START, CLOSE_AFTER_REQUEST -> {
        ctx.close();
        return;
      }
      case RESET_AFTER_REQUEST -> {
        ResponseWriter.reset(ctx);
        return;
      }
      case HALF_CLOSE_AFTER_REQUEST -> {
        ignoreInput = true;
        ResponseWriter.halfClose(ctx);
        return;
      }
      case STALL_BEFORE_HEADERS -> {
        ignoreInput = true;
        return;
      }
      default -> { }
    }
    // One response at a time: stop reading further requests until this one is written.
    ctx.channel().config().setAutoRead(false);
    writer = new ResponseWriter(ctx, r, isHead, () -> {
      writer = null;
      ctx.channel().config().setAutoRead(true);
    });
    writer.start();
  }

  /** Whether a response is being written (the connection is not idle). */
  boolean isBusy() {
    return writer != null || ignoreInput;
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (writer != null && ctx.channel().isWritable()) {
      writer.resume();
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (writer != null) {
      writer.abort();
      writer = null;
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("server connection {} failed: {}", connectionId, cause.toString());
    ctx.close();
  }
}
