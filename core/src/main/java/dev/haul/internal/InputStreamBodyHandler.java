package dev.haul.internal;

import dev.haul.BodyHandler;
import dev.haul.ResponseBody;
import dev.haul.ResponseInfo;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;

/**
 * The handler behind {@link dev.haul.BodyHandlers#ofInputStream()}. A stream dropped without
 * {@code close()} is reported with the stack of the call that asked for it; the handler runs where
 * the headers arrive, so the client captures that stack on the caller's thread ({@link #callSite})
 * and passes it in. The handler holds no state: one instance serves any number of calls.
 */
public final class InputStreamBodyHandler implements BodyHandler<InputStream> {

  public static final InputStreamBodyHandler INSTANCE = new InputStreamBodyHandler();

  private InputStreamBodyHandler() {}

  /**
   * The calling thread's stack, to name in the report of a dropped stream; null when no report
   * would be logged, so nothing is captured for nothing. Call it on the caller's thread.
   */
  public static Throwable callSite() {
    return BodyInputStream.openingStack();
  }

  /** Starts streaming {@code body}; {@code callSite} is shown if the stream is dropped (may be null). */
  public CompletableFuture<InputStream> handle(ResponseInfo info, ResponseBody body, Throwable callSite) {
    BodyInputStream in = new BodyInputStream(info.request().uri(), callSite);
    body.subscribe(in.subscriber());
    return CompletableFuture.completedFuture(in);
  }

  /** Called outside a client: the caller of this method is the call site. */
  @Override
  public CompletableFuture<InputStream> handle(ResponseInfo info, ResponseBody body) {
    return handle(info, body, callSite());
  }
}
