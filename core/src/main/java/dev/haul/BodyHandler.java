package dev.haul;

import java.util.concurrent.CompletableFuture;

/**
 * Turns a streaming {@link ResponseBody} into a value once the response headers are known. Ready
 * handlers are in {@link BodyHandlers}. A handler must consume the body to the end or close it.
 *
 * <p>{@code handle} is called on the thread that received the response headers, which may be a
 * transport I/O thread: it must not block (no file or network I/O, no waiting). A handler with
 * steps that block implements {@link dev.haul.spi.BlockingBodyHandler} and is handed an executor
 * for them, as {@link BodyHandlers#ofFile} does.
 *
 * @param <T> the body type
 */
@FunctionalInterface
public interface BodyHandler<T> {
  /** Starts consuming {@code body}; the future completes with the value or the failure. */
  CompletableFuture<T> handle(ResponseInfo info, ResponseBody body);

  /**
   * The handler to use for one call. A client calls this once per call, on the thread that calls
   * {@code send} or {@code sendAsync} and before anything is sent, and then uses the returned
   * handler for that call's response. It lets a handler capture what only the caller's thread has
   * (its stack, for a report that names the caller; a logging or tracing context) although
   * {@link #handle} runs elsewhere. It must be cheap and must not block. By default, this handler.
   */
  default BodyHandler<T> forCall() {
    return this;
  }
}
