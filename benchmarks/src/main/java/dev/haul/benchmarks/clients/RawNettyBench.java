package dev.haul.benchmarks.clients;

import dev.haul.benchmarks.BenchClient;
import dev.haul.benchmarks.LoadModel;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reference: the smallest correct keep-alive HTTP/1.1 client on Netty, the same Netty as Haul's
 * transport (epoll when available, else NIO; one event loop per processor), with no features. One
 * pipeline per connection ({@link HttpClientCodec} and one handler; no aggregator: the body is
 * streamed into a byte array or, for downloads, into the file with positional writes on the event
 * loop), and a tiny pool: per origin, a LIFO of idle connections, a new connection when none is
 * idle. The codec frames the body (Content-Length, chunked, close-delimited, HEAD); the handler
 * checks that a Content-Length body arrived whole, keeps a connection only when the response
 * allows it ({@code Connection: close} and close-delimited bodies close it) and retries a request
 * once on a new connection when a reused one was closed before any of the response came (a
 * request is a GET or HEAD, so it is idempotent). It is what the other clients are measured
 * against: the practical limit for a Netty-based client in each load model.
 */
public final class RawNettyBench implements BenchClient, ManualRanges.Fetcher {

  private final Map<String, Deque<Conn>> idle = new ConcurrentHashMap<>();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private EventLoopGroup group;
  private Bootstrap bootstrap;
  private boolean epoll;

  @Override
  public String name() {
    return "raw-netty";
  }

  @Override
  public void start(int concurrency) {
    epoll = Epoll.isAvailable();
    group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
        new DefaultThreadFactory("raw-netty", true), epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    bootstrap = new Bootstrap().group(group).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpClientCodec(), new Conn(ch));
          }
        });
  }

  @Override
  public Optional<String> unsupported(LoadModel model) {
    return Optional.empty(); // blocking is a get() on the in-flight request's future
  }

  /** The I/O transport in use: {@code epoll} or {@code nio}. */
  public String io() {
    return epoll ? "epoll" : "nio";
  }

  /** Requests retried on a new connection so far (a reused one closed before answering). */
  public long retries() {
    return retries.get();
  }

  /** Connections opened so far (each reused one counts once). */
  public long connectionsOpened() {
    return connections.get();
  }

  @Override
  public long get(URI uri) throws Exception {
    return await(getAsync(uri));
  }

  @Override
  public CompletableFuture<Long> getAsync(URI uri) {
    Exchange e = new ToBytes(uri);
    send(e);
    return e;
  }

  /** GETs {@code uri} and returns its body (what {@link #get} reads and counts). */
  public byte[] getBody(URI uri) throws Exception {
    ToBytes e = new ToBytes(uri);
    send(e);
    await(e);
    return e.bytes();
  }

  @Override
  public long download(URI uri, Path file) throws Exception {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ToFile e = new ToFile(uri, ch, 0, -1);
      send(e);
      return await(e);
    }
  }

  @Override
  public long download(URI uri, Path file, int segments) throws Exception {
    return segments == 1 ? download(uri, file) : ManualRanges.download(this, uri, file, segments);
  }

  @Override
  public long length(URI uri) throws Exception {
    Exchange e = new Exchange(uri, HttpMethod.HEAD, null) {
      private String length;

      @Override
      void onHeaders(HttpResponse r) throws IOException {
        super.onHeaders(r);
        length = r.headers().get(HttpHeaderNames.CONTENT_LENGTH);
      }

      @Override
      long result() throws IOException {
        return ManualRanges.contentLength(length);
      }
    };
    send(e);
    return await(e);
  }

  @Override
  public long fetch(URI uri, long first, long last, FileChannel file) throws Exception {
    ToFile e = new ToFile(uri, file, first, last);
    send(e);
    return ManualRanges.checkCount(await(e), last - first + 1);
  }

  private static long await(CompletableFuture<Long> f) throws Exception {
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  private static String key(URI uri) {
    if (!"http".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("raw-netty speaks http only: " + uri);
    }
    return uri.getHost() + ":" + (uri.getPort() < 0 ? 80 : uri.getPort());
  }

  /** Sends on an idle connection of the origin, or on a new one. */
  private void send(Exchange e) {
    String key;
    try {
      key = key(e.uri);
    } catch (IllegalArgumentException x) {
      e.completeExceptionally(x);
      return;
    }
    Deque<Conn> pool = idle.get(key);
    if (pool != null) {
      Conn c;
      while ((c = pool.pollLast()) != null) {
        if (c.channel.isActive()) {
          e.reused = true;
          c.write(e);
          return;
        }
      }
    }
    connect(key, e);
  }

  private void connect(String key, Exchange e) {
    e.reused = false;
    connections.incrementAndGet();
    int port = e.uri.getPort() < 0 ? 80 : e.uri.getPort();
    bootstrap.connect(e.uri.getHost(), port).addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        e.completeExceptionally(f.cause());
        return;
      }
      Conn c = f.channel().pipeline().get(Conn.class);
      c.key = key;
      c.write(e);
    });
  }

  private void release(Conn c) {
    idle.computeIfAbsent(c.key, k -> new ConcurrentLinkedDeque<>()).offerLast(c);
  }

  /** One connection's handler: at most one exchange at a time (no pipelining). */
  private final class Conn extends ChannelInboundHandlerAdapter implements ChannelFutureListener {
    final Channel channel;
    String key;
    /** Written by the caller before the write (published by the event loop's task queue), then by the event loop only. */
    private Exchange current;
    private boolean keepAlive;
    private boolean interim;

    Conn(Channel channel) {
      this.channel = channel;
    }

    void write(Exchange e) {
      current = e;
      String target = e.uri.getRawPath().isEmpty() ? "/" : e.uri.getRawPath();
      if (e.uri.getRawQuery() != null) {
        target += "?" + e.uri.getRawQuery();
      }
      FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, e.method, target, Unpooled.EMPTY_BUFFER);
      req.headers().set(HttpHeaderNames.HOST, e.uri.getPort() < 0 ? e.uri.getHost() : e.uri.getHost() + ":" + e.uri.getPort());
      if (e.range != null) {
        req.headers().set(HttpHeaderNames.RANGE, e.range);
      }
      channel.writeAndFlush(req).addListener(this);
    }

    /** The write's outcome: a failed write fails (or retries) the exchange. */
    @Override
    public void operationComplete(ChannelFuture f) {
      if (!f.isSuccess()) {
        fail(f.cause());
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        Exchange e = current;
        if (e == null) {
          throw new IOException("a response nobody asked for");
        }
        if (((HttpObject) msg).decoderResult().isFailure()) {
          throw new IOException("malformed response", ((HttpObject) msg).decoderResult().cause());
        }
        if (msg instanceof HttpResponse r) {
          if (r.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            interim = true; // 100 Continue, 103 Early Hints: the final response follows
            return;
          }
          e.responded = true;
          boolean framed = e.method == HttpMethod.HEAD || HttpUtil.isContentLengthSet(r)
              || HttpUtil.isTransferEncodingChunked(r) || r.status().code() == 204 || r.status().code() == 304;
          keepAlive = framed && HttpUtil.isKeepAlive(r);
          e.expected = e.method == HttpMethod.HEAD ? -1 : HttpUtil.getContentLength(r, -1L);
          e.onHeaders(r);
        }
        if (msg instanceof HttpContent c) {
          if (interim) {
            interim = !(msg instanceof LastHttpContent);
            return;
          }
          ByteBuf b = c.content();
          if (b.isReadable()) {
            e.received += b.readableBytes();
            e.onContent(b);
          }
          if (msg instanceof LastHttpContent) {
            if (e.expected >= 0 && e.received != e.expected) {
              throw new IOException("body of " + e.received + " bytes, Content-Length " + e.expected);
            }
            long n = e.result();
            current = null;
            if (keepAlive) {
              release(this);
            } else {
              channel.close();
            }
            e.complete(n);
          }
        }
      } catch (Exception x) {
        fail(x);
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      Deque<Conn> pool = key == null ? null : idle.get(key);
      if (pool != null) {
        pool.remove(this);
      }
      if (current != null) {
        fail(new IOException("connection closed before the response ended"));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(cause);
    }

    /** Closes the connection; retries once on a new one if a reused connection had sent nothing back. */
    private void fail(Throwable cause) {
      Exchange e = current;
      current = null;
      channel.close();
      if (e == null || e.isDone()) {
        return;
      }
      if (e.reused && !e.responded && !e.retried) {
        e.retried = true;
        retries.incrementAndGet();
        connect(key, e);
        return;
      }
      e.completeExceptionally(cause instanceof IOException ? cause : new IOException(cause));
    }
  }

  /** One request and what its response becomes; completes with {@link #result()}. */
  private static class Exchange extends CompletableFuture<Long> {
    final URI uri;
    final HttpMethod method;
    final String range;
    boolean reused;
    boolean retried;
    boolean responded;
    long expected = -1;
    long received;

    Exchange(URI uri, HttpMethod method, String range) {
      this.uri = uri;
      this.method = method;
      this.range = range;
    }

    /** Fails unless the status is a success. */
    void onHeaders(HttpResponse r) throws IOException {
      if (r.status().codeClass() != HttpStatusClass.SUCCESS) {
        throw new IOException(method + " " + uri + ": " + r.status());
      }
    }

    void onContent(ByteBuf b) throws IOException {}

    long result() throws IOException {
      return received;
    }
  }

  /** The body into a byte array, as the other clients' {@code get} do; completes with its length. */
  private static final class ToBytes extends Exchange {
    private byte[] body;

    ToBytes(URI uri) {
      super(uri, HttpMethod.GET, null);
    }

    @Override
    void onHeaders(HttpResponse r) throws IOException {
      super.onHeaders(r);
      long n = HttpUtil.getContentLength(r, -1L);
      body = new byte[n >= 0 && n < Integer.MAX_VALUE - 8 ? (int) n : 8192];
    }

    @Override
    void onContent(ByteBuf b) throws IOException {
      int at = (int) (received - b.readableBytes());
      if (received > body.length) {
        if (received > Integer.MAX_VALUE - 8) {
          throw new IOException("body too large for an array");
        }
        body = Arrays.copyOf(body, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(received, 2L * body.length)));
      }
      b.getBytes(b.readerIndex(), body, at, b.readableBytes());
    }

    @Override
    long result() {
      return received;
    }

    byte[] bytes() {
      return body.length == received ? body : Arrays.copyOf(body, (int) received);
    }
  }

  /**
   * The body into {@code file} at {@code first} with positional writes, on the event loop (the
   * loop reads nothing more while it writes: the socket is the backpressure). With {@code last >= 0}
   * the response must be the {@code 206} for exactly {@code first..last}; else a {@code 200}.
   */
  private static final class ToFile extends Exchange {
    private final FileChannel file;
    private final long first;
    private final long last;

    ToFile(URI uri, FileChannel file, long first, long last) {
      super(uri, HttpMethod.GET, last >= 0 ? ManualRanges.range(first, last) : null);
      this.file = file;
      this.first = first;
      this.last = last;
    }

    @Override
    void onHeaders(HttpResponse r) throws IOException {
      if (last >= 0) {
        ManualRanges.check(r.status().code(), r.headers().get(HttpHeaderNames.CONTENT_RANGE), first, last);
      } else if (!r.status().equals(HttpResponseStatus.OK)) {
        throw new IOException("GET " + uri + ": " + r.status());
      }
    }

    @Override
    void onContent(ByteBuf b) throws IOException {
      long pos = first + received - b.readableBytes();
      for (ByteBuffer bb : b.nioBuffers()) {
        while (bb.hasRemaining()) {
          pos += file.write(bb, pos);
        }
      }
    }
  }

  @Override
  public void close() {
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
