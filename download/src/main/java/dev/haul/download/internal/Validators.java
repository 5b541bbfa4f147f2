package dev.haul.download.internal;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The remote file's validators as the server sent them, kept to prove on resume that the file has
 * not changed: a strong entity tag and/or a {@code Last-Modified} date, each exactly as received.
 * Equality is exact string equality, which is what {@code If-Range} needs.
 *
 * @param etag a strong entity tag including its quotes, or null
 * @param lastModified the {@code Last-Modified} value, or null
 */
public record Validators(String etag, String lastModified) {

  /** Longest validator accepted: far above any real one, small enough to bound a journal. */
  static final int MAX_LENGTH = 1024;

  /** No validators: the server sent neither. */
  public static final Validators NONE = new Validators(null, null);

  /**
   * Validates.
   *
   * @throws IllegalArgumentException if the entity tag is weak ({@code W/...}, useless for
   *     {@code If-Range}), or a value is empty, longer than 1024 characters or holds a control
   *     character or an unpaired surrogate
   */
  public Validators {
    check("etag", etag);
    check("lastModified", lastModified);
    if (etag != null && etag.startsWith("W/")) {
      throw new IllegalArgumentException("etag: weak entity tag (expected: a strong one)");
    }
  }

  /** Returns the strong entity tag, if any. */
  public Optional<String> strongEtag() {
    return Optional.ofNullable(etag);
  }

  /** Returns the {@code Last-Modified} value, if any. */
  public Optional<String> lastModifiedValue() {
    return Optional.ofNullable(lastModified);
  }

  private static void check(String name, String value) {
    if (value == null) {
      return;
    }
    if (value.isEmpty() || value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(name + ": length " + value.length() + " (expected: 1 to " + MAX_LENGTH + ")");
    }
    if (!StandardCharsets.UTF_8.newEncoder().canEncode(value)) {
      throw new IllegalArgumentException(name + ": not well-formed Unicode");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException(name + ": control character at index " + i);
      }
    }
  }
}
