package dev.haul.internal;

import dev.haul.spi.Interceptor;
import dev.haul.spi.RawResponse;
import java.util.concurrent.CompletableFuture;

/**
 * One of Haul's own stages. What user interceptors need is on {@link Interceptor.Chain}; a stage
 * also needs the call's internal state (what is in flight, how far its attempts got), which the
 * chain hands it directly instead of exposing it on the public chain or having stages cast to it.
 */
interface Stage extends Interceptor {

  /** Handles the call with access to its state. */
  CompletableFuture<RawResponse> intercept(Interceptor.Chain chain, CallState call);

  /** A stage runs only inside a client's chain, which calls the two-argument form. */
  @Override
  default CompletableFuture<RawResponse> intercept(Interceptor.Chain chain) {
    throw new IllegalStateException(getClass().getSimpleName() + " runs only inside a Haul client's chain");
  }
}
