package dev.haul.internal;

import dev.haul.Request;
import dev.haul.spi.Interceptor;
import dev.haul.spi.RawResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Adds the headers every request carries unless the caller set them: User-Agent, unless the
 * configured value is empty (then requests go without one).
 */
public final class BridgeInterceptor implements Interceptor {

  private final String userAgent;

  public BridgeInterceptor(String userAgent) {
    this.userAgent = userAgent;
  }

  @Override
  public CompletableFuture<RawResponse> intercept(Chain chain) {
    Request r = chain.request();
    if (!userAgent.isEmpty() && !r.headers().contains("User-Agent")) {
      r = r.toBuilder().setHeader("User-Agent", userAgent).build();
    }
    return chain.proceed(r);
  }
}
