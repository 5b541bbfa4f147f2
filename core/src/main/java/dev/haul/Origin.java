package dev.haul;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Locale;

/**
 * The scheme, host and port of a URI: the unit of connection pooling, credential scoping and
 * redirect safety. Default ports are made explicit, host names are lower-cased.
 *
 * @param scheme {@code http} or {@code https}
 * @param host the host name or IP literal, without brackets
 * @param port the explicit or default port
 */
public record Origin(String scheme, String host, int port) {

  public Origin {
    requireNonNull(scheme, "scheme is null");
    requireNonNull(host, "host is null");
    scheme = scheme.toLowerCase(Locale.ROOT);
    host = host.toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("scheme: " + scheme + " (expected: http or https)");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host is empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
  }

  /** The origin of an absolute http or https URI. */
  public static Origin of(URI uri) {
    requireNonNull(uri, "uri is null");
    String scheme = uri.getScheme();
    if (scheme == null || uri.getHost() == null) {
      throw new IllegalArgumentException("uri has no scheme or host: " + Redaction.uri(uri));
    }
    int port = uri.getPort();
    if (port == -1) {
      port = defaultPort(scheme);
    }
    return new Origin(scheme, uri.getHost(), port);
  }

  /** Parses {@code scheme://host[:port]}, the form used in configuration. */
  public static Origin parse(String text) {
    requireNonNull(text, "text is null");
    return of(URI.create(text.trim()));
  }

  /** 443 for https, 80 for http. */
  public static int defaultPort(String scheme) {
    return "https".equalsIgnoreCase(scheme) ? 443 : 80;
  }

  /** Whether this origin uses TLS. */
  public boolean isSecure() {
    return scheme.equals("https");
  }

  /** The {@code Host} header value: the port appears only when it is not the default. */
  public String hostHeader() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return port == defaultPort(scheme) ? h : h + ":" + port;
  }

  @Override
  public String toString() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return scheme + "://" + h + ":" + port;
  }
}
