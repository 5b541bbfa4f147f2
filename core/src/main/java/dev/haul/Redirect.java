package dev.haul;

import static java.util.Objects.requireNonNull;

import java.net.URI;

/**
 * One redirect that was followed.
 *
 * @param status the redirect status (301, 302, 303, 307 or 308)
 * @param from the URI that answered with the redirect
 * @param to the resolved target
 */
public record Redirect(int status, URI from, URI to) {
  public Redirect {
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
  }

  /** Redacted; safe to log. */
  @Override
  public String toString() {
    return status + " " + Redaction.uri(from) + " -> " + Redaction.uri(to);
  }
}
