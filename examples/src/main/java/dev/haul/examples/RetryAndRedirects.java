package dev.haul.examples;

import dev.haul.BearerAuth;
import dev.haul.BodyHandlers;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.Origin;
import dev.haul.Redirect;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.RetrySettings;
import dev.haul.spi.EventListener;
import dev.haul.spi.RetryPolicy;
import dev.haul.transport.netty.NettyTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Retry and redirect configuration: a policy with a short backoff and a Retry-After cap, a call
 * deadline, a redirect limit, an origin trusted with credentials, and a Bearer key scoped to the
 * API origin. Every retry decision and redirect is logged through an {@link EventListener}.
 */
public final class RetryAndRedirects {

  private RetryAndRedirects() {}

  /** A client configured for an API at {@code api} that redirects downloads elsewhere. */
  public static HaulClient client(Origin api, String key, List<String> log) {
    RetryPolicy policy = RetryPolicy.builder()
        .settings(RetrySettings.builder()
            .maxRetries(4)
            .baseDelay(Duration.ofMillis(100))
            .maxDelay(Duration.ofSeconds(5))
            .maxRetryAfter(Duration.ofSeconds(30))
            .build())
        .retryStatuses(Set.of(429, 502, 503, 504))
        .build();
    HaulConfig config = HaulConfig.builder()
        .redirectMaxHops(5)
        .redirectAllowHttpsToHttp(false)
        .callTimeout(Duration.ofMinutes(2))
        .build();
    return Haul.newBuilder()
        .transport(NettyTransport.create())
        .config(config)
        .retryPolicy(policy)
        .bearerAuth(BearerAuth.of(key, api))
        .addEventListener(new EventListener() {
          @Override
          public void retryScheduled(Request request, int attempt, Duration delay, String reason) {
            log.add("retry after " + delay.toMillis() + " ms: " + reason);
          }

          @Override
          public void redirect(Request from, Redirect redirect) {
            log.add("redirect " + redirect);
          }
        })
        .build();
  }

  public static void main(String[] args) {
    try (dev.haul.testkit.OriginServer api = dev.haul.testkit.OriginServer.start();
         dev.haul.testkit.OriginServer storage = dev.haul.testkit.OriginServer.start()) {
      api.enqueue(dev.haul.testkit.MockResponse.builder().status(429).header("Retry-After", "1").build());
      api.enqueue(dev.haul.testkit.MockResponse.builder().status(307)
          .header("Location", storage.url("/file?sig=abc").toString()).build());
      storage.enqueue(dev.haul.testkit.MockResponse.ok("file contents"));
      List<String> log = Collections.synchronizedList(new ArrayList<>());
      try (HaulClient client = client(Origin.of(api.url("/")), "demo-key", log)) {
        Response<String> r = client.send(Request.get(api.url("/download").toString()), BodyHandlers.ofString());
        log.forEach(System.out::println);
        System.out.println(r.status() + " " + r.body() + "; storage saw Authorization: "
            + storage.takeRequest().header("Authorization"));
      }
    }
  }
}
