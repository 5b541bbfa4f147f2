package dev.haul.cache.internal;

import dev.haul.Headers;
import dev.haul.Origin;
import dev.haul.Request;
import dev.haul.ResponseBody;
import dev.haul.cache.CacheConfig;
import dev.haul.cache.CacheControl;
import dev.haul.cache.CacheMode;
import dev.haul.cache.CacheOptions;
import dev.haul.cache.CachePolicy;
import dev.haul.cache.CacheStats;
import dev.haul.cache.CacheStore;
import dev.haul.cache.HttpCache;
import dev.haul.cache.StoredResponse;
import dev.haul.spi.EventListener;
import dev.haul.spi.RawResponse;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache stage: looks the request up, applies {@link CacheStrategy}'s decision, validates,
 * stores through a {@link TeeBody}, invalidates after unsafe methods, coalesces concurrent misses
 * and labels every response with {@code Cache-Status}.
 */
public final class DefaultHttpCache implements HttpCache {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultHttpCache.class);
  static final String NAME = "haul";
  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
      "transfer-encoding", "upgrade", "trailer", "proxy-authenticate", "proxy-authorization", "cache-status");
  private static final List<String> CONDITIONALS = List.of("If-None-Match", "If-Modified-Since", "If-Match",
      "If-Unmodified-Since", "If-Range");

  private final CacheConfig config;
  private final CacheStore store;
  private final CachePolicy defaultPolicy;
  private final Map<Origin, CachePolicy> originPolicies;
  private final Clock clock;
  private final EventListener events;
  private final CacheMode mode;
  private final Map<String, CompletableFuture<Void>> inflight = new ConcurrentHashMap<>();
  private final Set<String> revalidating = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder conditionalHits = new LongAdder();
  private final LongAdder staleServed = new LongAdder();
  private final LongAdder stored = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder evictedBytes = new LongAdder();

  public DefaultHttpCache(CacheConfig config, CacheStore store, CachePolicy defaultPolicy,
      Map<Origin, CachePolicy> originPolicies, Clock clock, EventListener events) {
    this.config = config;
    this.store = store;
    this.defaultPolicy = defaultPolicy;
    this.originPolicies = originPolicies;
    this.clock = clock;
    this.events = EventListener.composite(List.of(events));
    this.mode = config.mode();
    store.addEvictionListener((key, bytes, cause) -> {
      evictions.increment();
      evictedBytes.add(Math.max(0, bytes));
      uri(key).ifPresent(u -> this.events.cacheEvicted(u, bytes, cause));
    });
  }

  @Override
  public CompletableFuture<RawResponse> intercept(Chain chain) {
    Request request = chain.request();
    if (!config.enabled()) {
      return chain.proceed(request);
    }
    try {
      return handle(chain, request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<RawResponse> handle(Chain chain, Request request) {
    CacheOptions options = request.tag(CacheOptions.class).orElse(null);
    if (options != null && options.isBypass()) {
      return forward(chain, request, "bypass");
    }
    String method = request.method();
    if (!"GET".equals(method)) {
      if ("HEAD".equals(method) && !passesThrough(request)) {
        return headFromStoredGet(chain, request, options);
      }
      if (SAFE.contains(method)) {
        return forward(chain, request, "method");
      }
      return chain.proceed(request)
          .thenCompose(r -> invalidateAfter(request, r))
          .thenApply(r -> withStatus(r, "fwd=method; fwd-status=" + r.status()));
    }
    if (passesThrough(request)) {
      return forward(chain, request, "request");
    }
    return lookup(new Exchange(chain, request, key(request.uri()), policy(request, options)), true);
  }

  private CachePolicy policy(Request request, CacheOptions options) {
    return options != null && options.chosenPolicy().isPresent() ? options.chosenPolicy().get()
        : originPolicies.getOrDefault(request.origin(), defaultPolicy);
  }

  /** Ranges, the caller's own validators and no-store go to the origin untouched. */
  private static boolean passesThrough(Request request) {
    return request.headers().contains("Range") || hasConditional(request.headers())
        || CacheControl.of(request.headers()).has("no-store");
  }

  /**
   * A HEAD answered by a fresh stored GET response (its head, with the GET body's length); anything
   * else (nothing stored, stale, another variant) goes to the origin, which is not stored.
   */
  private CompletableFuture<RawResponse> headFromStoredGet(Chain chain, Request request, CacheOptions options) {
    Exchange x = new Exchange(chain, request, key(request.uri()), policy(request, options));
    CompletableFuture<Optional<CacheStore.Entry>> found;
    try {
      found = store.get(x.key);
    } catch (RuntimeException e) {
      found = CompletableFuture.failedFuture(e);
    }
    return found.exceptionally(e -> Optional.empty()).thenCompose(o -> {
      CacheStore.Entry entry = o.orElse(null);
      if (entry != null) {
        StoredResponse s = entry.response();
        CacheStrategy.Decision d = varyMatches(s, request)
            ? CacheStrategy.decide(clock.instant(), request.headers(), s, x.policy.freshnessLifetime(s, mode), mode)
            : null;
        entry.body().close();
        if (d != null && d.action() == CacheStrategy.Action.HIT) {
          hits.increment();
          RawResponse full = serve(request, entry, s, d, "hit; ttl=" + d.ttlSeconds());
          RawResponse head = full.toBuilder().body(ResponseBody.empty()).build();
          x.listener().cacheHit(request, head);
          return CompletableFuture.completedFuture(head);
        }
      }
      return forward(chain, request, "method");
    });
  }

  /** One request going through the cache. */
  private record Exchange(Chain chain, Request request, String key, CachePolicy policy) {
    EventListener listener() {
      return chain.listener();
    }
  }

  private CompletableFuture<RawResponse> forward(Chain chain, Request request, String reason) {
    return chain.proceed(request).thenApply(r -> withStatus(r, "fwd=" + reason + "; fwd-status=" + r.status()));
  }

  private CompletableFuture<RawResponse> lookup(Exchange x, boolean mayCoalesce) {
    CompletableFuture<Optional<CacheStore.Entry>> found;
    try {
      found = store.get(x.key);
    } catch (RuntimeException e) {
      found = CompletableFuture.failedFuture(e);
    }
    return found.exceptionally(e -> {
      LOG.debug("cache lookup failed; treated as a miss", e);
      return Optional.empty();
    }).thenCompose(o -> {
      CacheStore.Entry entry = o.orElse(null);
      String miss = "uri-miss";
      if (entry != null && !varyMatches(entry.response(), x.request)) {
        entry.body().close();
        entry = null;
        miss = "vary-miss";
      }
      return entry == null ? miss(x, miss, mayCoalesce) : withEntry(x, entry);
    });
  }

  private CompletableFuture<RawResponse> miss(Exchange x, String label, boolean mayCoalesce) {
    if (onlyIfCached(x.request)) {
      return CompletableFuture.completedFuture(gatewayTimeout(x));
    }
    Duration wait = config.coalesceTimeout();
    if (mayCoalesce && !wait.isZero()) {
      CompletableFuture<Void> mine = new CompletableFuture<>();
      CompletableFuture<Void> leader = inflight.putIfAbsent(x.key, mine);
      if (leader != null) {
        // Another call is fetching this URI: wait for its entry, then look again (once).
        return leader.copy().completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS)
            .handle((v, e) -> null)
            .thenCompose(v -> lookup(x, false));
      }
      Runnable done = () -> {
        inflight.remove(x.key, mine);
        mine.complete(null);
      };
      return fetch(x, x.request, label, null, done);
    }
    return fetch(x, x.request, label, null, () -> {});
  }

  private CompletableFuture<RawResponse> withEntry(Exchange x, CacheStore.Entry entry) {
    StoredResponse s = entry.response();
    Duration lifetime = x.policy.freshnessLifetime(s, mode);
    CacheStrategy.Decision d = CacheStrategy.decide(clock.instant(), x.request.headers(), s, lifetime, mode);
    switch (d.action()) {
      case HIT -> {
        hits.increment();
        RawResponse r = serve(x.request, entry, s, d, "hit; ttl=" + d.ttlSeconds());
        x.listener().cacheHit(x.request, r);
        return CompletableFuture.completedFuture(r);
      }
      case STALE_HIT -> {
        hits.increment();
        staleServed.increment();
        RawResponse r = serve(x.request, entry, s, d, "hit; ttl=" + d.ttlSeconds() + "; detail=max-stale");
        x.listener().cacheStaleServed(x.request, r, "max-stale");
        return CompletableFuture.completedFuture(r);
      }
      case STALE_WHILE_REVALIDATE -> {
        hits.increment();
        staleServed.increment();
        if (!onlyIfCached(x.request)) {
          revalidateInBackground(x, s);
        }
        RawResponse r = serve(x.request, entry, s, d, "hit; ttl=" + d.ttlSeconds() + "; detail=stale-while-revalidate");
        x.listener().cacheStaleServed(x.request, r, "stale-while-revalidate");
        return CompletableFuture.completedFuture(r);
      }
      default -> {
        if (onlyIfCached(x.request)) {
          entry.body().close();
          return CompletableFuture.completedFuture(gatewayTimeout(x));
        }
        String label = d.fresh() ? "request" : "stale";
        // Without validators the request goes as it is; the entry is kept for stale-if-error only.
        Request network = d.action() == CacheStrategy.Action.VALIDATE ? conditional(x.request, s) : x.request;
        return fetch(x, network, label, entry, () -> {});
      }
    }
  }

  /**
   * Sends {@code network} and handles the answer. With a stored {@code entry}, {@code network} is
   * either a conditional request validating it (a 304 refreshes it) or, when it has no validators,
   * the request as it is (the entry then only answers errors, as stale-if-error allows).
   * {@code done} runs once the outcome is in the store (or known not to be), releasing calls
   * coalesced on this one.
   */
  private CompletableFuture<RawResponse> fetch(Exchange x, Request network, String label, CacheStore.Entry entry,
      Runnable done) {
    if (entry == null) {
      misses.increment();
      x.listener().cacheMiss(x.request);
    }
    Instant requestTime = clock.instant();
    CompletableFuture<RawResponse> sent;
    try {
      sent = x.chain.proceed(network);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.handle((resp, err) -> {
      Instant responseTime = clock.instant();
      if (err != null) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (entry != null && staleIfError(x, entry.response())) {
          done.run();
          return CompletableFuture.completedFuture(serveOnError(x, entry, "fwd=" + label + "; detail=stale-if-error"));
        }
        if (entry != null) {
          entry.body().close();
        }
        done.run();
        return CompletableFuture.<RawResponse>failedFuture(cause);
      }
      if (entry != null) {
        if (resp.status() == 304 && network != x.request) {
          return refreshed(x, entry, resp, requestTime, responseTime, done);
        }
        if (isServerError(resp.status()) && staleIfError(x, entry.response())) {
          resp.body().close();
          done.run();
          return CompletableFuture.completedFuture(
              serveOnError(x, entry, "fwd=" + label + "; fwd-status=" + resp.status() + "; detail=stale-if-error"));
        }
        entry.body().close();
        misses.increment();
        x.listener().cacheMiss(x.request);
      }
      return CompletableFuture.completedFuture(storeOrPass(x, resp, requestTime, responseTime, label, done));
    }).thenCompose(f -> f);
  }

  private RawResponse storeOrPass(Exchange x, RawResponse resp, Instant requestTime, Instant responseTime,
      String label, Runnable done) {
    String status = "fwd=" + label + "; fwd-status=" + resp.status();
    long maxEntry = Math.min(config.maxEntrySize(), store.maxSize());
    boolean fits = resp.body().contentLength().orElse(0) <= maxEntry;
    if (closed.get() || !fits || !x.policy.isStorable(x.request, resp, mode)) {
      done.run();
      return withStatus(resp, status);
    }
    TeeBody tee;
    try {
      CacheStore.Editor editor = store.edit(x.key, stored(x.request, resp, requestTime, responseTime));
      tee = new TeeBody(resp.body(), editor, maxEntry);
    } catch (RuntimeException e) {
      LOG.debug("cache entry cannot be written", e);
      done.run();
      return withStatus(resp, status);
    }
    EventListener listener = x.listener();
    tee.stored().whenComplete((bytes, e) -> {
      if (bytes != null && bytes >= 0) {
        stored.increment();
        listener.cacheStored(x.request, bytes);
      }
      done.run();
    });
    return withStatus(resp.toBuilder().body(tee).build(), status + "; stored");
  }

  /** RFC 9111 §4.3.4: a 304 refreshes the stored head, and the stored body answers. */
  private CompletableFuture<RawResponse> refreshed(Exchange x, CacheStore.Entry entry, RawResponse notModified,
      Instant requestTime, Instant responseTime, Runnable done) {
    notModified.body().close();
    StoredResponse old = entry.response();
    String newTag = notModified.headers().get("ETag");
    String oldTag = old.headers().get("ETag");
    if (newTag != null && oldTag != null && !weakMatch(newTag, oldTag)) {
      // The 304 selects a response we do not have: ask again without validators.
      entry.body().close();
      return fetch(x, x.request, "stale", null, done);
    }
    StoredResponse updated = old.refreshed(merge(old.headers(), notModified.headers()), requestTime, responseTime);
    CompletableFuture<Boolean> update;
    try {
      update = store.update(x.key, updated);
    } catch (RuntimeException e) {
      update = CompletableFuture.failedFuture(e);
    }
    return update.exceptionally(e -> false).thenApply(ok -> {
      conditionalHits.increment();
      Duration lifetime = x.policy.freshnessLifetime(updated, mode);
      CacheStrategy.Decision d = CacheStrategy.decide(clock.instant(), Headers.empty(), updated, lifetime, mode);
      RawResponse r = serve(x.request, entry, updated, d, "fwd=stale; fwd-status=304; ttl=" + d.ttlSeconds());
      x.listener().cacheConditionalHit(x.request, r);
      done.run();
      return r;
    });
  }

  private RawResponse serveOnError(Exchange x, CacheStore.Entry entry, String status) {
    StoredResponse s = entry.response();
    Duration lifetime = x.policy.freshnessLifetime(s, mode);
    CacheStrategy.Decision d = CacheStrategy.decide(clock.instant(), Headers.empty(), s, lifetime, mode);
    staleServed.increment();
    RawResponse r = serve(x.request, entry, s, d, status + "; ttl=" + d.ttlSeconds());
    x.listener().cacheStaleServed(x.request, r, "stale-if-error");
    return r;
  }

  private boolean staleIfError(Exchange x, StoredResponse s) {
    return CacheStrategy.staleIfError(clock.instant(), x.request.headers(), s, x.policy.freshnessLifetime(s, mode), mode);
  }

  /** RFC 5861 §3: one background revalidation per key at a time; the stale response answers meanwhile. */
  private void revalidateInBackground(Exchange x, StoredResponse s) {
    if (!revalidating.add(x.key)) {
      return;
    }
    boolean validators = s.headers().contains("ETag") || s.headers().contains("Last-Modified");
    Request network = validators ? conditional(x.request, s) : x.request;
    Instant requestTime = clock.instant();
    CompletableFuture<RawResponse> sent;
    try {
      sent = x.chain.proceed(network);
    } catch (RuntimeException e) {
      revalidating.remove(x.key);
      return;
    }
    sent.whenComplete((resp, err) -> {
      if (err != null) {
        revalidating.remove(x.key);
        LOG.debug("background revalidation failed", err);
        return;
      }
      Instant responseTime = clock.instant();
      if (resp.status() == 304 && validators) {
        resp.body().close();
        StoredResponse updated = s.refreshed(merge(s.headers(), resp.headers()), requestTime, responseTime);
        store.update(x.key, updated).whenComplete((ok, e) -> {
          revalidating.remove(x.key);
          if (Boolean.TRUE.equals(ok)) {
            conditionalHits.increment();
          }
        });
        return;
      }
      RawResponse passed = storeOrPass(x, resp, requestTime, responseTime, "stale", () -> revalidating.remove(x.key));
      passed.body().subscribe(new Discard());
    });
  }

  // ---- invalidation (RFC 9111 §4.4)

  private CompletableFuture<RawResponse> invalidateAfter(Request request, RawResponse r) {
    if (r.status() < 200 || r.status() >= 400) {
      return CompletableFuture.completedFuture(r);
    }
    List<URI> targets = new ArrayList<>();
    targets.add(request.uri());
    for (String field : List.of("Location", "Content-Location")) {
      String v = r.headers().get(field);
      if (v != null) {
        try {
          URI u = request.uri().resolve(v.trim());
          if (u.isAbsolute() && Origin.of(u).equals(request.origin())) {
            targets.add(u);
          }
        } catch (RuntimeException e) {
          // not a URI reference: nothing to invalidate
        }
      }
    }
    List<CompletableFuture<Long>> removals = new ArrayList<>();
    for (URI u : targets) {
      String key = key(u);
      CompletableFuture<Long> f;
      try {
        f = store.remove(key);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      removals.add(f.exceptionally(e -> -1L).thenApply(bytes -> {
        if (bytes >= 0) {
          events.cacheEvicted(u, bytes, "invalidated");
        }
        return bytes;
      }));
    }
    return CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)).thenApply(v -> r);
  }

  // ---- responses

  private RawResponse serve(Request request, CacheStore.Entry entry, StoredResponse s, CacheStrategy.Decision d,
      String status) {
    Headers.Builder h = s.headers().toBuilder()
        .set("Age", Long.toString(Math.min(CacheControl.MAX_DELTA_SECONDS, Math.max(0, d.ageMillis() / 1000))));
    if (s.status() != 204 && s.status() != 304) {
      h.set("Content-Length", Long.toString(entry.bodySize())); // the stored (decoded) length
    }
    h.add("Cache-Status", NAME + "; " + status);
    return RawResponse.builder().request(request).status(s.status()).headers(h.build()).body(entry.body()).build();
  }

  private static RawResponse withStatus(RawResponse r, String status) {
    return r.toBuilder().headers(r.headers().toBuilder().add("Cache-Status", NAME + "; " + status).build()).build();
  }

  private RawResponse gatewayTimeout(Exchange x) {
    misses.increment();
    x.listener().cacheMiss(x.request);
    return RawResponse.builder().request(x.request).status(504)
        .headers(Headers.of("Content-Length", "0", "Cache-Status", NAME + "; detail=only-if-cached"))
        .body(ResponseBody.empty()).build();
  }

  private static boolean hasConditional(Headers h) {
    for (String name : CONDITIONALS) {
      if (h.contains(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean onlyIfCached(Request request) {
    return CacheControl.of(request.headers()).has("only-if-cached");
  }

  private static boolean isServerError(int status) {
    return status == 500 || status == 502 || status == 503 || status == 504;
  }

  private static Request conditional(Request request, StoredResponse s) {
    Request.Builder b = request.toBuilder();
    String etag = s.headers().get("ETag");
    if (etag != null) {
      b.setHeader("If-None-Match", etag);
    }
    String lastModified = s.headers().get("Last-Modified");
    if (lastModified != null) {
      b.setHeader("If-Modified-Since", lastModified);
    }
    return b.build();
  }

  private StoredResponse stored(Request request, RawResponse resp, Instant requestTime, Instant responseTime) {
    Headers.Builder h = Headers.builder();
    Set<String> connectionOptions = connectionOptions(resp.headers());
    for (int i = 0; i < resp.headers().size(); i++) {
      String n = resp.headers().name(i);
      String lower = n.toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(lower) && !connectionOptions.contains(lower)) {
        h.add(n, resp.headers().value(i));
      }
    }
    Headers.Builder vary = Headers.builder();
    for (String name : varyNames(resp.headers())) {
      for (String v : request.headers().all(name)) {
        vary.add(name, v);
      }
    }
    return new StoredResponse("GET", request.uri(), resp.status(), h.build(), vary.build(), requestTime, responseTime);
  }

  /** §3.2: the 304's fields replace the stored ones, except Content-Length and hop-by-hop fields. */
  static Headers merge(Headers stored, Headers fresh) {
    Headers.Builder b = stored.toBuilder();
    Set<String> connectionOptions = connectionOptions(fresh);
    for (String name : fresh.names()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("content-length") || HOP_BY_HOP.contains(lower) || connectionOptions.contains(lower)) {
        continue;
      }
      b.remove(name);
      for (String v : fresh.all(name)) {
        b.add(name, v);
      }
    }
    return b.build();
  }

  private static Set<String> connectionOptions(Headers h) {
    Set<String> out = new java.util.HashSet<>();
    for (String v : h.all("Connection")) {
      for (String o : v.split(",")) {
        out.add(o.trim().toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  /** §4.1: the request's fields named by the stored response's Vary match the stored ones. */
  static boolean varyMatches(StoredResponse s, Request request) {
    for (String name : varyNames(s.headers())) {
      if (name.equals("*")) {
        return false;
      }
      if (!normalize(request.headers().all(name)).equals(normalize(s.varyHeaders().all(name)))) {
        return false;
      }
    }
    return true;
  }

  static List<String> varyNames(Headers h) {
    List<String> names = new ArrayList<>();
    for (String v : h.all("Vary")) {
      for (String n : v.split(",")) {
        String t = n.trim();
        if (!t.isEmpty()) {
          names.add(t);
        }
      }
    }
    return names;
  }

  // Field values compared after joining lines and dropping whitespace around commas (§4.1 allows it).
  private static String normalize(List<String> values) {
    StringBuilder sb = new StringBuilder();
    for (String v : values) {
      for (String part : v.split(",")) {
        if (sb.length() > 0) {
          sb.append(',');
        }
        sb.append(part.trim());
      }
    }
    return sb.toString();
  }

  private static boolean weakMatch(String a, String b) {
    return strip(a).equals(strip(b));
  }

  private static String strip(String tag) {
    String t = tag.trim();
    return t.startsWith("W/") ? t.substring(2) : t;
  }

  static String key(URI uri) {
    String s = uri.toString();
    int hash = s.indexOf('#');
    return hash < 0 ? s : s.substring(0, hash);
  }

  private static Optional<URI> uri(String key) {
    try {
      return Optional.of(URI.create(key));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  // ---- the HttpCache API

  @Override
  public CacheStats stats() {
    return new CacheStats(hits.sum(), misses.sum(), conditionalHits.sum(), staleServed.sum(), stored.sum(),
        evictions.sum(), evictedBytes.sum(), store.size(), store.entryCount());
  }

  @Override
  public CacheConfig config() {
    return config;
  }

  @Override
  public CacheStore store() {
    return store;
  }

  @Override
  public CompletableFuture<Boolean> invalidate(URI uri) {
    return store.remove(key(uri)).thenApply(bytes -> {
      if (bytes >= 0) {
        events.cacheEvicted(uri, bytes, "invalidated");
      }
      return bytes >= 0;
    });
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      store.close();
    }
  }

  @Override
  public String toString() {
    return "HttpCache{" + mode.name().toLowerCase(Locale.ROOT) + ", " + defaultPolicy + "}";
  }

  /** Reads a background revalidation's body to its end (the tee stores it). */
  private static final class Discard implements Flow.Subscriber<List<ByteBuffer>> {
    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onComplete() {}
  }
}
