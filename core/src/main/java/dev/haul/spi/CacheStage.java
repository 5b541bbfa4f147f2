package dev.haul.spi;

/**
 * An HTTP cache in the chain's cache slot: after redirects and retries, before the circuit
 * breaker, the bridge and auth (see {@link Interceptor}). A client has at most one, installed with
 * {@code Haul.Builder.cache(...)} or bound with {@code CoreModule.cacheBinder(binder)}; without one
 * the slot is left out of the chain and costs nothing.
 *
 * <p>It is an application-level interceptor: it may answer from its store without proceeding,
 * proceed with a conditional request, or proceed later (a background revalidation). It reports
 * what it does with the cache events of {@link Interceptor.Chain#listener()}
 * ({@link EventListener#cacheHit}, {@link EventListener#cacheMiss}, ...).
 */
public interface CacheStage extends Interceptor {}
