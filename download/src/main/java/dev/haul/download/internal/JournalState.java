package dev.haul.download.internal;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a {@link Journal} keeps about an interrupted download. It holds no credential: the
 * URL must be the <em>original</em> one the user asked for (never a presigned storage URL, which
 * expires and embeds a signature), and there is no place for headers.
 *
 * @param url the original URL, exactly as the caller gives it (at most 8192 characters, no control
 *     characters)
 * @param validators the remote file's validators when it was first fetched
 * @param sha256 the expected SHA-256 as 64 lowercase hex digits, or null when none was given
 * @param plan the written bytes, with the file's length and piece size
 */
public record JournalState(String url, Validators validators, String sha256, PlanState plan) {

  /** Longest URL accepted. */
  static final int MAX_URL_LENGTH = 8192;

  /**
   * Validates; a SHA-256 in upper case is normalized to lower case.
   *
   * @throws IllegalArgumentException if the URL is empty, too long or holds a control character,
   *     or the SHA-256 is not 64 hex digits
   * @throws NullPointerException if url, validators or plan is null
   */
  public JournalState {
    Objects.requireNonNull(url, "url is null");
    Objects.requireNonNull(validators, "validators is null");
    Objects.requireNonNull(plan, "plan is null");
    if (url.isEmpty() || url.length() > MAX_URL_LENGTH) {
      throw new IllegalArgumentException("url: length " + url.length() + " (expected: 1 to " + MAX_URL_LENGTH + ")");
    }
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException("url: control character at index " + i);
      }
    }
    if (!StandardCharsets.UTF_8.newEncoder().canEncode(url)) {
      throw new IllegalArgumentException("url: not well-formed Unicode");
    }
    if (sha256 != null) {
      sha256 = sha256.toLowerCase(Locale.ROOT);
      if (sha256.length() != 64 || !sha256.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        throw new IllegalArgumentException("sha256: not 64 hex digits");
      }
    }
  }

  /** Returns the expected SHA-256 digest, if one was given. */
  public Optional<byte[]> sha256Bytes() {
    return Optional.ofNullable(sha256).map(HexFormat.of()::parseHex);
  }

  /**
   * Checks this journal against what the server says now (from the first response of the resumed
   * download). Any difference means the file changed or is another file: start over.
   *
   * @return the reason not to trust the journal, or empty when length and validators match exactly
   */
  public Optional<JournalLoad.Reason> mismatch(long remoteLength, Validators remoteValidators) {
    Objects.requireNonNull(remoteValidators, "remoteValidators is null");
    if (remoteLength != plan.length()) {
      return Optional.of(JournalLoad.Reason.LENGTH_MISMATCH);
    }
    if (!remoteValidators.equals(validators)) {
      return Optional.of(JournalLoad.Reason.VALIDATOR_MISMATCH);
    }
    return Optional.empty();
  }
}
