package dev.haul;

import static java.util.Objects.requireNonNull;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/** Ready-made {@link BodyHandler}s. In-memory handlers always have a size cap. */
public final class BodyHandlers {

  /** The cap of {@link #ofString()} and {@link #ofByteArray()}: 64 MiB. */
  public static final long DEFAULT_MAX_IN_MEMORY = 64L * 1024 * 1024;

  private BodyHandlers() {}

  /** The body as a string, decoded with the Content-Type charset (UTF-8 when absent), 64 MiB cap. */
  public static BodyHandler<String> ofString() {
    return ofString(DEFAULT_MAX_IN_MEMORY);
  }

  /** The body as a string, with a cap on its size in bytes. */
  public static BodyHandler<String> ofString(long maxBytes) {
    BodyHandler<byte[]> bytes = ofByteArray(maxBytes);
    return (info, body) -> bytes.handle(info, body)
        .thenApply(b -> new String(b, charset(info.headers())));
  }

  /** The body as bytes, 64 MiB cap. */
  public static BodyHandler<byte[]> ofByteArray() {
    return ofByteArray(DEFAULT_MAX_IN_MEMORY);
  }

  /**
   * The body as bytes. A Content-Length above {@code maxBytes} fails before any body byte is read
   * (B7); a body without a length fails as soon as it passes the cap (B22). Either way the body is
   * closed and a {@link BodyTooLargeException} is raised.
   */
  public static BodyHandler<byte[]> ofByteArray(long maxBytes) {
    if (maxBytes < 0 || maxBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: 0.." + (Integer.MAX_VALUE - 8) + ")");
    }
    return (info, body) -> {
      OptionalLong declared = body.contentLength();
      if (declared.isPresent() && declared.getAsLong() > maxBytes) {
        body.close();
        return CompletableFuture.failedFuture(new BodyTooLargeException(
            info.request().uri(), declared.getAsLong(), maxBytes, true));
      }
      CollectingSubscriber s = new CollectingSubscriber(info.request().uri(), maxBytes);
      body.subscribe(s);
      return s.result();
    };
  }

  /** Reads and drops the body, so the connection can be reused. */
  public static BodyHandler<Void> discarding() {
    return (info, body) -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      body.subscribe(new Flow.Subscriber<List<ByteBuffer>>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {}

        @Override
        public void onError(Throwable t) {
          done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
          done.complete(null);
        }
      });
      return done;
    };
  }

  /**
   * Streams the body into {@code target}. Bytes go to a temporary file beside it (created new,
   * owner-only), which is synced and atomically renamed over {@code target} only once the body is
   * complete; on failure it is deleted, so {@code target} is never left half-written. Creating,
   * syncing, closing and renaming the file run on the client's callback executor (on the
   * client's fallback threads if it refuses work), never on a transport I/O thread unless the
   * callback executor is a direct one; the bytes are written by {@link ResponseBody#transferTo}.
   */
  public static BodyHandler<Path> ofFile(Path target) {
    requireNonNull(target, "target is null");
    return new FileBodyHandler(target, FileBodyHandler.FILES);
  }

  /**
   * Writes the body into {@code channel} from {@code position} on, with positional writes;
   * completes with the number of bytes written. Same as
   * {@link #ofFileChannel(FileChannel, long, long, LongConsumer)} with no bound and no progress.
   */
  public static BodyHandler<Long> ofFileChannel(FileChannel channel, long position) {
    return ofFileChannel(channel, position, Long.MAX_VALUE, n -> {});
  }

  /**
   * Writes the body into {@code channel} at {@code position} .. {@code position + maxBytes - 1};
   * completes with the number of bytes written. Same as
   * {@link #ofFileChannel(FileChannel, long, long, LongConsumer)} with no progress.
   */
  public static BodyHandler<Long> ofFileChannel(FileChannel channel, long position, long maxBytes) {
    return ofFileChannel(channel, position, maxBytes, n -> {});
  }

  /**
   * Writes the body into {@code channel} at {@code position} .. {@code position + maxBytes - 1},
   * for a caller that assembles a file from parts (a segment of a download, a resume); completes
   * with the number of bytes written. The caller owns the channel: it is never closed, truncated
   * or moved (only positional writes are made; its own position is not used or changed), and
   * nothing outside the range is written. The bytes go through {@link ResponseBody#transferTo},
   * which transports do off their I/O threads straight from their network buffers.
   *
   * <p>A body longer than {@code maxBytes} fails with a {@link BodyTooLargeException} cause: a
   * declared Content-Length above it before a byte is written, a longer body without one as soon
   * as a write would pass the end (nothing past {@code position + maxBytes} is written; the
   * connection is then closed). A body shorter than the range asked for is not a failure here:
   * compare the result with what was expected. The body is written whatever the status: to write
   * only a {@code 206} whose {@link ContentRange} is the range asked for, check {@code info} first
   * in a handler that calls this one, as in {@code (info, body) -> ok(info) ?
   * ofFileChannel(...).handle(info, body) : refuse(body)}.
   *
   * <p>Every failure of the transfer (the connection cut, a read timeout, the cap, a file error)
   * is a {@link PartialTransferException} with the failure as its cause and the exact number of
   * bytes written before it: each counted once its write returned, and none written after the
   * future completes. When the call is ended from outside (its deadline, the client closed) the
   * call fails with that reason instead; {@code progress} then has the count. {@code progress} is
   * called with the running total after each write, in order, on the thread that wrote (a
   * transport's file thread); it must be quick and must not throw. It is never called after the
   * call has completed, however it completed, so its last value is final by then.
   *
   * @param channel a channel open for writing, owned by the caller
   * @param position where the body's first byte goes, at least 0
   * @param maxBytes the most bytes to write, at least 0
   * @param progress told the total written so far after each write
   */
  public static BodyHandler<Long> ofFileChannel(FileChannel channel, long position, long maxBytes,
      LongConsumer progress) {
    requireNonNull(channel, "channel is null");
    requireNonNull(progress, "progress is null");
    if (position < 0) {
      throw new IllegalArgumentException("position: " + position + " (expected: >= 0)");
    }
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 0)");
    }
    // Writes stop at the last position a file can have, whatever maxBytes says.
    return new FileChannelBodyHandler(channel, position, Math.min(maxBytes, Long.MAX_VALUE - position), progress);
  }

  /**
   * A blocking {@link InputStream} over the body; the response is returned as soon as the headers
   * arrive. The caller must close the stream. The call deadline still covers the body: a read past
   * it throws an {@link java.io.IOException} caused by {@link DeadlineExceededException}, and a
   * read after the client is closed one caused by {@link ClientClosedException}. A stream dropped
   * without {@code close()} is reported (with the stack of the {@code send} or {@code sendAsync}
   * call that asked for it) and released. The handler holds no state and may be shared.
   */
  public static BodyHandler<InputStream> ofInputStream() {
    return InputStreamBodyHandler.INSTANCE;
  }

  /**
   * Delivers the body to {@code subscriber} with its own demand; the response completes when the
   * subscriber has received {@code onComplete} or {@code onError}.
   */
  public static BodyHandler<Void> ofSubscriber(Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
    requireNonNull(subscriber, "subscriber is null");
    return (info, body) -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      body.subscribe(new Flow.Subscriber<List<ByteBuffer>>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          subscriber.onSubscribe(s);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
          subscriber.onNext(item);
        }

        @Override
        public void onError(Throwable t) {
          try {
            subscriber.onError(t);
          } finally {
            done.completeExceptionally(t);
          }
        }

        @Override
        public void onComplete() {
          try {
            subscriber.onComplete();
          } finally {
            done.complete(null);
          }
        }
      });
      return done;
    };
  }

  /**
   * The streaming body itself, returned as soon as the headers arrive, for callers that consume it
   * later (for example with {@link ResponseBody#transferTo}). The caller must consume or close it.
   * The call deadline covers it until then: past the deadline it fails with
   * {@link DeadlineExceededException}.
   */
  public static BodyHandler<ResponseBody> ofResponseBody() {
    return (info, body) -> CompletableFuture.completedFuture(body);
  }

  /** The charset named by the Content-Type header, or UTF-8. */
  public static Charset charset(Headers headers) {
    String ct = headers.get("Content-Type");
    if (ct != null) {
      for (String param : ct.split(";")) {
        String p = param.trim();
        if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
          String name = p.substring(8).trim().replace("\"", "");
          try {
            return Charset.forName(name);
          } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
          }
        }
      }
    }
    return StandardCharsets.UTF_8;
  }
}
