/**
 * An RFC 9111 HTTP cache for Haul's chain: {@link dev.haul.cache.HttpCache} (the stage, built with
 * {@link dev.haul.cache.HttpCache#builder()} or bound by {@link dev.haul.cache.CacheModule}), its
 * {@link dev.haul.cache.CachePolicy} SPI ({@link dev.haul.cache.Rfc9111Policy},
 * {@link dev.haul.cache.ForcedTtlPolicy}; chosen per request with the
 * {@link dev.haul.cache.CacheOptions} tag and per origin on the builder), its asynchronous
 * {@link dev.haul.cache.CacheStore} SPI ({@link dev.haul.cache.CacheStores}: Caffeine in memory, files
 * on disk) and {@link dev.haul.cache.CacheConfig}.
 *
 * <h2>What is implemented</h2>
 * <ul>
 *   <li>RFC 9111 §3 storing (GET only; {@code no-store}; {@code private} and §3.5 {@code Authorization}
 *       in shared mode; explicit freshness, {@code public}, or a heuristically cacheable status);
 *       hop-by-hop fields are not stored; §3.2 header update from a {@code 304} (all fields but
 *       {@code Content-Length} and hop-by-hop ones).
 *   <li>§4.1 {@code Vary}: the request's values of the named fields are the secondary key; one
 *       variant per URI is kept (a response for another variant replaces it); {@code Vary: *} is
 *       never stored or served.
 *   <li>§4.2 freshness: {@code s-maxage} (shared), {@code max-age}, {@code Expires}/{@code Date},
 *       heuristic 10 % of the {@code Last-Modified} interval capped (1 day by default); §4.2.3 age
 *       with {@code Age}, {@code Date} and the request/response times; an {@code Age} header on every
 *       response served from the store.
 *   <li>§5.2.1 request directives {@code max-age}, {@code max-stale}, {@code min-fresh},
 *       {@code no-cache} (and {@code Pragma: no-cache} without {@code Cache-Control}), {@code no-store},
 *       {@code only-if-cached} (a {@code 504} when nothing stored may answer); §5.2.2 response
 *       directives {@code no-store}, {@code no-cache} (qualified forms treated as unqualified),
 *       {@code must-revalidate}, {@code proxy-revalidate} and {@code s-maxage} (shared),
 *       {@code private}, {@code public}; {@code immutable} needs nothing (a fresh response is never
 *       revalidated unless the request asks).
 *   <li>§4.3 validation with {@code If-None-Match} / {@code If-Modified-Since}; a {@code 304} with
 *       a different entity tag than the stored one makes the cache ask again unconditionally.
 *   <li>§4.4 invalidation of the target URI and same-origin {@code Location}/{@code Content-Location}
 *       after a 2xx/3xx answer to an unsafe method.
 *   <li>RFC 5861 {@code stale-while-revalidate} (one background revalidation per URI, on the call's
 *       own chain, while the stale response answers) and {@code stale-if-error} (response or request
 *       directive; after a 500, 502, 503, 504 or a failure to reach the origin while validating).
 *   <li>RFC 9211 {@code Cache-Status}: {@code hit}, {@code fwd} ({@code uri-miss}, {@code vary-miss},
 *       {@code stale}, {@code request}, {@code method}, {@code bypass}), {@code fwd-status},
 *       {@code stored}, {@code ttl}, {@code detail}. The field is written with the response head,
 *       before the body streams: {@code stored} says the cache is writing the body to its store; a
 *       body that turns out larger than {@code haul.cache.max-entry-size} (no declared length), or
 *       that is cut or abandoned, is dropped after all (the {@code cacheStored} event and
 *       {@code stats().stored()} count only what was stored).
 *   <li>Concurrent misses of one URI wait for the first (up to {@code haul.cache.coalesce-timeout})
 *       and then read its stored entry.
 * </ul>
 *
 * <h2>What is not</h2>
 * <ul>
 *   <li>Range requests and partial ({@code 206}) responses pass through and are never stored: neither
 *       store combines partial content. Requests carrying their own validators ({@code If-None-Match},
 *       ...) pass through too.
 *   <li>A HEAD is answered from a fresh stored GET response (its head, {@code Content-Length} of the
 *       GET body) and otherwise forwarded; a HEAD response neither is stored nor updates a stored GET
 *       (§4.3.5 allows it to).
 *   <li>Only one variant per URI is kept (§4.1 allows storing several).
 *   <li>{@code must-understand}, and qualified {@code no-cache="field"} / {@code private="field"}
 *       (treated as their unqualified, stricter forms).
 *   <li>The cache sees the request as it enters its slot, above the Bearer auth stage: an
 *       {@code Authorization} that {@code BearerAuth} adds later is not visible to the §3.5 check,
 *       so a shared cache should not sit in front of per-user Bearer keys.
 * </ul>
 */
package dev.haul.cache;
