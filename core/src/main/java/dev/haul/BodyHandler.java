package dev.haul;

import java.util.concurrent.CompletableFuture;

/**
 * Turns a streaming {@link ResponseBody} into a value once the response headers are known. Ready
 * handlers are in {@link BodyHandlers}. A handler must consume the body to the end or close it.
 *
 * @param <T> the body type
 */
@FunctionalInterface
public interface BodyHandler<T> {
  /** Starts consuming {@code body}; the future completes with the value or the failure. */
  CompletableFuture<T> handle(ResponseInfo info, ResponseBody body);
}
