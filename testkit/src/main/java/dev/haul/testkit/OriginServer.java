package dev.haul.testkit;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable HTTP/1.1 origin server on 127.0.0.1, for tests of Haul and of code that uses it;
 * in the spirit of OkHttp's MockWebServer. Responses come from a {@link Dispatcher}: by default
 * a queue filled with {@link #enqueue}; {@link StaticContent} serves bytes and files with ranges
 * and validators. Every request is recorded with the connection that carried it, and the server
 * counts connections, so tests can prove reuse.
 *
 * <pre>{@code
 * try (OriginServer server = OriginServer.start()) {
 *   server.enqueue(MockResponse.ok("hello"));
 *   // ... call server.url("/x") ...
 *   RecordedRequest r = server.takeRequest();
 * }
 * }</pre>
 */
public final class OriginServer implements AutoCloseable {

  private final EventLoopGroup group;
  private final Channel serverChannel;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final TlsIdentity tls;
  private final QueueDispatcher queue = new QueueDispatcher();
  private volatile Dispatcher dispatcher = queue;
  private final int maxConnections;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger peakOpen = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private final Map<Integer, AtomicInteger> perConnection = new ConcurrentHashMap<>();
  private final BlockingQueue<RecordedRequest> recorded = new LinkedBlockingQueue<>();
  private final List<RecordedRequest> history = new CopyOnWriteArrayList<>();
  private final Map<Channel, ServerHandler> handlers = new ConcurrentHashMap<>();

  private OriginServer(Builder b) {
    this.tls = b.tls;
    this.maxConnections = b.maxConnections;
    if (b.dispatcher != null) {
      this.dispatcher = b.dispatcher;
    }
    this.group = new MultiThreadIoEventLoopGroup(b.threads, NioIoHandler.newFactory());
    SslContext ssl = tls == null ? null : tls.serverContext();
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            int id = connections.incrementAndGet();
            int now = open.incrementAndGet();
            peakOpen.accumulateAndGet(now, Math::max);
            channels.add(ch);
            ch.closeFuture().addListener(f -> {
              open.decrementAndGet();
              handlers.remove(ch);
            });
            if (ssl != null) {
              ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
            }
            ServerHandler handler = new ServerHandler(OriginServer.this, id);
            handlers.put(ch, handler);
            ch.pipeline().addLast(new HttpRequestDecoder(8192, 64 * 1024, 64 * 1024))
                .addLast(handler.headerRecorder())
                .addLast(new HttpObjectAggregator(64 * 1024 * 1024))
                .addLast(handler);
          }
        });
    try {
      this.serverChannel = bootstrap.bind(new InetSocketAddress(b.host, b.port)).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new IllegalStateException("interrupted while binding", e);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** A plain-HTTP server on an ephemeral port of 127.0.0.1. */
  public static OriginServer start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code http(s)://127.0.0.1:PORT} plus {@code path}. */
  public URI url(String path) {
    String p = path.startsWith("/") ? path : "/" + path;
    return URI.create((tls == null ? "http" : "https") + "://" + hostAndPort() + p);
  }

  /** {@code 127.0.0.1:PORT}. */
  public String hostAndPort() {
    InetSocketAddress a = (InetSocketAddress) serverChannel.localAddress();
    String host = a.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  public boolean isTls() {
    return tls != null;
  }

  /** The TLS identity, when the server speaks TLS. */
  public Optional<TlsIdentity> tlsIdentity() {
    return Optional.ofNullable(tls);
  }

  /** The CA certificate a client must trust to talk to this TLS server. */
  public X509Certificate trustedCertificate() {
    if (tls == null) {
      throw new IllegalStateException("this server does not speak TLS");
    }
    return tls.trustedCertificate();
  }

  /** Queues a response for the default queue dispatcher. */
  public OriginServer enqueue(MockResponse response) {
    queue.enqueue(response);
    return this;
  }

  /** The queue behind {@link #enqueue}. */
  public QueueDispatcher queue() {
    return queue;
  }

  public OriginServer setDispatcher(Dispatcher dispatcher) {
    this.dispatcher = requireNonNull(dispatcher, "dispatcher is null");
    return this;
  }

  Dispatcher dispatcher() {
    return dispatcher;
  }

  /** The next recorded request, waiting up to 10 seconds. */
  public RecordedRequest takeRequest() {
    return takeRequest(Duration.ofSeconds(10));
  }

  /** The next recorded request; fails if none arrives within {@code timeout}. */
  public RecordedRequest takeRequest(Duration timeout) {
    try {
      RecordedRequest r = recorded.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (r == null) {
        throw new AssertionError("no request arrived within " + timeout);
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Every request received so far, in order. */
  public List<RecordedRequest> requests() {
    return List.copyOf(history);
  }

  public int requestCount() {
    return requests.get();
  }

  /** Connections accepted since the start. */
  public int connectionCount() {
    return connections.get();
  }

  /** Connections open now. */
  public int openConnections() {
    return open.get();
  }

  /** The most connections that were open at once. */
  public int peakOpenConnections() {
    return peakOpen.get();
  }

  /** Requests served per connection id. */
  public Map<Integer, Integer> requestsPerConnection() {
    Map<Integer, Integer> m = new java.util.TreeMap<>();
    perConnection.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  /** Closes every connection that is not writing a response (idle keep-alive connections). */
  public int closeIdleConnections() {
    int n = 0;
    for (Map.Entry<Channel, ServerHandler> e : handlers.entrySet()) {
      if (!e.getValue().isBusy()) {
        e.getKey().close().syncUninterruptibly();
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  void record(RecordedRequest r) {
    requests.incrementAndGet();
    perConnection.computeIfAbsent(r.connectionId(), k -> new AtomicInteger()).incrementAndGet();
    history.add(r);
    recorded.add(r);
  }

  boolean overConnectionLimit() {
    return maxConnections > 0 && open.get() > maxConnections;
  }

  /** Configures and starts an {@link OriginServer}. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private TlsIdentity tls;
    private int maxConnections;
    private int threads = 2;
    private Dispatcher dispatcher;

    private Builder() {}

    /** The address to bind; 127.0.0.1 by default. */
    public Builder bind(String host) {
      this.host = requireNonNull(host, "host is null");
      return this;
    }

    /** The port; 0 (an ephemeral one) by default. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Speaks TLS with a certificate for localhost and loopback generated now. */
    public Builder tls() {
      return tls(TlsIdentity.localhost());
    }

    public Builder tls(TlsIdentity identity) {
      this.tls = requireNonNull(identity, "identity is null");
      return this;
    }

    /** Closes connections beyond this many open at once, as they are accepted (F24). */
    public Builder maxConnections(int max) {
      this.maxConnections = max;
      return this;
    }

    /** I/O threads; 2 by default. */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    public Builder dispatcher(Dispatcher dispatcher) {
      this.dispatcher = requireNonNull(dispatcher, "dispatcher is null");
      return this;
    }

    public OriginServer start() {
      return new OriginServer(this);
    }
  }
}
