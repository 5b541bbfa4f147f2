package dev.haul.monitoring.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.haul.monitoring.MonitoringConfig;
import dev.haul.monitoring.PrometheusExposition;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's HTTP server: read-only ({@code GET} and {@code HEAD}), loopback unless allowed
 * otherwise, an optional access token, a strict Content-Security-Policy, no caching, and a Host
 * check on a loopback bind (a page on another site cannot read it through DNS rebinding).
 */
public final class DashboardHttp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DashboardHttp.class);
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  static final String COOKIE = "haul_dashboard";
  private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
  private static final Map<String, String[]> STATIC = Map.of(
      "/", new String[] {"dev/haul/monitoring/dashboard/index.html", "text/html; charset=utf-8"},
      "/app.js", new String[] {"dev/haul/monitoring/dashboard/app.js", "text/javascript; charset=utf-8"},
      "/app.css", new String[] {"dev/haul/monitoring/dashboard/app.css", "text/css; charset=utf-8"},
      "/vendor/uPlot.iife.min.js", new String[] {UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
      "/vendor/uPlot.min.css", new String[] {UPLOT + "uPlot.min.css", "text/css; charset=utf-8"});

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final Snapshots snapshots;
  private final PrometheusExposition prometheus;
  private final ObjectMapper json = new ObjectMapper();
  private final Optional<byte[]> token;
  private final boolean loopback;
  private final URI uri;

  public DashboardHttp(MetricsEngine engine, MonitoringConfig config) throws IOException {
    InetAddress address = InetAddress.getByName(config.dashboardBind());
    this.loopback = address.isLoopbackAddress();
    if (!loopback && !config.dashboardAllowRemote()) {
      throw new IllegalArgumentException("haul.dashboard.bind: " + config.dashboardBind()
          + " is not a loopback address (expected: 127.0.0.1 or ::1, or set haul.dashboard.allow-remote=true)");
    }
    this.snapshots = new Snapshots(engine, config);
    this.prometheus = PrometheusExposition.forRegistry(engine.registry());
    this.token = config.dashboardToken().map(t -> t.getBytes(StandardCharsets.UTF_8));
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64), r -> {
      Thread t = new Thread(r, "haul-dashboard-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.CallerRunsPolicy());
    this.server = HttpServer.create(new InetSocketAddress(address, config.dashboardPort()), 16);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
    String host = address.getHostAddress();
    int port = server.getAddress().getPort();
    this.uri = URI.create("http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + "/");
  }

  public URI uri() {
    return uri;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Headers out = ex.getResponseHeaders();
      out.set("Content-Security-Policy", CSP);
      out.set("X-Content-Type-Options", "nosniff");
      out.set("X-Frame-Options", "DENY");
      out.set("Referrer-Policy", "no-referrer");
      out.set("Cache-Control", "no-store");
      out.set("Cross-Origin-Resource-Policy", "same-origin");
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        out.set("Allow", "GET, HEAD");
        send(ex, 405, "text/plain; charset=utf-8", "read-only: GET and HEAD only\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      if (loopback && !hostIsLoopback(ex.getRequestHeaders().getFirst("Host"))) {
        send(ex, 421, "text/plain; charset=utf-8", "wrong host\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String path = ex.getRequestURI().getRawPath();
      if (token.isPresent() && !authorized(ex)) {
        String access = accessParameter(ex.getRequestURI().getRawQuery());
        if (path.equals("/") && access != null && matches(access)) {
          out.set("Set-Cookie", COOKIE + "=" + access + "; Path=/; HttpOnly; SameSite=Strict");
          out.set("Location", "/");
          send(ex, 303, "text/plain; charset=utf-8", new byte[0]);
          return;
        }
        out.set("WWW-Authenticate", "Bearer realm=\"haul-dashboard\"");
        send(ex, 401, "text/plain; charset=utf-8",
            "access token required (haul.dashboard.token)\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      switch (path) {
        case "/api/snapshot" -> send(ex, 200, "application/json", json.writeValueAsBytes(snapshots.take()));
        case "/metrics" -> {
          ex.getResponseHeaders().set("Content-Type", PrometheusExposition.CONTENT_TYPE);
          if (method.equals("HEAD")) {
            ex.sendResponseHeaders(200, -1);
            return;
          }
          ex.sendResponseHeaders(200, 0);
          try (Writer w = new OutputStreamWriter(ex.getResponseBody(), StandardCharsets.UTF_8)) {
            prometheus.write(w);
          }
        }
        default -> {
          String[] resource = STATIC.get(path);
          if (resource == null) {
            send(ex, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
          } else {
            send(ex, 200, resource[1], read(resource[0]));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("dashboard request failed", e);
      throw e;
    }
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    if (ex.getRequestMethod().equals("HEAD") || status == 303) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(body);
    }
  }

  private static byte[] read(String resource) throws IOException {
    try (InputStream in = DashboardHttp.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing resource " + resource);
      }
      return in.readAllBytes();
    }
  }

  private boolean authorized(HttpExchange ex) {
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && matches(auth.substring(7).trim())) {
      return true;
    }
    for (String header : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
      for (String part : header.split(";")) {
        String p = part.trim();
        if (p.startsWith(COOKIE + "=") && matches(p.substring(COOKIE.length() + 1))) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean matches(String candidate) {
    return MessageDigest.isEqual(token.get(), candidate.getBytes(StandardCharsets.UTF_8));
  }

  private static String accessParameter(String rawQuery) {
    if (rawQuery == null) {
      return null;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.startsWith("access=")) {
        return java.net.URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** On a loopback bind only loopback names may be asked for: a rebinding page sends its own host. */
  static boolean hostIsLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 && h.substring(1, end).equals("::1");
    }
    int colon = h.indexOf(':');
    String name = colon >= 0 ? h.substring(0, colon) : h;
    return name.equals("localhost") || name.equals("127.0.0.1") || name.startsWith("127.") && name.chars().allMatch(c -> c == '.' || Character.isDigit(c));
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
