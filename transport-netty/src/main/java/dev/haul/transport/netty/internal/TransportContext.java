package dev.haul.transport.netty.internal;

import dev.haul.Redaction;
import dev.haul.Request;
import dev.haul.spi.Cleaners;
import java.lang.ref.Cleaner;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every exchange of one transport shares: the file-writing threads and the leak detector. */
public final class TransportContext implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger("dev.haul.transport.netty.Leak");

  private final boolean leakDetection;
  private final ExecutorService fileExecutor;
  private final AtomicLong leaks = new AtomicLong();

  public TransportContext(boolean leakDetection) {
    this.leakDetection = leakDetection;
    AtomicInteger n = new AtomicInteger();
    this.fileExecutor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "haul-file-io-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Threads that write response bodies to files, so event loops never block on disks. */
  public ExecutorService fileExecutor() {
    return fileExecutor;
  }

  public boolean leakDetection() {
    return leakDetection;
  }

  /** Response bodies reported as leaked so far. */
  public long leaks() {
    return leaks.get();
  }

  /** Watches {@code facade}: if it becomes unreachable unclaimed, {@code onLeak} runs. */
  Cleaner.Cleanable watch(Object facade, Runnable onLeak) {
    return Cleaners.watch(facade, onLeak);
  }

  void reportLeak(Request request, Throwable openedAt) {
    leaks.incrementAndGet();
    LOG.error("LEAK: the response body of {} was neither consumed nor closed; its connection is "
        + "closed now. Close the body or use a handler that reads it. The call was made here:",
        Redaction.uri(request.uri()), openedAt);
  }

  @Override
  public void close() {
    fileExecutor.shutdown();
  }
}
