package dev.haul.internal;

import dev.haul.BearerAuth;
import dev.haul.Request;
import dev.haul.spi.Interceptor;
import dev.haul.spi.RawResponse;
import java.util.concurrent.CompletableFuture;

/** Adds the Bearer key on each hop that goes to one of its origins (after redirects). */
public final class BearerAuthInterceptor implements Interceptor {

  private final BearerAuth auth;

  public BearerAuthInterceptor(BearerAuth auth) {
    this.auth = auth;
  }

  @Override
  public CompletableFuture<RawResponse> intercept(Chain chain) {
    Request r = chain.request();
    if (auth.appliesTo(r.origin()) && !r.headers().contains("Authorization")) {
      r = r.toBuilder().setHeader("Authorization", auth.headerValue()).build();
    }
    return chain.proceed(r);
  }
}
