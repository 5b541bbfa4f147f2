package dev.haul.testkit;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * A Netty leak detector that records every leak it reports, so tests can fail on them. Install it
 * with {@code -Dio.netty.customResourceLeakDetector=dev.haul.testkit.RecordingLeakDetector} (and
 * {@code -Dio.netty.leakDetection.level=paranoid}); {@link NettyLeakCheck} then fails any test
 * after which a leak was reported.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

  private static final List<String> LEAKS = new ArrayList<>();
  private static volatile boolean installed;

  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
    super(resourceType, samplingInterval);
    installed = true;
  }

  /**
   * The constructor Netty's loader tries first ({@code ResourceLeakDetectorFactory} looks up the
   * obsolete (Class, int, long) signature before the (Class, int) one and logs "Could not load
   * custom resource leak detector class" when it is missing).
   */
  @SuppressWarnings("deprecation")
  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
    this(resourceType, samplingInterval);
  }

  /** Whether Netty created at least one detector of this type (the property is in effect). */
  public static boolean isInstalled() {
    return installed;
  }

  /** The leaks reported since the last call, and forgets them. */
  public static List<String> drain() {
    synchronized (LEAKS) {
      List<String> out = new ArrayList<>(LEAKS);
      LEAKS.clear();
      return out;
    }
  }

  @Override
  protected void reportTracedLeak(String resourceType, String records) {
    super.reportTracedLeak(resourceType, records);
    synchronized (LEAKS) {
      LEAKS.add(resourceType + ": " + records);
    }
  }

  @Override
  protected void reportUntracedLeak(String resourceType) {
    super.reportUntracedLeak(resourceType);
    synchronized (LEAKS) {
      LEAKS.add(resourceType + " (untraced)");
    }
  }
}
