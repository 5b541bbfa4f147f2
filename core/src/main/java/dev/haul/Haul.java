package dev.haul;

import static java.util.Objects.requireNonNull;

import dev.haul.internal.DefaultHaulClient;
import dev.haul.spi.CacheStage;
import dev.haul.spi.EventListener;
import dev.haul.spi.Interceptor;
import dev.haul.spi.RetryPolicy;
import dev.haul.spi.Ticker;
import dev.haul.spi.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Entry point for building a {@link HaulClient} without dependency injection:
 *
 * <pre>{@code
 * HaulClient client = Haul.newBuilder()
 *     .transport(NettyTransport.create())
 *     .config(HaulConfig.from(ConfigSource.system()))
 *     .build();
 * }</pre>
 *
 * <p>{@link CoreModule} reaches the same constructor, so both paths build the same client.
 */
public final class Haul {

  private Haul() {}

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Builds a client. Only the transport is required. */
  public static final class Builder {
    private HaulConfig config = HaulConfig.defaults();
    private Transport transport;
    private RetryPolicy retryPolicy;
    private final List<Interceptor> interceptors = new ArrayList<>();
    private final List<Interceptor> networkInterceptors = new ArrayList<>();
    private final List<EventListener> listeners = new ArrayList<>();
    private final List<EventListener.Factory> listenerFactories = new ArrayList<>();
    private CacheStage cache;
    private Ticker ticker = Ticker.systemTicker();
    private Executor callbackExecutor;
    private BearerAuth bearerAuth;

    private Builder() {}

    public Builder config(HaulConfig config) {
      this.config = requireNonNull(config, "config is null");
      return this;
    }

    /** The transport; the client owns it and closes it on {@link HaulClient#close()}. */
    public Builder transport(Transport transport) {
      this.transport = requireNonNull(transport, "transport is null");
      return this;
    }

    /** The retry policy; by default {@link RetryPolicy#fromConfig} of the configuration. */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = requireNonNull(policy, "policy is null");
      return this;
    }

    /** An application interceptor: sees each call once, before redirects and retries. */
    public Builder addInterceptor(Interceptor interceptor) {
      interceptors.add(requireNonNull(interceptor, "interceptor is null"));
      return this;
    }

    /** A network interceptor: sees each attempt, must proceed exactly once. */
    public Builder addNetworkInterceptor(Interceptor interceptor) {
      networkInterceptors.add(requireNonNull(interceptor, "interceptor is null"));
      return this;
    }

    /**
     * A shared listener: receives the events of every call and those of no call (module events,
     * cache evictions). Listeners are called in the order added.
     */
    public Builder addEventListener(EventListener listener) {
      listeners.add(requireNonNull(listener, "listener is null"));
      return this;
    }

    /**
     * A factory of per-call listeners: {@code factory.create(call)} runs as each call starts and
     * its listener receives that call's events (after the shared listeners).
     */
    public Builder addEventListenerFactory(EventListener.Factory factory) {
      listenerFactories.add(requireNonNull(factory, "factory is null"));
      return this;
    }

    /**
     * The HTTP cache, in the chain's cache slot (after retries, before the circuit breaker). By
     * default there is none, and the slot costs nothing.
     */
    public Builder cache(CacheStage cache) {
      this.cache = requireNonNull(cache, "cache is null");
      return this;
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker is null");
      return this;
    }

    /**
     * Where {@code sendAsync} completions and the blocking steps of body handlers (the file work
     * of {@link BodyHandlers#ofFile}) run; by default a cached pool of daemon threads. It must be
     * free to block: a direct executor would run that file work on the transport's I/O threads.
     */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = requireNonNull(executor, "executor is null");
      return this;
    }

    /**
     * A Bearer key sent only to its origins, on every hop (instead of {@code haul.auth.*} in the
     * configuration).
     */
    public Builder bearerAuth(BearerAuth auth) {
      this.bearerAuth = requireNonNull(auth, "auth is null");
      return this;
    }

    public HaulClient build() {
      if (transport == null) {
        throw new IllegalStateException(
            "no Transport is set: call transport(new NettyTransport(...)) (haul-transport-netty)");
      }
      RetryPolicy policy = retryPolicy != null ? retryPolicy : RetryPolicy.fromConfig(config);
      return new DefaultHaulClient(new DefaultHaulClient.Parts(config, transport, policy,
          interceptors, networkInterceptors, listeners, listenerFactories, cache, ticker,
          callbackExecutor, bearerAuth));
    }
  }
}
