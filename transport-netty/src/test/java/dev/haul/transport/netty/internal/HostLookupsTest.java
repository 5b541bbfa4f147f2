package dev.haul.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.haul.transport.netty.HostResolver;
import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HostLookups on its own: what end-to-end tests cannot reach (a thread that cannot be created). */
class HostLookupsTest {

  private final CountDownLatch answer = new CountDownLatch(1);
  private final AtomicInteger resolved = new AtomicInteger();
  private final HostResolver waitsForTheLatch = host -> {
    resolved.incrementAndGet();
    try {
      answer.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return InetAddress.getLoopbackAddress();
  };

  @AfterEach
  void release() {
    answer.countDown();
  }

  private static ThreadFactory daemons() {
    return r -> {
      Thread t = new Thread(r, HostLookups.THREAD_PREFIX + "test");
      t.setDaemon(true);
      return t;
    };
  }

  // Issue 8 review 2: only RejectedExecutionException was caught around execute; an Error such as
  // "unable to create native thread" left the lookup in the map, and every later lookup of the
  // host waited on a future nobody would complete.
  @Test
  void review2AnErrorStartingTheThreadFailsTheLookupAndDoesNotPoisonTheHost() throws Exception {
    AtomicBoolean failOnce = new AtomicBoolean(true);
    ThreadFactory daemons = daemons();
    ThreadFactory flaky = r -> {
      if (failOnce.getAndSet(false)) {
        throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
      }
      return daemons.newThread(r);
    };
    answer.countDown();
    try (HostLookups lookups = new HostLookups(waitsForTheLatch, 2, 4, flaky)) {
      HostLookups.Waiting first = lookups.lookup("example.test");
      assertThatThrownBy(() -> first.future().get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).cause().isInstanceOf(OutOfMemoryError.class);
      HostLookups.Waiting second = lookups.lookup("example.test");
      assertThat(second.future().get(5, TimeUnit.SECONDS)).isEqualTo(InetAddress.getLoopbackAddress());
    }
  }

  // Issue 8 review 2: queued lookups whose callers had all given up kept their queue slots and
  // still ran. The last caller to leave takes the lookup out of the queue.
  @Test
  void review2AQueuedLookupEveryCallerLeftGivesItsSlotBack() throws Exception {
    try (HostLookups lookups = new HostLookups(waitsForTheLatch, 1, 1, daemons())) {
      HostLookups.Waiting running = lookups.lookup("running.test");
      waitFor(() -> resolved.get() == 1);
      HostLookups.Waiting queuedA = lookups.lookup("queued.test");
      HostLookups.Waiting queuedB = lookups.lookup("queued.test"); // shares it
      assertThat(lookups.queued()).isEqualTo(1);
      assertThatThrownBy(() -> lookups.lookup("third.test").future().join())
          .cause().isInstanceOf(HostLookups.Saturated.class)
          .hasMessageContaining("host lookups busy (1 running, 1 queued)");
      queuedA.leave();
      queuedA.leave(); // idempotent: B still waits
      assertThat(lookups.queued()).isEqualTo(1);
      assertThat(queuedB.future()).isNotDone();
      queuedB.leave();
      assertThat(lookups.queued()).isZero();
      HostLookups.Waiting third = lookups.lookup("third.test"); // the freed slot
      assertThat(lookups.queued()).isEqualTo(1);
      // A new caller of the abandoned host starts a lookup of its own.
      HostLookups.Waiting again = lookups.lookup("queued.test");
      assertThat(again.future()).isNotSameAs(queuedB.future());
      answer.countDown();
      assertThat(running.future().get(5, TimeUnit.SECONDS)).isEqualTo(InetAddress.getLoopbackAddress());
      assertThat(third.future().get(5, TimeUnit.SECONDS)).isEqualTo(InetAddress.getLoopbackAddress());
      assertThat(resolved).hasValue(2); // running and third; the abandoned lookup never ran
    }
  }

  // Issue 8 review 2: a caller leaving a running lookup does not affect the others sharing it.
  @Test
  void review2LeavingARunningSharedLookupKeepsItForTheOthers() throws Exception {
    try (HostLookups lookups = new HostLookups(waitsForTheLatch, 1, 1, daemons())) {
      HostLookups.Waiting a = lookups.lookup("shared.test");
      waitFor(() -> resolved.get() == 1);
      HostLookups.Waiting b = lookups.lookup("shared.test");
      a.leave();
      HostLookups.Waiting c = lookups.lookup("shared.test"); // still shared
      answer.countDown();
      assertThat(b.future().get(5, TimeUnit.SECONDS)).isEqualTo(InetAddress.getLoopbackAddress());
      assertThat(c.future().get(5, TimeUnit.SECONDS)).isEqualTo(InetAddress.getLoopbackAddress());
      assertThat(resolved).hasValue(1);
    }
  }

  // Issue 8 review 2: close() completes running and queued lookups, and later ones at once.
  @Test
  void review2CloseCompletesEveryLookupInFlight() throws Exception {
    HostLookups lookups = new HostLookups(waitsForTheLatch, 1, 2, daemons());
    HostLookups.Waiting running = lookups.lookup("a.test");
    HostLookups.Waiting queued = lookups.lookup("b.test");
    lookups.close();
    for (HostLookups.Waiting w : new HostLookups.Waiting[] {running, queued, lookups.lookup("c.test")}) {
      assertThatThrownBy(() -> w.future().get(5, TimeUnit.SECONDS))
          .cause().isInstanceOf(HostLookups.Closed.class);
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(5);
    }
  }
}
