package dev.haul.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that fails a test after which Netty reported a buffer leak. It collects
 * garbage and allocates a few tracked buffers so the detector looks at what was collected.
 * Needs {@link RecordingLeakDetector} installed (see there); register it with JUnit's extension
 * auto-detection or {@code @ExtendWith}.
 */
public final class NettyLeakCheck implements AfterEachCallback {

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    List<String> leaks = collectLeaks();
    if (!leaks.isEmpty()) {
      throw new AssertionError("Netty reported " + leaks.size() + " buffer leak(s) during or before "
          + context.getDisplayName() + ":\n" + String.join("\n\n", leaks));
    }
  }

  /** Collects garbage, makes the detector look, and returns (and forgets) what it reported. */
  public static List<String> collectLeaks() throws InterruptedException {
    if (!RecordingLeakDetector.isInstalled()) {
      return List.of(); // Netty was not used, or the detector property is not set
    }
    for (int round = 0; round < 3; round++) {
      System.gc();
      Thread.sleep(20);
      for (int i = 0; i < 64; i++) {
        ByteBuf a = PooledByteBufAllocator.DEFAULT.directBuffer(8);
        a.release();
        ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(8);
        b.release();
      }
    }
    return RecordingLeakDetector.drain();
  }
}
