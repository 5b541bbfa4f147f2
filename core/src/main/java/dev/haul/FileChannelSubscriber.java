package dev.haul;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Writes each delivered buffer to a file channel at an advancing position, one buffer list of
 * demand at a time, so memory stays bounded by what the transport hands over per read.
 */
final class FileChannelSubscriber implements Flow.Subscriber<List<ByteBuffer>> {

  private final FileChannel channel;
  private final CompletableFuture<Long> result = new CompletableFuture<>();
  private long position;
  private long written;
  private Flow.Subscription subscription;

  public FileChannelSubscriber(FileChannel channel, long position) {
    this.channel = channel;
    this.position = position;
  }

  /** Completes with the number of bytes written. */
  public CompletableFuture<Long> result() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    this.subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    try {
      for (ByteBuffer b : buffers) {
        while (b.hasRemaining()) {
          int n = channel.write(b, position);
          position += n;
          written += n;
        }
      }
    } catch (IOException | RuntimeException e) {
      subscription.cancel();
      result.completeExceptionally(e);
      return;
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    result.complete(written);
  }
}
