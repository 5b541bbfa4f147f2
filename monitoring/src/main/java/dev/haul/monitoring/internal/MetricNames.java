package dev.haul.monitoring.internal;

import dev.haul.Origin;

/** How origins become one segment of a Dropwizard name: no dots, so {@code haul.<origin>.x} stays three parts. */
public final class MetricNames {

  /** The segment that counts every origin beyond the cap. */
  public static final String OTHER = "other";

  private MetricNames() {}

  /** {@code http://127.0.0.1:8080} becomes {@code http_127_0_0_1_8080}. */
  public static String token(Origin origin) {
    StringBuilder sb = new StringBuilder(origin.scheme()).append('_');
    String host = origin.host();
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      sb.append(Character.isLetterOrDigit(c) || c == '-' ? c : '_');
    }
    return sb.append('_').append(origin.port()).toString();
  }

  /** A name segment made of letters, digits, {@code -} and {@code _} only (for reasons and types). */
  public static String segment(String text) {
    StringBuilder sb = new StringBuilder(Math.min(text.length(), 64));
    for (int i = 0; i < text.length() && sb.length() < 64; i++) {
      char c = text.charAt(i);
      sb.append(c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_') ? c : '_');
    }
    return sb.length() == 0 ? "unknown" : sb.toString();
  }
}
