package dev.haul.download.internal;

import static java.util.Objects.requireNonNull;

import dev.haul.HaulClient;
import dev.haul.download.Download;
import dev.haul.download.DownloadConfig;
import dev.haul.download.DownloadEvent;
import dev.haul.download.DownloadListener;
import dev.haul.download.DownloadProgress;
import dev.haul.download.DownloadRequest;
import dev.haul.download.DownloadStrategy;
import dev.haul.download.Downloader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The downloader: runs each download on its own coordinator thread, at most
 * {@code haul.download.max-concurrent} at once, the rest in a queue in start order. Events go to
 * the downloader's listener and, as module events, to the client's listeners.
 */
public final class DefaultDownloader implements Downloader {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultDownloader.class);

  private final HaulClient client;
  private final DownloadConfig config;
  private final DownloadStrategy strategy;
  private final DownloadListener listener;
  private final FileSystemAccess fs;
  private final DiskSpace diskSpace;
  private final MemoryBudget memory;
  private final ExecutorService threads;
  private final AtomicLong ids = new AtomicLong();
  private final Object lock = new Object();
  private final ArrayDeque<DownloadTask> queue = new ArrayDeque<>(); // guarded by lock
  private final Set<DownloadTask> running = ConcurrentHashMap.newKeySet();
  private int active; // guarded by lock
  private boolean closed; // guarded by lock
  private final Set<Object> reportedListeners = ConcurrentHashMap.newKeySet();

  public DefaultDownloader(HaulClient client, DownloadConfig config, DownloadStrategy strategy,
      DownloadListener listener) {
    this(client, config, strategy, listener, FileSystemAccess.system());
  }

  /** A downloader over a file-system layer of the caller's (tests inject faults through it). */
  public DefaultDownloader(HaulClient client, DownloadConfig config, DownloadStrategy strategy,
      DownloadListener listener, FileSystemAccess fs) {
    this(client, config, strategy, listener, fs, MemoryBudget.ofJvm(config.maxBufferMemory()));
  }

  /** A downloader over a memory budget of the caller's (tests script the memory pressure). */
  DefaultDownloader(HaulClient client, DownloadConfig config, DownloadStrategy strategy,
      DownloadListener listener, FileSystemAccess fs, MemoryBudget memory) {
    this.client = requireNonNull(client, "client is null");
    this.config = requireNonNull(config, "config is null");
    this.strategy = requireNonNull(strategy, "strategy is null");
    this.listener = requireNonNull(listener, "listener is null");
    this.fs = requireNonNull(fs, "fs is null");
    this.diskSpace = new DiskSpace(fs);
    this.memory = requireNonNull(memory, "memory is null");
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "haul-download-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public Download start(DownloadRequest request) {
    requireNonNull(request, "request is null");
    DownloadTask task = new DownloadTask(Long.toString(ids.incrementAndGet()), request, this);
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the downloader is closed");
      }
      if (active < config.maxConcurrent()) {
        active++;
        launch(task);
      } else {
        queue.addLast(task);
      }
    }
    return task;
  }

  private void launch(DownloadTask task) {
    running.add(task);
    threads.execute(() -> {
      try {
        task.run();
      } finally {
        running.remove(task);
        next();
      }
    });
  }

  /** A download ended: start the next queued one. */
  private void next() {
    synchronized (lock) {
      DownloadTask t = closed ? null : queue.pollFirst();
      if (t == null) {
        active--;
      } else {
        launch(t);
      }
    }
  }

  /** Takes a queued download out of the queue; false when it has started already. */
  boolean dequeue(DownloadTask task) {
    synchronized (lock) {
      return queue.remove(task);
    }
  }

  @Override
  public DownloadConfig config() {
    return config;
  }

  HaulClient client() {
    return client;
  }

  DownloadStrategy strategy() {
    return strategy;
  }

  FileSystemAccess fileSystem() {
    return fs;
  }

  DiskSpace diskSpace() {
    return diskSpace;
  }

  MemoryBudget memory() {
    return memory;
  }

  ExecutorService executor() {
    return threads;
  }

  void publish(DownloadTask task, DownloadEvent event) {
    try {
      listener.onEvent(task, event);
    } catch (RuntimeException e) {
      report(listener, e);
    }
    client.events().moduleEvent(event); // guarded by the client
  }

  void progress(DownloadTask task) {
    DownloadProgress progress = task.progress();
    try {
      listener.onProgress(task, progress);
    } catch (RuntimeException e) {
      report(listener, e);
    }
    client.events().moduleEvent(DownloadEvent.Progress.of(task.id(), progress)); // guarded by the client
  }

  private void report(Object l, RuntimeException e) {
    if (reportedListeners.add(l)) {
      LOG.warn("download listener {} threw; further failures are logged at debug", l.getClass().getName(), e);
    } else {
      LOG.debug("download listener {} threw", l.getClass().getName(), e);
    }
  }

  @Override
  public void close() {
    List<DownloadTask> toCancel;
    List<DownloadTask> queued;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      queued = new ArrayList<>(queue);
      queue.clear();
      toCancel = new ArrayList<>(running);
    }
    queued.forEach(DownloadTask::cancelQueued); // they never started: end them here
    toCancel.forEach(DownloadTask::cancel);
    threads.shutdown();
  }
}
