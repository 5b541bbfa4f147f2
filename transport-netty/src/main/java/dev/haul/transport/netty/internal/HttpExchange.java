package dev.haul.transport.netty.internal;

import dev.haul.ConnectionClosedException;
import dev.haul.HaulException;
import dev.haul.Headers;
import dev.haul.ProtocolException;
import dev.haul.Protocol;
import dev.haul.ReadIdleTimeoutException;
import dev.haul.Request;
import dev.haul.RequestBody;
import dev.haul.ResponseHeadersTimeoutException;
import dev.haul.SendState;
import dev.haul.Timeouts;
import dev.haul.WriteTimeoutException;
import dev.haul.spi.Exchange;
import dev.haul.spi.RawResponse;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request/response exchange on one connection, confined to the connection's event loop:
 * writes the request, enforces the write, response-headers and read-idle timeouts, turns the
 * decoded head into a {@link RawResponse} and feeds the body to its {@link ResponseStream}.
 */
public final class HttpExchange {

  private final Exchange exchange;
  private final Request request;
  private final PooledConnection conn;
  private final ConnectionHandler handler;
  private final ChannelHandlerContext ctx;
  private final boolean reused;
  private final TransportContext context;
  private final Throwable openedAt;
  private CompletableFuture<RawResponse> result;
  private RequestBodyWriter writer;
  private ResponseStream body;
  private boolean headWritten;
  private boolean requestWritten;
  private boolean headReceived;
  private boolean interim;
  private boolean anyResponseByte;
  private boolean done;
  private boolean readPending;
  private boolean transparentDecoding;
  private long lastWriteProgress;
  private long lastActivity;
  private long requestWrittenAt;
  // One timer per exchange checks whichever timeout applies to the current phase.
  private ScheduledFuture<?> timer;
  private long timerDue;

  HttpExchange(Exchange exchange, PooledConnection conn, boolean reused, TransportContext context,
      CompletableFuture<RawResponse> result, Throwable openedAt) {
    this.exchange = exchange;
    this.request = exchange.request();
    this.conn = conn;
    this.handler = conn.handler;
    this.ctx = conn.handler.ctx;
    this.reused = reused;
    this.context = context;
    this.result = result;
    this.openedAt = openedAt;
  }

  /** Whether the connection came from the pool rather than a fresh connect. */
  boolean isReused() {
    return reused;
  }

  /** Whether the peer sent any byte of a response on this exchange. */
  boolean sawResponseBytes() {
    return anyResponseByte;
  }

  URI uri() {
    return request.uri();
  }

  Request request() {
    return request;
  }

  /** Called on the event loop when the pool handed over a connection that is already dead. */
  void failBeforeStart() {
    done = true;
    CompletableFuture<RawResponse> r = result;
    result = null;
    handler.end(this, false);
    r.completeExceptionally(new ConnectionClosedException("pooled connection was closed before use",
        request.uri(), SendState.NOT_SENT, null));
  }

  void start() {
    boolean head = request.method().equals("HEAD");
    transparentDecoding = handler.limits.decompress()
        && !request.headers().contains("Accept-Encoding")
        && !request.headers().contains("Range");
    handler.validator.expectHead();
    handler.decoder.headRequest(head);
    handler.limits.reset(transparentDecoding);
    RequestBody requestBody = request.body().orElse(null);
    HttpRequest head1 = nettyRequest(requestBody);
    lastWriteProgress = System.nanoTime();
    armTimer(lastWriteProgress + timeout(Timeouts.Kind.WRITE).toNanos());
    ctx.writeAndFlush(head1).addListener(f -> {
      if (!f.isSuccess()) {
        onFailure(f.cause());
        return;
      }
      headWritten = true;
      onWriteProgress();
      if (requestBody == null) {
        onRequestWritten();
      }
    });
    if (requestBody != null) {
      writer = new RequestBodyWriter(this, ctx, requestBody.contentLength());
      try {
        requestBody.publisher().subscribe(writer);
      } catch (RuntimeException e) {
        onRequestBodyFailed("request body cannot be sent: " + e.getMessage());
        return;
      }
    }
    requestRead();
  }

  private HttpRequest nettyRequest(RequestBody requestBody) {
    URI uri = request.uri();
    String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      target += "?" + uri.getRawQuery();
    }
    HttpMethod method = HttpMethod.valueOf(request.method());
    HttpRequest r = requestBody == null
        ? new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, target, Unpooled.EMPTY_BUFFER)
        : new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, target);
    HttpHeaders h = r.headers();
    dev.haul.Headers headers = request.headers();
    for (int i = 0; i < headers.size(); i++) {
      h.add(headers.name(i), headers.value(i));
    }
    if (!h.contains("Host")) {
      h.set("Host", request.origin().hostHeader());
    }
    if (transparentDecoding) {
      h.set("Accept-Encoding", "gzip, deflate");
    }
    h.remove("Transfer-Encoding");
    if (requestBody != null) {
      requestBody.contentType().ifPresent(ct -> {
        if (!h.contains("Content-Type")) {
          h.set("Content-Type", ct);
        }
      });
      if (requestBody.contentLength() >= 0) {
        h.set("Content-Length", Long.toString(requestBody.contentLength()));
      } else {
        h.remove("Content-Length");
        h.set("Transfer-Encoding", "chunked");
      }
    } else if (method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT)) {
      h.set("Content-Length", "0");
    }
    return r;
  }

  private Duration timeout(Timeouts.Kind kind) {
    return exchange.timeouts().get(kind);
  }

  void onWriteProgress() {
    lastWriteProgress = System.nanoTime();
  }

  void onWritable() {
    if (writer != null) {
      writer.requestMore();
    }
  }

  void onRequestWritten() {
    if (done) {
      return;
    }
    requestWritten = true;
    requestWrittenAt = System.nanoTime();
    exchange.listener().requestSent(request, writer == null ? 0 : writer.written());
    if (!headReceived) {
      armTimer(requestWrittenAt + timeout(Timeouts.Kind.RESPONSE_HEADERS).toNanos());
    }
  }

  void onRequestBodyFailed(String message) {
    fail(new HaulException(message, request.uri(), headWritten ? SendState.SENT_NO_RESPONSE : SendState.NOT_SENT, null));
  }

  /** Makes sure the timer fires no later than {@code due}. */
  private void armTimer(long due) {
    if (timer != null && timerDue - due <= 0) {
      return;
    }
    if (timer != null) {
      timer.cancel(false);
    }
    timerDue = due;
    timer = ctx.executor().schedule(this::onTimer, Math.max(1, due - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void onTimer() {
    timer = null;
    if (done) {
      return;
    }
    long now = System.nanoTime();
    long next = Long.MAX_VALUE;
    if (!requestWritten) {
      Duration d = timeout(Timeouts.Kind.WRITE);
      long idle = now - lastWriteProgress;
      if (idle >= d.toNanos()) {
        fail(new WriteTimeoutException(request.uri(), headWritten ? SendState.SENT_NO_RESPONSE : SendState.NOT_SENT, d, null));
        return;
      }
      next = Math.min(next, d.toNanos() - idle);
    }
    if (!headReceived) {
      if (requestWritten) {
        Duration d = timeout(Timeouts.Kind.RESPONSE_HEADERS);
        long waited = now - requestWrittenAt;
        if (waited >= d.toNanos()) {
          fail(new ResponseHeadersTimeoutException(request.uri(), sendState(), d, null));
          return;
        }
        next = Math.min(next, d.toNanos() - waited);
      }
    } else {
      Duration d = timeout(Timeouts.Kind.READ_IDLE);
      long idle = now - lastActivity;
      if (readPending && idle >= d.toNanos()) {
        fail(new ReadIdleTimeoutException(request.uri(), SendState.RESPONSE_STARTED, d, null));
        return;
      }
      next = Math.min(next, readPending ? d.toNanos() - idle : d.toNanos());
    }
    armTimer(now + next);
  }

  /** Asks the socket for more bytes, unless a read is already pending. */
  void requestRead() {
    if (done || readPending) {
      return;
    }
    readPending = true;
    lastActivity = System.nanoTime();
    ctx.read();
  }

  void onBytes() {
    anyResponseByte = true;
    lastActivity = System.nanoTime();
  }

  void onReadComplete() {
    readPending = false;
    if (done) {
      return;
    }
    if (!headReceived || interim || body != null && body.wantsData()) {
      requestRead();
    }
  }

  void onMessage(Object msg) {
    if (done) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      if (msg instanceof HttpResponse r) {
        onHead(r);
      }
      if (msg instanceof HttpContent c && !done) {
        onContent(c);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onHead(HttpResponse r) {
    if (r.decoderResult().isFailure()) {
      fail(Failures.map(r.decoderResult().cause(), request.uri(), SendState.RESPONSE_STARTED, null, null));
      return;
    }
    int code = r.status().code();
    if (code >= 100 && code < 200) {
      if (code == 101) {
        fail(new ProtocolException("unexpected 101 Switching Protocols", request.uri(), SendState.RESPONSE_STARTED, null));
        return;
      }
      interim = true; // an interim response; its (empty) last content follows, then the real head
      return;
    }
    Headers headers;
    try {
      headers = toHeaders(r.headers());
      checkTransferEncoding(headers);
    } catch (IllegalArgumentException e) {
      fail(new ProtocolException("malformed response headers: " + e.getMessage(), request.uri(), SendState.RESPONSE_STARTED, null));
      return;
    }
    headReceived = true;
    if (!requestWritten && writer != null) {
      // The server answered before the upload ended (413, an early 200...): stop sending, close
      // what the body reads from, and never reuse the connection (its request is cut short).
      writer.cancel();
      conn.doNotReuse("request-body-not-sent");
      requestWritten = true; // no write timeout applies any more
    }
    if (!HttpUtil.isKeepAlive(r)) {
      conn.doNotReuse("connection-close");
    }
    keepAlive(headers.get("Keep-Alive"));
    boolean noBody = request.method().equals("HEAD") || code == 204 || code == 304;
    long length = noBody ? 0 : headers.firstLong("Content-Length").orElse(-1);
    body = new ResponseStream(this, ctx, length, context.fileExecutor());
    NettyResponseBody facade = new NettyResponseBody(body, context, openedAt, request);
    Protocol protocol = r.protocolVersion().minorVersion() == 0 ? Protocol.HTTP_1_0 : Protocol.HTTP_1_1;
    RawResponse raw = RawResponse.builder()
        .request(request)
        .status(code)
        .headers(headers)
        .protocol(protocol)
        .body(facade)
        .build();
    armTimer(System.nanoTime() + timeout(Timeouts.Kind.READ_IDLE).toNanos());
    CompletableFuture<RawResponse> f = result;
    result = null; // the response must not stay reachable from the connection (leak detection)
    if (!f.complete(raw)) {
      facade.close();
    }
  }

  private void onContent(HttpContent c) {
    if (interim) {
      if (c instanceof LastHttpContent) {
        interim = false;
      }
      return;
    }
    if (c.decoderResult().isFailure()) {
      fail(Failures.map(c.decoderResult().cause(), request.uri(), SendState.RESPONSE_STARTED, null, null));
      return;
    }
    if (body == null) {
      return;
    }
    if (c.content().isReadable()) {
      body.onData(c.content().retain());
    }
    if (c instanceof LastHttpContent) {
      if (handler.decoder.leftover() > 0) {
        conn.doNotReuse("extra-bytes"); // bytes beyond the response (B13)
      }
      body.onLast();
    }
  }

  private static Headers toHeaders(HttpHeaders h) {
    Headers.Builder b = Headers.builder();
    for (Map.Entry<String, String> e : h) {
      b.add(e.getKey(), e.getValue());
    }
    return b.build();
  }

  /** Only a single, final {@code chunked} coding is accepted (B10). */
  private static void checkTransferEncoding(Headers headers) {
    int chunked = 0;
    for (String v : headers.all("Transfer-Encoding")) {
      for (String coding : v.split(",")) {
        String c = coding.trim();
        if (c.isEmpty()) {
          continue;
        }
        if (!c.equalsIgnoreCase("chunked")) {
          throw new IllegalArgumentException("unsupported transfer coding '" + c + "'");
        }
        chunked++;
      }
    }
    if (chunked > 1) {
      throw new IllegalArgumentException("chunked transfer coding applied more than once");
    }
  }

  private void keepAlive(String value) {
    if (value == null) {
      return;
    }
    for (String part : value.split(",")) {
      String p = part.trim();
      if (p.regionMatches(true, 0, "timeout=", 0, 8)) {
        try {
          long seconds = Long.parseLong(p.substring(8).trim());
          // Stay a second below the server's limit so it never closes a connection we hand out.
          long nanos = TimeUnit.SECONDS.toNanos(seconds) - TimeUnit.SECONDS.toNanos(1);
          conn.keepAliveNanos = Math.max(0, nanos);
          if (nanos <= 0) {
            conn.doNotReuse("keep-alive-timeout");
          }
        } catch (NumberFormatException ignored) {
          // A malformed hint is ignored; our own idle timeout applies.
        }
      }
    }
  }

  /** The body was read to its end: the connection goes back to the pool if it may. */
  void finish() {
    if (done) {
      return;
    }
    done = true;
    cancelTimers();
    handler.end(this, conn.reusable && requestWritten && handler.decoder.leftover() == 0);
  }

  /** The body was abandoned before its end: the connection is closed, never reused. */
  void abandon() {
    if (done) {
      return;
    }
    conn.doNotReuse("body-not-consumed");
    done = true;
    cancelTimers();
    if (writer != null) {
      writer.cancel();
    }
    handler.end(this, false);
  }

  void onClosed() {
    if (done) {
      return;
    }
    SendState state = sendState();
    String what = headReceived ? "connection closed before the response body was complete"
        : "connection closed before the response headers";
    // On a reused connection after our request went out: see markIfReused.
    fail(new ConnectionClosedException(what, request.uri(), state, null,
        reused && state == SendState.SENT_NO_RESPONSE));
  }

  void onFailure(Throwable cause) {
    if (done) {
      return;
    }
    // A reset after our request went out stays SENT_NO_RESPONSE: the server may have read and
    // acted on the request before resetting; only the retry policy may decide to send it again.
    fail(markIfReused(Failures.map(cause, request.uri(), sendState(), null, null)));
  }

  /** Cancels the exchange because the caller cancelled the call. */
  void cancelByCaller() {
    if (!done) {
      fail(new ConnectionClosedException("exchange cancelled", request.uri(), sendState(), null));
    }
  }

  private SendState sendState() {
    if (headReceived || anyResponseByte) {
      return SendState.RESPONSE_STARTED;
    }
    return headWritten ? SendState.SENT_NO_RESPONSE : SendState.NOT_SENT;
  }

  /**
   * The peer closed or reset the connection. On a reused connection before any response byte,
   * most likely the server closed it while it sat idle in the pool (F5): say so, so that the
   * retry policy can repeat a repeatable request at once.
   */
  private HaulException markIfReused(HaulException e) {
    if (reused && e instanceof ConnectionClosedException c && !c.onReusedConnection()
        && c.sendState() == SendState.SENT_NO_RESPONSE) {
      return new ConnectionClosedException(stripUri(c), request.uri(), c.sendState(), c.getCause(), true);
    }
    return e;
  }

  private void fail(HaulException e) {
    if (done) {
      return;
    }
    conn.doNotReuse("error");
    done = true;
    cancelTimers();
    if (writer != null) {
      writer.cancel();
    }
    CompletableFuture<RawResponse> f = result;
    result = null;
    if (f != null) {
      f.completeExceptionally(e);
    }
    if (body != null) {
      body.onError(e);
    }
    handler.end(this, false);
  }

  /** The detail of {@code e}, without the URI that HaulException appends. */
  private String stripUri(HaulException e) {
    String m = e.getMessage();
    int at = m.lastIndexOf(" [");
    return at > 0 ? m.substring(0, at) : m;
  }

  private void cancelTimers() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
