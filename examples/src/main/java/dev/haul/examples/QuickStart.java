package dev.haul.examples;

import dev.haul.BodyHandlers;
import dev.haul.Haul;
import dev.haul.HaulClient;
import dev.haul.HaulConfig;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.transport.netty.NettyTransport;
import java.time.Duration;

/**
 * Quick start with the plain builder: one client for the whole application, a GET with a call
 * deadline, the body as a string. Run it with a URL, or without one to fetch from an embedded
 * testkit origin.
 */
public final class QuickStart {

  private QuickStart() {}

  /** Fetches {@code url} and returns the status line and the first part of the body. */
  public static String fetch(String url) {
    try (HaulClient client = Haul.newBuilder()
        .transport(NettyTransport.create())
        .config(HaulConfig.builder().connectTimeout(Duration.ofSeconds(5)).build())
        .build()) {
      Response<String> r = client.send(Request.newBuilder(url)
          .header("Accept", "application/json")
          .callTimeout(Duration.ofSeconds(30))
          .build(), BodyHandlers.ofString());
      String body = r.body();
      return r.status() + " " + (body.length() > 200 ? body.substring(0, 200) + "..." : body);
    }
  }

  public static void main(String[] args) {
    if (args.length > 0) {
      System.out.println(fetch(args[0]));
      return;
    }
    try (dev.haul.testkit.OriginServer server = dev.haul.testkit.OriginServer.start()) {
      server.enqueue(dev.haul.testkit.MockResponse.ok("{\"hello\":\"haul\"}"));
      System.out.println(fetch(server.url("/hello").toString()));
    }
  }
}
