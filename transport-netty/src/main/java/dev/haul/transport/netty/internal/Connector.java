package dev.haul.transport.netty.internal;

import dev.haul.ConnectFailedException;
import dev.haul.ConnectTimeoutException;
import dev.haul.HaulException;
import dev.haul.Origin;
import dev.haul.SendState;
import dev.haul.Timeouts;
import dev.haul.spi.EventListener;
import dev.haul.transport.netty.HostLookupsBusyException;
import dev.haul.transport.netty.NettyTransportConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens connections: resolves the host off the event loop, connects with the connect timeout,
 * runs the TLS handshake (hostname verified, handshake timeout) and builds the pipeline:
 * TLS, head validator, strict decoder, encoder, decoding limits, connection handler.
 */
public final class Connector implements AutoCloseable {

  // A handful of threads is plenty for lookups that answer; it also caps how many threads
  // lookups that hang (system lookups ignore interrupts) can hold.
  public static final int LOOKUP_THREADS = 4;
  public static final int LOOKUP_QUEUE = 64;

  private final EventLoopGroup group;
  private final Class<? extends Channel> channelType;
  private final SslContext ssl;
  private final NettyTransportConfig config;
  private final TransportContext context;
  private final HostLookups lookups;

  public Connector(EventLoopGroup group, Class<? extends Channel> channelType, SslContext ssl,
      NettyTransportConfig config, TransportContext context) {
    this.group = group;
    this.channelType = channelType;
    this.ssl = ssl;
    this.config = config;
    this.context = context;
    this.lookups = new HostLookups(config.resolver(), LOOKUP_THREADS, LOOKUP_QUEUE);
  }

  /**
   * Stops the lookup threads and fails every connect still resolving its host (typed,
   * {@code NOT_SENT}). Must run before the event loops shut down, as those connects would
   * otherwise wait for a connect-timeout timer that dies with them.
   */
  @Override
  public void close() {
    lookups.close();
  }

  /**
   * A new connection, or a typed failure: the future always completes, whatever the resolver,
   * the executor or Netty throw, so the pool's counts never stay inflated.
   */
  CompletableFuture<PooledConnection> connect(Origin origin, URI uri, Timeouts timeouts,
      EventListener listener, ConnectionPool pool) {
    CompletableFuture<PooledConnection> result = new CompletableFuture<>();
    Duration connectTimeout = timeouts.get(Timeouts.Kind.CONNECT);
    try {
      byte[] literal = NetUtil.createByteArrayFromIpAddressString(origin.host());
      if (literal != null) {
        open(new InetSocketAddress(InetAddress.getByAddress(origin.host(), literal), origin.port()),
            origin, uri, timeouts, connectTimeout, listener, pool, result);
      } else {
        resolveThenOpen(origin, uri, timeouts, listener, pool, result);
      }
    } catch (Exception | Error e) {
      // UnknownHostException of a malformed literal, a rejected task of a closing transport...
      fail(result, listener, origin, new ConnectFailedException("cannot connect to " + origin + ": " + e,
          uri, SendState.NOT_SENT, e));
    }
    return result;
  }

  /**
   * Resolves the host off the event loop (resolvers block) on the bounded lookup threads, within
   * the connect timeout: a resolver that hangs fails the connect with
   * {@link ConnectTimeoutException}, one that throws anything with {@link ConnectFailedException},
   * and lookup threads all taken by hanging lookups with {@link HostLookupsBusyException} (a local
   * condition, not transient). The TCP connect gets what is left.
   */
  private void resolveThenOpen(Origin origin, URI uri, Timeouts timeouts, EventListener listener,
      ConnectionPool pool, CompletableFuture<PooledConnection> result) {
    Duration connectTimeout = timeouts.get(Timeouts.Kind.CONNECT);
    long start = System.nanoTime();
    AtomicBoolean decided = new AtomicBoolean(); // the resolution's outcome or the timeout: first wins
    HostLookups.Waiting lookup = lookups.lookup(origin.host());
    // Issue 8 review 2: a caller that stops waiting, whatever the reason (timeout, failure, or
    // event loops that refuse the timer below: connect() then fails the result), leaves the
    // lookup, so a queued lookup nobody waits for any more gives its queue slot back instead of
    // running for nobody. A running one goes on (it cannot be interrupted; others may share it).
    result.whenComplete((c, e) -> lookup.leave());
    ScheduledFuture<?> timer = group.next().schedule(() -> {
      if (decided.compareAndSet(false, true)) {
        fail(result, listener, origin, new ConnectTimeoutException(uri, SendState.NOT_SENT, connectTimeout,
            new UnknownHostException("resolving " + origin.host() + " took longer than the connect timeout")));
      }
    }, connectTimeout.toNanos(), TimeUnit.NANOSECONDS);
    result.whenComplete((c, e) -> timer.cancel(false));
    lookup.future().whenComplete((address, error) -> {
      if (!decided.compareAndSet(false, true)) {
        return; // the timeout fired meanwhile
      }
      if (error instanceof UnknownHostException) {
        fail(result, listener, origin, new ConnectFailedException("cannot resolve host " + origin.host(),
            uri, SendState.NOT_SENT, error));
        return;
      }
      if (error instanceof HostLookups.Saturated) {
        // Issue 8 review 2: saturation is ours, not the origin's: not transient, so neither
        // retried nor counted against the origin by a circuit breaker.
        fail(result, listener, origin, new HostLookupsBusyException("cannot resolve host " + origin.host()
            + ": " + error.getMessage(), uri, error));
        return;
      }
      if (error instanceof HostLookups.Closed) {
        fail(result, listener, origin, new ConnectFailedException("cannot connect to " + origin
            + ": the transport was closed while resolving the host", uri, SendState.NOT_SENT, error));
        return;
      }
      if (error != null) {
        fail(result, listener, origin, new ConnectFailedException("cannot resolve host " + origin.host()
            + ": the resolver failed with " + error, uri, SendState.NOT_SENT, error));
        return;
      }
      long left = connectTimeout.toNanos() - (System.nanoTime() - start);
      try {
        open(new InetSocketAddress(address, origin.port()), origin, uri, timeouts,
            Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), left)), listener, pool, result);
      } catch (Exception | Error e) {
        fail(result, listener, origin, new ConnectFailedException("cannot connect to " + origin + ": " + e,
            uri, SendState.NOT_SENT, e));
      }
    });
  }

  private static void fail(CompletableFuture<PooledConnection> result, EventListener listener, Origin origin,
      HaulException e) {
    listener.connectFailed(origin, InetSocketAddress.createUnresolved(origin.host(), origin.port()), e);
    result.completeExceptionally(e);
  }

  private void open(InetSocketAddress address, Origin origin, URI uri, Timeouts timeouts, Duration connectBudget,
      EventListener listener, ConnectionPool pool, CompletableFuture<PooledConnection> result) {
    Duration connectTimeout = timeouts.get(Timeouts.Kind.CONNECT);
    Duration tlsTimeout = timeouts.get(Timeouts.Kind.TLS_HANDSHAKE);
    long start = System.nanoTime();
    PooledConnection[] holder = new PooledConnection[1];
    Bootstrap b = new Bootstrap()
        .group(group)
        .channel(channelType)
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectBudget.toMillis())))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            holder[0] = pipeline(ch, origin, pool, tlsTimeout, start);
          }
        });
    listener.connectStart(origin, address);
    b.connect(address).addListener(f -> {
      if (!f.isSuccess()) {
        listener.connectFailed(origin, address, f.cause());
        result.completeExceptionally(Failures.map(f.cause(), uri, SendState.NOT_SENT, connectTimeout, tlsTimeout));
        return;
      }
      PooledConnection c = holder[0];
      c.listener = listener;
      listener.connectEnd(origin, address, Duration.ofNanos(System.nanoTime() - start));
      SslHandler sslHandler = c.channel.pipeline().get(SslHandler.class);
      if (sslHandler == null) {
        handOver(c, result);
        return;
      }
      long tlsStart = System.nanoTime();
      listener.tlsStart(origin);
      sslHandler.handshakeFuture().addListener(h -> {
        if (h.isSuccess()) {
          var session = sslHandler.engine().getSession();
          listener.tlsEnd(origin, session.getProtocol(), session.getCipherSuite(),
              Duration.ofNanos(System.nanoTime() - tlsStart));
          handOver(c, result);
        } else {
          c.doNotReuse("tls-failed");
          c.channel.close();
          result.completeExceptionally(Failures.map(h.cause(), uri, SendState.NOT_SENT, connectTimeout, tlsTimeout));
        }
      });
    });
  }

  /**
   * Completes the connect. Until its first exchange the new connection is watched like an idle
   * one: a server that speaks first or closes is noticed. Should the connect have been decided
   * already (cannot happen today, but a leak would be silent), the channel is closed.
   */
  private static void handOver(PooledConnection c, CompletableFuture<PooledConnection> result) {
    c.handler.watchIdle();
    if (!result.complete(c)) {
      c.channel.close();
    }
  }

  private PooledConnection pipeline(Channel ch, Origin origin, ConnectionPool pool, Duration tlsTimeout, long start) {
    if (origin.isSecure()) {
      SslHandler h = ssl.newHandler(ch.alloc(), origin.host(), origin.port());
      h.setHandshakeTimeoutMillis(Math.max(1, tlsTimeout.toMillis()));
      ch.pipeline().addLast("tls", h);
    }
    DecodeLimits limits = new DecodeLimits(config.maxDecodedBytes(), config.maxCompressionRatio(), config.decompress());
    StrictResponseDecoder decoder = new StrictResponseDecoder(config.maxStatusLineLength(), config.maxHeaderSize());
    ConnectionHandler[] handler = new ConnectionHandler[1];
    ResponseHeadValidator validator = new ResponseHeadValidator(config.maxStatusLineLength(),
        config.maxHeaderSize(), config.maxHeaderCount(), () -> handler[0].onBytes());
    handler[0] = new ConnectionHandler(validator, decoder, limits, pool);
    ch.pipeline()
        .addLast("validator", validator)
        .addLast("decoder", decoder)
        .addLast("encoder", new HttpRequestEncoder())
        .addLast("received", limits.receivedCounter())
        .addLast("decompressor", limits.decompressor())
        .addLast("decoded", limits.decodedCounter())
        .addLast("connection", handler[0]);
    // The pool judges age on its own ticker (injectable, so tests control time).
    long created = config.ticker().read();
    long lifetime = config.maxLifetime().toNanos();
    long expires = lifetime == 0 ? Long.MAX_VALUE
        : created + (long) (lifetime * (0.9 + 0.2 * ThreadLocalRandom.current().nextDouble()));
    PooledConnection c = new PooledConnection(origin, ch, handler[0], created, expires);
    handler[0].connection = c;
    return c;
  }
}
