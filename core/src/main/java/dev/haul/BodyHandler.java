package dev.haul;

import java.util.concurrent.CompletableFuture;

/**
 * Turns a streaming {@link ResponseBody} into a value once the response headers are known. Ready
 * handlers are in {@link BodyHandlers}. A handler must consume the body to the end or close it.
 *
 * <p>{@code handle} is called on the thread that received the response headers, which may be a
 * transport I/O thread: it must not block (no file or network I/O, no waiting). Haul's own
 * handlers that touch the file system ({@link BodyHandlers#ofFile}) run those steps on the
 * client's callback executor.
 *
 * @param <T> the body type
 */
@FunctionalInterface
public interface BodyHandler<T> {
  /** Starts consuming {@code body}; the future completes with the value or the failure. */
  CompletableFuture<T> handle(ResponseInfo info, ResponseBody body);
}
