package dev.haul.download.internal;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/** Queues tasks until the test runs them, so interleavings are chosen, not timed. */
final class ManualExecutor implements Executor {

  private final Queue<Runnable> tasks = new ArrayDeque<>();

  @Override
  public synchronized void execute(Runnable task) {
    tasks.add(task);
  }

  /** Runs the oldest queued task; returns false when none was queued. */
  boolean runOne() {
    Runnable task;
    synchronized (this) {
      task = tasks.poll();
    }
    if (task == null) {
      return false;
    }
    task.run();
    return true;
  }

  /** Runs tasks, including ones they queue, until none is left; returns how many ran. */
  int runAll() {
    int n = 0;
    while (runOne()) {
      n++;
    }
    return n;
  }

  synchronized int queued() {
    return tasks.size();
  }
}
