package dev.haul.transport.netty.internal;

import dev.haul.HaulConfig;
import dev.haul.Origin;
import dev.haul.spi.EventListener;
import dev.haul.testkit.OriginServer;
import dev.haul.transport.netty.NettyTransportConfig;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Taking an idle connection from the pool and giving it back (validation on borrow included). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PoolBenchmark {

  private OriginServer server;
  private MultiThreadIoEventLoopGroup group;
  private DefaultEventLoop timer;
  private TransportContext context;
  private ConnectionPool pool;
  private Origin origin;
  private URI uri;

  @Setup
  public void setUp() {
    server = OriginServer.start();
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    timer = new DefaultEventLoop();
    context = new TransportContext(false);
    NettyTransportConfig config = NettyTransportConfig.defaults();
    pool = new ConnectionPool(config, new Connector(group, NioSocketChannel.class, null, config, context), timer);
    uri = server.url("/");
    origin = Origin.of(uri);
    ConnectionPool.Lease first = pool.acquire(origin, uri, HaulConfig.defaults().timeouts(), EventListener.NONE, false).join();
    pool.release(first.connection(), true);
  }

  @TearDown
  public void tearDown() {
    pool.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    timer.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    context.close();
    server.close();
  }

  @Benchmark
  public boolean acquireAndRelease() {
    ConnectionPool.Lease lease = pool.acquire(origin, uri, HaulConfig.defaults().timeouts(), EventListener.NONE, false).join();
    pool.release(lease.connection(), true);
    return lease.reused();
  }
}
