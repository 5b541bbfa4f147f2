package dev.haul;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A Bearer credential scoped to origins: Haul adds {@code Authorization: Bearer <key>} to a
 * request only when it goes to one of them (on every hop, after redirects), and never when the
 * caller set {@code Authorization} itself. So the API host gets the key and a presigned storage
 * host it redirects to never does. The key is never logged: {@link #toString()} redacts it.
 */
public final class BearerAuth {

  private final Supplier<String> key;
  private final Set<Origin> origins;

  private BearerAuth(Supplier<String> key, Set<Origin> origins) {
    this.key = key;
    this.origins = origins;
  }

  /** A fixed key for these origins. */
  public static BearerAuth of(String key, Origin... origins) {
    requireNonNull(key, "key is null");
    Headers.checkValue("Authorization", key);
    return of(() -> key, Set.of(origins));
  }

  /** A key read from {@code key} for each request (for rotating tokens), for these origins. */
  public static BearerAuth of(Supplier<String> key, Collection<Origin> origins) {
    requireNonNull(key, "key is null");
    if (origins.isEmpty()) {
      throw new IllegalArgumentException("origins is empty (expected: the origins the key is for)");
    }
    return new BearerAuth(key, Set.copyOf(origins));
  }

  /** The origins the key is sent to. */
  public Set<Origin> origins() {
    return origins;
  }

  /** Whether the key goes to {@code origin}. */
  public boolean appliesTo(Origin origin) {
    return origins.contains(origin);
  }

  /** The header value for a request to an origin this applies to. */
  public String headerValue() {
    String k = requireNonNull(key.get(), "the bearer key supplier returned null");
    return "Bearer " + k;
  }

  @Override
  public String toString() {
    return "BearerAuth{key=" + Redaction.REDACTED + ", origins=" + origins + "}";
  }
}
