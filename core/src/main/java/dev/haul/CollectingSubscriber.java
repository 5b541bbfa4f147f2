package dev.haul;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** Collects a body into memory up to a cap; passing the cap cancels and fails with a typed error. */
final class CollectingSubscriber implements Flow.Subscriber<List<ByteBuffer>> {

  private final URI uri;
  private final long maxBytes;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private Flow.Subscription subscription;

  public CollectingSubscriber(URI uri, long maxBytes) {
    this.uri = uri;
    this.maxBytes = maxBytes;
  }

  public CompletableFuture<byte[]> result() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer b : item) {
      if (out.size() + (long) b.remaining() > maxBytes) {
        subscription.cancel();
        result.completeExceptionally(
            new BodyTooLargeException(uri, out.size() + (long) b.remaining(), maxBytes, false));
        return;
      }
      if (b.hasArray()) {
        out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        b.position(b.limit());
      } else {
        byte[] tmp = new byte[b.remaining()];
        b.get(tmp);
        out.write(tmp, 0, tmp.length);
      }
    }
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    result.complete(out.toByteArray());
  }
}
