package dev.haul;

import java.io.InputStream;
import java.util.concurrent.CompletableFuture;

/**
 * The handler behind {@link BodyHandlers#ofInputStream()}. A stream dropped without
 * {@code close()} is reported with the stack of the call that asked for it: {@link #forCall()}
 * captures that stack on the caller's thread (the handler itself runs where the headers arrive).
 * The shared instance holds no state: one instance serves any number of calls.
 */
final class InputStreamBodyHandler implements BodyHandler<InputStream> {

  static final InputStreamBodyHandler INSTANCE = new InputStreamBodyHandler();

  private InputStreamBodyHandler() {}

  /** Binds the calling thread's stack (null when no report would be logged) to this call. */
  @Override
  public BodyHandler<InputStream> forCall() {
    Throwable callSite = BodyInputStream.openingStack();
    return new BodyHandler<>() {
      @Override
      public CompletableFuture<InputStream> handle(ResponseInfo info, ResponseBody body) {
        return stream(info, body, callSite);
      }

      @Override
      public BodyHandler<InputStream> forCall() {
        return INSTANCE.forCall(); // re-used for another call: name that call
      }
    };
  }

  /** Called outside a client: the caller of this method is the call site. */
  @Override
  public CompletableFuture<InputStream> handle(ResponseInfo info, ResponseBody body) {
    return stream(info, body, BodyInputStream.openingStack());
  }

  private static CompletableFuture<InputStream> stream(ResponseInfo info, ResponseBody body, Throwable callSite) {
    BodyInputStream in = new BodyInputStream(info.request().uri(), callSite);
    body.subscribe(in.subscriber());
    return CompletableFuture.completedFuture(in);
  }
}
