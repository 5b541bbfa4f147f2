package dev.haul.download.internal;

import static java.util.Objects.requireNonNull;

import dev.haul.SendState;
import dev.haul.download.DownloadFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SHA-256 of a file computed in order over its durable prefix while that data is still in the
 * page cache, so the final verification does not read the file again.
 *
 * <p>The downloader calls {@link #advanceTo(long)} whenever the prefix that is written grows (the
 * segment plan's lowest incomplete offset): it may jump ahead by many MiB when a segment ahead
 * completes, and an offset below one already given is ignored. A resumed download starts a new
 * cursor and calls {@code advanceTo(durablePrefix)}, which re-hashes that prefix once.
 *
 * <p>Threading: {@code advanceTo} is cheap, thread-safe and never does I/O on the caller's thread
 * (unless the given executor runs tasks inline). It raises a target and, when no worker is
 * running, submits one to the executor; at most one worker runs at a time and it coalesces all
 * advances made meanwhile. A worker hashes at most {@value #SLICE_BYTES} bytes, then resubmits
 * itself, so one cursor never monopolises a shared executor. Reads are positional (the channel's
 * position is untouched, so writers may share the channel) into one reusable direct buffer of
 * {@code bufferSize} bytes: memory is bounded by that buffer whatever the file size.
 *
 * <p>{@link #finish()} completes with the digest once {@code length} bytes are hashed, or
 * exceptionally with a {@link DownloadFileException} when a read fails or the file ends early, or
 * with a {@link CancellationException} after {@link #cancel()}.
 */
public final class HashCursor {

  /** The default read buffer: big enough for efficient reads, small enough to stay in cache. */
  public static final int DEFAULT_BUFFER_SIZE = 256 * 1024;

  /** Bytes one worker task hashes before yielding the executor thread. */
  static final long SLICE_BYTES = 16L * 1024 * 1024;

  private final FileChannel channel;
  private final Path path;
  private final long length;
  private final Executor executor;
  private final int bufferSize;
  private final MessageDigest digest;
  private final AtomicLong target = new AtomicLong();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  /** Written only by the single worker; read by anyone for progress. */
  private volatile long hashed;
  private ByteBuffer buffer;

  /** A cursor with a {@value #DEFAULT_BUFFER_SIZE}-byte buffer. */
  public HashCursor(FileChannel channel, Path path, long length, Executor executor) {
    this(channel, path, length, executor, DEFAULT_BUFFER_SIZE);
  }

  /**
   * @param channel the file, open for reading; the cursor never closes it
   * @param path the file's path, for messages only
   * @param length the file's final length; the digest is over exactly these bytes
   * @param executor runs the hashing
   * @param bufferSize the read buffer's size in bytes, at least 1
   */
  public HashCursor(FileChannel channel, Path path, long length, Executor executor,
      int bufferSize) {
    this.channel = requireNonNull(channel, "channel is null");
    this.path = requireNonNull(path, "path is null");
    this.executor = requireNonNull(executor, "executor is null");
    if (length < 0) {
      throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
    }
    if (bufferSize < 1) {
      throw new IllegalArgumentException("bufferSize: " + bufferSize + " (expected: >= 1)");
    }
    this.length = length;
    this.bufferSize = bufferSize;
    this.digest = sha256();
    if (length == 0) {
      result.complete(digest.digest());
    }
  }

  /**
   * Declares the bytes {@code [0, offset)} written and readable; schedules hashing them. An
   * offset at or below one already declared is ignored.
   *
   * @throws IllegalArgumentException if {@code offset} is negative or beyond the length
   */
  public void advanceTo(long offset) {
    if (offset < 0 || offset > length) {
      throw new IllegalArgumentException(
          "offset: " + offset + " (expected: >= 0 and <= " + length + ")");
    }
    if (offset > target.getAndAccumulate(offset, Math::max)) {
      schedule();
    }
  }

  /** Bytes hashed so far. */
  public long hashed() {
    return hashed;
  }

  /** The highest offset declared durable so far. */
  public long target() {
    return target.get();
  }

  /**
   * Completes with the SHA-256 digest (a fresh copy for each caller) once all {@code length}
   * bytes are hashed; the caller must eventually {@code advanceTo(length)}.
   */
  public CompletableFuture<byte[]> finish() {
    return result.thenApply(byte[]::clone);
  }

  /** Stops hashing; {@link #finish()} completes with a {@link CancellationException}. */
  public void cancel() {
    result.completeExceptionally(new CancellationException("hashing of " + path + " cancelled"));
  }

  private void schedule() {
    if (result.isDone() || !scheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      scheduled.set(false);
      result.completeExceptionally(e);
    }
  }

  /** The worker: hashes towards the target, a slice at a time; one instance runs at a time. */
  private void drain() {
    try {
      long budget = SLICE_BYTES;
      long goal;
      while (budget > 0 && !result.isDone() && (goal = target.get()) > hashed) {
        budget -= hashChunk(goal, budget);
      }
      if (hashed == length && !result.isDone()) {
        result.complete(digest.digest());
        buffer = null; // the digest is final; let the direct buffer go
      }
    } catch (IOException | RuntimeException e) {
      result.completeExceptionally(new DownloadFileException("hashing " + path
          + " failed at offset " + hashed, path, null, SendState.RESPONSE_STARTED, e));
    } finally {
      scheduled.set(false);
    }
    // An advance made after our last look at the target found the flag still set and left the
    // work to us: look again now that the flag is clear.
    if (target.get() > hashed) {
      schedule();
    }
  }

  /** Reads and hashes up to one buffer of {@code [hashed, goal)}; returns the bytes hashed. */
  private long hashChunk(long goal, long budget) throws IOException {
    if (buffer == null) {
      // Direct, so the positional read fills it without a temporary copy.
      buffer = ByteBuffer.allocateDirect(bufferSize);
    }
    long position = hashed;
    int want = (int) Math.min(Math.min(bufferSize, goal - position), budget);
    buffer.clear().limit(want);
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position + buffer.position());
      if (n < 0) {
        throw new IOException("file ended at " + (position + buffer.position())
            + " bytes, but " + goal + " were declared written");
      }
    }
    buffer.flip();
    digest.update(buffer);
    hashed = position + want;
    return want;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
