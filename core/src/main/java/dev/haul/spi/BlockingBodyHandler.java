package dev.haul.spi;

import dev.haul.BodyHandler;
import dev.haul.ResponseBody;
import dev.haul.ResponseInfo;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A body handler with steps that may block (opening, syncing, renaming files). A client starts it
 * on its callback executor instead of the thread that received the headers, and hands it an
 * executor for its later blocking steps (the callback executor, or the client's fallback threads
 * when that refuses work), so none of them runs on a transport I/O thread. Handlers that never
 * block are plain {@link BodyHandler}s and start where the headers arrive, without a thread
 * hand-off. {@link dev.haul.BodyHandlers#ofFile} is one.
 *
 * @param <T> the body type
 */
public interface BlockingBodyHandler<T> extends BodyHandler<T> {

  /** Starts consuming {@code body}; every blocking step runs on {@code blocking}. */
  CompletableFuture<T> handle(ResponseInfo info, ResponseBody body, Executor blocking);

  /** Called outside a client: blocking steps run on the calling and completing threads. */
  @Override
  default CompletableFuture<T> handle(ResponseInfo info, ResponseBody body) {
    return handle(info, body, Runnable::run);
  }
}
