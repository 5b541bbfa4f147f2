package dev.haul.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.Test;

/** The recording detector is what Netty builds, whichever constructor its factory looks for. */
class RecordingLeakDetectorTest {

  // Issue 8 review: Netty's factory also looks up the obsolete (Class, int, long) constructor; without
  // it Netty logs "Could not load custom resource leak detector class" and that path builds a plain,
  // non-recording detector.
  @Test
  @SuppressWarnings("deprecation")
  void nettyBuildsItThroughTheObsoleteConstructorToo() {
    assertThat(System.getProperty("io.netty.customResourceLeakDetector"))
        .isEqualTo(RecordingLeakDetector.class.getName());
    ResourceLeakDetector<Object> viaObsolete =
        ResourceLeakDetectorFactory.instance().newResourceLeakDetector(Object.class, 1, Long.MAX_VALUE);
    assertThat(viaObsolete).isInstanceOf(RecordingLeakDetector.class);
    ResourceLeakDetector<Object> viaCurrent =
        ResourceLeakDetectorFactory.instance().newResourceLeakDetector(Object.class, 1);
    assertThat(viaCurrent).isInstanceOf(RecordingLeakDetector.class);
  }
}
