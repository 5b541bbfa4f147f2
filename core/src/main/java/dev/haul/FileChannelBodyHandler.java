package dev.haul;

import java.nio.channels.FileChannel;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongConsumer;

/**
 * {@link BodyHandlers#ofFileChannel}: the body is written with {@link ResponseBody#transferTo}
 * (which a transport does straight from its network buffers) through a {@link CountingChannel},
 * so the count of bytes written is exact and final whenever the transfer ends, however it ends.
 * It opens nothing and never blocks the thread that calls it.
 */
final class FileChannelBodyHandler implements BodyHandler<Long> {

  private final FileChannel channel;
  private final long position;
  private final long maxBytes;
  private final LongConsumer progress;

  FileChannelBodyHandler(FileChannel channel, long position, long maxBytes, LongConsumer progress) {
    this.channel = channel;
    this.position = position;
    this.maxBytes = maxBytes;
    this.progress = progress;
  }

  @Override
  public CompletableFuture<Long> handle(ResponseInfo info, ResponseBody body) {
    OptionalLong declared = body.contentLength();
    if (declared.isPresent() && declared.getAsLong() > maxBytes) {
      body.close(); // refused before a byte is written
      return CompletableFuture.failedFuture(new PartialTransferException(info.request().uri(), 0,
          new BodyTooLargeException(info.request().uri(), declared.getAsLong(), maxBytes, true)));
    }
    CountingChannel counting = new CountingChannel(channel, position, maxBytes, progress, info.request().uri());
    CompletableFuture<Long> out = new CompletableFuture<>();
    CompletableFuture<Long> transfer;
    try {
      transfer = body.transferTo(counting, position);
    } catch (RuntimeException e) {
      body.close();
      transfer = CompletableFuture.failedFuture(e);
    }
    // Not async: a call ended from outside fails the transfer and then the call, in that order on
    // one thread, so the channel is sealed before anyone learns that the call failed.
    transfer.whenComplete((n, err) -> {
      long written = counting.seal();
      if (err == null) {
        out.complete(written);
        return;
      }
      Throwable cause = unwrap(err);
      out.completeExceptionally(new PartialTransferException(info.request().uri(), written, cause));
    });
    return out;
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
