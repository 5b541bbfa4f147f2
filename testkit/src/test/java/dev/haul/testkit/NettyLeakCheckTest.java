package dev.haul.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** Proves the leak check sees a leak, so a leak anywhere really fails the build. */
class NettyLeakCheckTest {

  @Test
  void aLeakedBufferIsReported() throws InterruptedException {
    leak();
    java.util.List<String> leaks = new java.util.ArrayList<>();
    for (int i = 0; i < 20 && leaks.isEmpty(); i++) {
      leaks.addAll(NettyLeakCheck.collectLeaks());
    }
    assertThat(leaks).isNotEmpty();
    assertThat(leaks.get(0)).contains("ByteBuf");
  }

  private static void leak() {
    ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
    b.writeInt(42); // never released
  }
}
