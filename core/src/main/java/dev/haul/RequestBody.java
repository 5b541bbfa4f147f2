package dev.haul;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The body of a request: a length (or -1 when unknown), an optional content type, and a
 * {@link Flow.Publisher} of bytes that the transport subscribes to with demand.
 *
 * <p>A body is <em>replayable</em> when {@link #publisher()} can be called again for a second
 * attempt (bytes, strings, files, publisher suppliers). A one-shot publisher body is never
 * replayed: retries and 307/308 redirects stop rather than send it twice.
 */
public abstract class RequestBody {

  private final String contentType;

  protected RequestBody(String contentType) {
    this.contentType = contentType;
  }

  /** A body of these bytes (the array is copied). */
  public static RequestBody ofBytes(byte[] bytes, String contentType) {
    byte[] copy = bytes.clone();
    return new RequestBody(contentType) {
      @Override
      public long contentLength() {
        return copy.length;
      }

      @Override
      public boolean isReplayable() {
        return true;
      }

      @Override
      public Flow.Publisher<ByteBuffer> publisher() {
        return new SingleBufferPublisher(ByteBuffer.wrap(copy).asReadOnlyBuffer());
      }
    };
  }

  /** A UTF-8 body of this text. */
  public static RequestBody ofString(String text, String contentType) {
    return ofString(text, StandardCharsets.UTF_8, contentType);
  }

  /** A body of this text in that charset. */
  public static RequestBody ofString(String text, Charset charset, String contentType) {
    requireNonNull(text, "text is null");
    return ofBytes(text.getBytes(charset), contentType);
  }

  /** A body read from a file in chunks, on demand; the length is the size at build time. */
  public static RequestBody ofFile(Path path, String contentType) {
    requireNonNull(path, "path is null");
    long size;
    try {
      size = Files.size(path);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read size of " + path, e);
    }
    return new RequestBody(contentType) {
      @Override
      public long contentLength() {
        return size;
      }

      @Override
      public boolean isReplayable() {
        return true;
      }

      @Override
      public Flow.Publisher<ByteBuffer> publisher() {
        return new FileBodyPublisher(path, size);
      }
    };
  }

  /**
   * A one-shot body from a publisher. It is never replayed: a retry or redirect that would need
   * it again stops instead.
   *
   * @param contentLength the exact length, or -1 when unknown (sent chunked)
   */
  public static RequestBody ofPublisher(Flow.Publisher<ByteBuffer> publisher, long contentLength,
      String contentType) {
    requireNonNull(publisher, "publisher is null");
    AtomicBoolean used = new AtomicBoolean();
    return new RequestBody(contentType) {
      @Override
      public long contentLength() {
        return contentLength;
      }

      @Override
      public boolean isReplayable() {
        return false;
      }

      @Override
      public Flow.Publisher<ByteBuffer> publisher() {
        if (!used.compareAndSet(false, true)) {
          throw new IllegalStateException("one-shot request body was already sent");
        }
        return publisher;
      }
    };
  }

  /** A replayable body: each attempt gets a fresh publisher from the supplier. */
  public static RequestBody ofPublisherSupplier(Supplier<Flow.Publisher<ByteBuffer>> supplier,
      long contentLength, String contentType) {
    requireNonNull(supplier, "supplier is null");
    return new RequestBody(contentType) {
      @Override
      public long contentLength() {
        return contentLength;
      }

      @Override
      public boolean isReplayable() {
        return true;
      }

      @Override
      public Flow.Publisher<ByteBuffer> publisher() {
        return supplier.get();
      }
    };
  }

  /** The exact length in bytes, or -1 when unknown. */
  public abstract long contentLength();

  /** Whether {@link #publisher()} may be called more than once. */
  public abstract boolean isReplayable();

  /** The bytes to send; a one-shot body throws {@link IllegalStateException} the second time. */
  public abstract Flow.Publisher<ByteBuffer> publisher();

  /** The {@code Content-Type} to send, if the body has one. */
  public Optional<String> contentType() {
    return Optional.ofNullable(contentType);
  }

  /** Publishes one buffer and completes, honouring demand. */
  private static final class SingleBufferPublisher implements Flow.Publisher<ByteBuffer> {
    private final ByteBuffer buffer;

    SingleBufferPublisher(ByteBuffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
      AtomicBoolean done = new AtomicBoolean();
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          if (n <= 0) {
            if (done.compareAndSet(false, true)) {
              subscriber.onError(new IllegalArgumentException("non-positive demand: " + n));
            }
            return;
          }
          if (done.compareAndSet(false, true)) {
            if (buffer.hasRemaining()) {
              subscriber.onNext(buffer.duplicate());
            }
            subscriber.onComplete();
          }
        }

        @Override
        public void cancel() {
          done.set(true);
        }
      });
    }
  }
}
