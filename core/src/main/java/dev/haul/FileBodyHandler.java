package dev.haul;

import dev.haul.spi.BlockingBodyHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * {@link dev.haul.BodyHandlers#ofFile}: the body goes to a temporary file beside the target
 * (created new, owner-only), which is synced and atomically renamed over the target once the body
 * is complete, and deleted on failure. Every file-system step runs on the executor the client
 * hands over (its callback executor), never on a transport I/O thread; the body's bytes are written
 * with {@link ResponseBody#transferTo}, which transports do off their I/O threads.
 */
final class FileBodyHandler implements BlockingBodyHandler<Path> {

  /** The file-system steps, replaceable so tests can see which thread runs each. */
  public interface FileOps {
    Path createTemp(Path dir, String prefix, String suffix) throws IOException;

    FileChannel open(Path temp) throws IOException;

    void force(FileChannel channel) throws IOException;

    void close(FileChannel channel) throws IOException;

    void move(Path from, Path to) throws IOException;

    void delete(Path path) throws IOException;
  }

  /** The real file system. */
  public static final FileOps FILES = new FileOps() {
    @Override
    public Path createTemp(Path dir, String prefix, String suffix) throws IOException {
      return Files.createTempFile(dir, prefix, suffix);
    }

    @Override
    public FileChannel open(Path temp) throws IOException {
      return FileChannel.open(temp, StandardOpenOption.WRITE);
    }

    @Override
    public void force(FileChannel channel) throws IOException {
      channel.force(true);
    }

    @Override
    public void close(FileChannel channel) throws IOException {
      channel.close();
    }

    @Override
    public void move(Path from, Path to) throws IOException {
      try {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      }
    }

    @Override
    public void delete(Path path) throws IOException {
      Files.deleteIfExists(path);
    }
  };

  private final Path target;
  private final FileOps ops;

  public FileBodyHandler(Path target, FileOps ops) {
    this.target = target;
    this.ops = ops;
  }

  @Override
  public CompletableFuture<Path> handle(ResponseInfo info, ResponseBody body, Executor blocking) {
    Path dir = target.toAbsolutePath().getParent();
    Path temp;
    FileChannel channel;
    try {
      temp = ops.createTemp(dir, "." + target.getFileName() + ".", ".part");
    } catch (IOException e) {
      body.close();
      return CompletableFuture.failedFuture(new UncheckedIOException("cannot create a temporary file in " + dir, e));
    }
    try {
      channel = ops.open(temp);
    } catch (IOException e) {
      body.close();
      deleteQuietly(temp);
      return CompletableFuture.failedFuture(new UncheckedIOException("cannot open " + temp, e));
    }
    // The transfer completes on an I/O thread: the sync, close and rename go back to the executor.
    return body.transferTo(channel, 0).handleAsync((n, err) -> finish(channel, temp, err), blocking);
  }

  private Path finish(FileChannel channel, Path temp, Throwable err) {
    try {
      try {
        if (err != null) {
          throw err;
        }
        ops.force(channel);
      } finally {
        ops.close(channel);
      }
    } catch (Throwable t) {
      deleteQuietly(temp);
      throw t instanceof RuntimeException r ? r : new CompletionException(t);
    }
    try {
      ops.move(temp, target);
    } catch (IOException e) {
      deleteQuietly(temp);
      throw new UncheckedIOException("cannot move the download into " + target, e);
    }
    return target;
  }

  private void deleteQuietly(Path p) {
    try {
      ops.delete(p);
    } catch (IOException ignored) {
      // The temporary file is owner-only and named as such; nothing better to do.
    }
  }
}
