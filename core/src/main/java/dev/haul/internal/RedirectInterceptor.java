package dev.haul.internal;

import dev.haul.HaulException;
import dev.haul.Origin;
import dev.haul.Redirect;
import dev.haul.RedirectException;
import dev.haul.Request;
import dev.haul.RequestBody;
import dev.haul.SendState;
import dev.haul.TooManyRedirectsException;
import dev.haul.spi.Interceptor;
import dev.haul.spi.RawResponse;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Follows 301, 302, 303, 307 and 308 up to a hop limit, detecting loops. 303 (and 301/302 after
 * a POST) becomes a GET without body; 307/308 keep method and body only when the body is
 * replayable, otherwise the redirect response itself is returned. The Location is resolved
 * against the current URI (RFC 3986) and must be a clean http(s) URI; https to http is refused
 * unless allowed. When scheme, host or port changes, credentials and headers the caller marked
 * sensitive are removed unless the target origin is trusted.
 */
public final class RedirectInterceptor implements Interceptor {

  private final int maxHops;
  private final boolean allowHttpsToHttp;
  private final Set<Origin> trustedOrigins;

  public RedirectInterceptor(int maxHops, boolean allowHttpsToHttp, Set<Origin> trustedOrigins) {
    this.maxHops = maxHops;
    this.allowHttpsToHttp = allowHttpsToHttp;
    this.trustedOrigins = Set.copyOf(trustedOrigins);
  }

  @Override
  public CompletableFuture<RawResponse> intercept(Chain chain) {
    if (maxHops == 0) {
      return chain.proceed(chain.request());
    }
    CompletableFuture<RawResponse> out = new CompletableFuture<>();
    hop(chain, chain.request(), new ArrayList<>(0), null, out);
    return out;
  }

  private void hop(Chain chain, Request request, List<Redirect> chainSoFar, Set<String> visited,
      CompletableFuture<RawResponse> out) {
    CompletableFuture<RawResponse> f;
    try {
      f = chain.proceed(request);
    } catch (Throwable t) {
      f = CompletableFuture.failedFuture(t);
    }
    f.whenComplete((response, error) -> {
      if (error != null) {
        out.completeExceptionally(RetryInterceptor.unwrap(error));
        return;
      }
      if (out.isDone()) {
        response.body().close();
        return;
      }
      Request next;
      try {
        next = followUp(request, response, chainSoFar.size());
      } catch (HaulException e) {
        response.body().close();
        out.completeExceptionally(e);
        return;
      }
      if (next == null) {
        out.complete(chainSoFar.isEmpty() ? response : response.toBuilder().redirects(chainSoFar).build());
        return;
      }
      response.body().close();
      Redirect r = new Redirect(response.status(), request.uri(), next.uri());
      Set<String> seen = visited;
      if (seen == null) {
        // Most calls never redirect: the loop detector is made on the first hop only.
        seen = new HashSet<>();
        seen.add(key(chain.request()));
      }
      if (!seen.add(key(next))) {
        out.completeExceptionally(new RedirectException("redirect loop: " + r, next.uri(),
            SendState.RESPONSE_STARTED, null));
        return;
      }
      chainSoFar.add(r);
      chain.listener().redirect(request, r);
      hop(chain, next, chainSoFar, seen, out);
    });
  }

  private static String key(Request r) {
    return r.method() + " " + r.uri();
  }

  /** The next request, or null when {@code response} is to be returned as it is. */
  Request followUp(Request request, RawResponse response, int hopsSoFar) {
    int status = response.status();
    if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
      return null;
    }
    List<String> locations = response.headers().all("Location");
    if (locations.isEmpty()) {
      throw new RedirectException("redirect " + status + " without a Location header", request.uri(),
          SendState.RESPONSE_STARTED, null);
    }
    if (locations.size() > 1) {
      throw new RedirectException("redirect " + status + " with several Location headers", request.uri(),
          SendState.RESPONSE_STARTED, null);
    }
    if (hopsSoFar + 1 > maxHops) {
      throw new TooManyRedirectsException(request.uri(), hopsSoFar + 1, maxHops);
    }
    URI target = resolve(request.uri(), locations.get(0));
    Origin from = request.origin();
    Origin to = Origin.of(target);
    if (from.isSecure() && !to.isSecure() && !allowHttpsToHttp) {
      throw new RedirectException("refusing a redirect from https to http (allow it with "
          + "haul.redirect.allow-https-to-http)", target, SendState.RESPONSE_STARTED, null);
    }
    String method = request.method();
    RequestBody body = request.body().orElse(null);
    boolean toGet = status == 303 && !method.equals("HEAD")
        || (status == 301 || status == 302) && method.equals("POST");
    Request.Builder b = request.toBuilder().uri(target);
    if (toGet) {
      b.method("GET", null);
      b.removeHeader("Content-Type").removeHeader("Content-Length").removeHeader("Transfer-Encoding");
      body = null;
    } else if (body != null && !body.isReplayable()) {
      return null; // 307/308 with a one-shot body: the caller gets the redirect to handle
    }
    if (!from.equals(to) && !trustedOrigins.contains(to)) {
      for (String name : request.headers().names()) {
        if (request.isSensitiveHeader(name) || name.equalsIgnoreCase("Host")) {
          b.removeHeader(name);
        }
      }
    }
    return b.build();
  }

  /** Resolves Location per RFC 3986 section 5.2 and rejects anything but a clean absolute http(s) URI (B17). */
  static URI resolve(URI base, String location) {
    String loc = location.trim();
    if (loc.isEmpty()) {
      throw bad(base, "empty Location");
    }
    for (int i = 0; i < loc.length(); i++) {
      char c = loc.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw bad(base, "control character in Location");
      }
    }
    String lower = loc.toLowerCase(Locale.ROOT);
    if (lower.contains("%0d") || lower.contains("%0a") || lower.contains("%00")) {
      throw bad(base, "encoded CR, LF or NUL in Location");
    }
    URI ref;
    try {
      ref = new URI(loc);
    } catch (URISyntaxException e) {
      throw bad(base, "malformed Location (" + e.getReason() + ")");
    }
    URI target;
    try {
      target = UriReferences.resolve(base, ref); // RFC 3986, not URI.resolve's RFC 2396 rules
    } catch (IllegalArgumentException e) {
      throw bad(base, "unusable Location: " + e.getMessage());
    }
    String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw bad(base, "redirect to a '" + scheme + "' URI is not allowed (expected: http or https)");
    }
    try {
      return Request.newBuilder(target).build().uri();
    } catch (IllegalArgumentException e) {
      throw bad(base, "unusable Location: " + e.getMessage());
    }
  }

  private static RedirectException bad(URI base, String what) {
    return new RedirectException(what, base, SendState.RESPONSE_STARTED, null);
  }
}
