package dev.haul.internal;

import dev.haul.HaulConfig;
import dev.haul.HaulException;
import dev.haul.Request;
import dev.haul.Timeouts;
import dev.haul.spi.EventListener;
import dev.haul.spi.Exchange;
import dev.haul.spi.Interceptor;
import dev.haul.spi.RawResponse;
import dev.haul.spi.Transport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The end of the chain: resolves the attempt's timeouts (configuration, request overrides, time
 * left before the deadline), reports attempt events and hands the exchange to the transport.
 */
public final class TransportInterceptor implements Stage {

  private final Transport transport;
  private final HaulConfig config;

  public TransportInterceptor(Transport transport, HaulConfig config) {
    this.transport = transport;
    this.config = config;
  }

  @Override
  public CompletableFuture<RawResponse> intercept(Chain chain, CallState call) {
    Request request = chain.request();
    Timeouts timeouts = request.timeoutOverrides().isEmpty() ? config.timeouts()
        : config.timeouts().withOverrides(request.timeoutOverrides());
    if (call.timeLeft().isPresent()) {
      Duration left = call.timeLeft().get();
      timeouts = timeouts.cappedAt(left);
      call.cappedAt(left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left);
    }
    EventListener listener = call.listener();
    call.attemptStarted();
    listener.requestStart(request);
    long ticket = call.ticket();
    CompletableFuture<RawResponse> f = transport.execute(
        new Exchange(request, timeouts, call.attemptListener(), call.takeFreshConnection()));
    call.track(ticket, f);
    return f.handle((r, err) -> {
      if (err != null) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        Throwable mapped = call.deadlineOr(cause);
        if (mapped instanceof HaulException h) {
          call.attemptEnded(h.sendState());
          listener.attemptFailed(request, h);
        } else {
          call.attemptEnded(call.furthest()); // cancelled or a bug: as far as it was known to get
        }
        throw new CompletionException(mapped);
      }
      call.responseStarted();
      listener.responseHeaders(request, r);
      return r;
    });
  }
}
