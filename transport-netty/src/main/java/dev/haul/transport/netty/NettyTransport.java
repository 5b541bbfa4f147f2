package dev.haul.transport.netty;

import static java.util.Objects.requireNonNull;

import dev.haul.ConnectionClosedException;
import dev.haul.Origin;
import dev.haul.SendState;
import dev.haul.spi.Exchange;
import dev.haul.spi.PoolStats;
import dev.haul.spi.RawResponse;
import dev.haul.spi.Transport;
import dev.haul.transport.netty.internal.ConnectionPool;
import dev.haul.transport.netty.internal.Connector;
import dev.haul.transport.netty.internal.Exchanges;
import dev.haul.transport.netty.internal.TransportContext;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.security.KeyStore;

/**
 * Haul's HTTP/1.1 transport on Netty 4.2, with its own connection pool.
 *
 * <ul>
 *   <li>TCP and TLS (JDK provider, TLS 1.2+, certificate and hostname verification always on;
 *       extra trust through {@link NettyTransportConfig.Builder#trust}).
 *   <li>Native epoll when available, NIO otherwise.
 *   <li>Response bodies stream with demand: {@code autoRead} is off and the socket is read only
 *       when the consumer asked for more. {@link dev.haul.ResponseBody#transferTo} writes Netty's
 *       buffers to the file as they are.
 *   <li>Strict parsing: every malformed or ambiguous response is a typed
 *       {@link dev.haul.ProtocolException} and its connection is closed, never pooled.
 *   <li>gzip and deflate decoded transparently when Haul asked for them (never with Range, never
 *       with {@code haul.transport.decompress=false}), with caps on decoded bytes and on the
 *       compression ratio that apply to those bodies only.
 *   <li>Idle pooled connections are watched: a stray byte or a FIN closes them at once.
 *   <li>A request is resent by the transport only when none of it reached the socket (a pooled
 *       connection found dead first); anything else is the client's retry policy's decision.
 * </ul>
 */
public final class NettyTransport implements Transport {

  private static final String VERIFICATION_PROPERTY = "io.netty.handler.ssl.defaultEndpointVerificationAlgorithm";

  private final NettyTransportConfig config;
  private final EventLoopGroup group;
  private final TransportContext context;
  private final ConnectionPool pool;
  private final Connector connector;
  private final boolean epoll;
  private final AtomicBoolean closed = new AtomicBoolean();

  public NettyTransport(NettyTransportConfig config) {
    this.config = requireNonNull(config, "config is null");
    checkEndpointVerification();
    SslContext ssl = sslContext(config);
    this.epoll = useEpoll(config.io());
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends Channel> channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    int threads = config.ioThreads() == 0 ? Runtime.getRuntime().availableProcessors() : config.ioThreads();
    this.group = new MultiThreadIoEventLoopGroup(threads, new io.netty.util.concurrent.DefaultThreadFactory("haul-io", true), factory);
    this.context = new TransportContext(config.leakDetection());
    this.connector = new Connector(group, channelType, ssl, config, context);
    this.pool = new ConnectionPool(config, connector, group.next());
  }

  /** A transport with {@link NettyTransportConfig#defaults()}. */
  public static NettyTransport create() {
    return new NettyTransport(NettyTransportConfig.defaults());
  }

  @Override
  public CompletableFuture<RawResponse> execute(Exchange exchange) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException("transport is closed"));
    }
    Throwable openedAt = config.leakDetection() ? new Throwable("the call that opened the response") : null;
    CompletableFuture<RawResponse> result = new CompletableFuture<>();
    attempt(exchange, result, openedAt, exchange.freshConnection());
    return result;
  }

  private void attempt(Exchange exchange, CompletableFuture<RawResponse> result, Throwable openedAt,
      boolean forceNew) {
    Origin origin = exchange.request().origin();
    CompletableFuture<ConnectionPool.Lease> acquire =
        pool.acquire(origin, exchange.request().uri(), exchange.timeouts(), exchange.listener(), forceNew);
    // A call that ends while waiting for the pool (cancelled, deadline) leaves the queue at once,
    // so no connection is opened, or another origin's idle one closed, for nobody.
    result.whenComplete((r, e) -> acquire.cancel(false));
    acquire.whenComplete((lease, err) -> {
      if (err != null) {
        result.completeExceptionally(err);
        return;
      }
      if (result.isDone()) {
        pool.release(lease.connection(), true);
        return;
      }
      CompletableFuture<RawResponse> attempt = Exchanges.start(exchange, lease, context, openedAt);
      result.whenComplete((r, e) -> {
        if (result.isCancelled()) {
          attempt.cancel(false);
        }
      });
      attempt.whenComplete((r, e) -> {
        if (e == null) {
          if (!result.complete(r)) {
            r.body().close();
          }
        } else {
          if (lease.reused() && !forceNew && isStale(e)) {
            // The pooled connection was found dead before any byte of the request reached the
            // socket (F5): once more on a fresh connection, invisible to the caller. Anything
            // that may have reached the server is the retry policy's decision, never ours.
            exchange.listener().staleConnectionRetry(exchange.request(), (ConnectionClosedException) e);
            attempt(exchange, result, openedAt, true);
          } else {
            result.completeExceptionally(e);
          }
        }
      });
    });
  }

  private static boolean isStale(Throwable e) {
    return e instanceof ConnectionClosedException h && h.sendState() == SendState.NOT_SENT;
  }

  @Override
  public List<PoolStats> poolStats() {
    return pool.stats();
  }

  /** Response bodies reported as leaked (dropped without being consumed or closed). */
  public long leaksDetected() {
    return context.leaks();
  }

  /** Whether this transport runs on native epoll. */
  public boolean isEpoll() {
    return epoll;
  }

  public NettyTransportConfig config() {
    return config;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    pool.close();
    // Issue 8 review 2: the connector first, while the event loops still run: it fails the
    // connects still resolving a host, whose connect-timeout timers die with the event loops.
    connector.close();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    context.close();
  }

  private static void checkEndpointVerification() {
    String v = System.getProperty(VERIFICATION_PROPERTY);
    if (v != null && !v.equalsIgnoreCase("HTTPS")) {
      throw new IllegalStateException("-D" + VERIFICATION_PROPERTY + "=" + v
          + " switches off TLS hostname verification; Haul refuses to start with it. Remove the property.");
    }
  }

  private static boolean useEpoll(NettyTransportConfig.Io io) {
    return switch (io) {
      case NIO -> false;
      case AUTO -> Epoll.isAvailable();
      case EPOLL -> {
        if (!Epoll.isAvailable()) {
          throw new IllegalStateException("haul.transport.io: epoll (expected: available on this machine; "
              + Epoll.unavailabilityCause() + ")");
        }
        yield true;
      }
    };
  }

  private static SslContext sslContext(NettyTransportConfig config) {
    try {
      SslContextBuilder b = SslContextBuilder.forClient()
          .sslProvider(SslProvider.JDK)
          .protocols("TLSv1.3", "TLSv1.2")
          .endpointIdentificationAlgorithm("HTTPS");
      List<X509Certificate> extra = config.trustedCertificates();
      if (!extra.isEmpty()) {
        b.trustManager(trustManagers(extra));
      }
      return b.build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS context: " + e.getMessage(), e);
    }
  }

  /** The JDK's default trust anchors plus {@code extra}. */
  private static TrustManagerFactory trustManagers(List<X509Certificate> extra) {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      defaults.init((KeyStore) null);
      int i = 0;
      for (javax.net.ssl.TrustManager tm : defaults.getTrustManagers()) {
        if (tm instanceof javax.net.ssl.X509TrustManager x) {
          for (X509Certificate c : x.getAcceptedIssuers()) {
            ks.setCertificateEntry("default-" + i++, c);
          }
        }
      }
      for (X509Certificate c : extra) {
        ks.setCertificateEntry("haul-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return tmf;
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the trust store: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "NettyTransport{" + (epoll ? "epoll" : "nio").toUpperCase(Locale.ROOT) + "}";
  }
}
