package dev.haul;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Redacts secrets before anything is logged, put in an exception message, exported as a metric or
 * shown on a dashboard: user info in URIs, token-like query parameters and credential headers.
 */
public final class Redaction {

  /** What replaces a redacted value. */
  public static final String REDACTED = dev.haul.config.ConfigKey.REDACTED;

  private static final Set<String> SENSITIVE_HEADERS =
      Set.of("authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key",
          "api-key", "x-auth-token", "x-amz-security-token");

  private static final Pattern SENSITIVE_NAME = Pattern.compile(
      "(?i).*(token|key|secret|password|passwd|pwd|auth|credential|signature|sig|session).*");

  private Redaction() {}

  /** Whether a header of that name carries credentials and must never be shown. */
  public static boolean isSensitiveHeader(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return SENSITIVE_HEADERS.contains(lower) || SENSITIVE_NAME.matcher(lower).matches();
  }

  /** Whether a query parameter or configuration key of that name looks like a secret. */
  public static boolean isSensitiveName(String name) {
    return SENSITIVE_NAME.matcher(name).matches();
  }

  private static final Pattern SECRET_KEY =
      Pattern.compile("(?i).*(token|secret|password|passwd|credential|api-key|apikey)$");

  /** Whether a configuration key holds a secret, judged by its last part ({@code haul.auth.bearer-token}). */
  public static boolean isSecretKey(String key) {
    int dot = key.lastIndexOf('.');
    return SECRET_KEY.matcher(dot < 0 ? key : key.substring(dot + 1)).matches();
  }

  /** The header value, or {@link #REDACTED} when the header is sensitive. */
  public static String headerValue(String name, String value) {
    return isSensitiveHeader(name) ? REDACTED : value;
  }

  /**
   * The URI with user info removed and the values of token-like query parameters replaced, for
   * example {@code https://***@host/p?X-Amz-Signature=<redacted>&page=2}. Never throws.
   */
  public static String uri(URI uri) {
    if (uri == null) {
      return "null";
    }
    if (uri.isOpaque() || uri.getRawAuthority() == null) {
      return uri.getScheme() == null ? "<relative uri>" : uri.getScheme() + ":<opaque>";
    }
    StringBuilder sb = new StringBuilder();
    sb.append(uri.getScheme()).append("://");
    String authority = uri.getRawAuthority();
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      sb.append("***@").append(authority, at + 1, authority.length());
    } else {
      sb.append(authority);
    }
    if (uri.getRawPath() != null) {
      sb.append(uri.getRawPath());
    }
    String query = uri.getRawQuery();
    if (query != null) {
      sb.append('?').append(query(query));
    }
    return sb.toString();
  }

  private static String query(String rawQuery) {
    StringBuilder sb = new StringBuilder();
    for (String part : rawQuery.split("&", -1)) {
      if (sb.length() > 0) {
        sb.append('&');
      }
      int eq = part.indexOf('=');
      String name = eq >= 0 ? part.substring(0, eq) : part;
      if (eq >= 0 && isSensitiveName(name)) {
        sb.append(name).append('=').append(REDACTED);
      } else {
        sb.append(part);
      }
    }
    return sb.toString();
  }
}
