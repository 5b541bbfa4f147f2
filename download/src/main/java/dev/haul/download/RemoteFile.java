package dev.haul.download;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the first response told about the remote file: what a {@link DownloadStrategy} decides
 * from.
 *
 * @param length the complete length, if the server declared one
 * @param rangesHonoured the server answered the first (ranged) request with a {@code 206} whose
 *     {@code Content-Range} was the range asked for
 * @param ifRangeValidator the validator ranged requests carry in {@code If-Range} (a strong
 *     ETag, else a Last-Modified date that is strong by RFC 9110 §13.1.5), if the server sent one
 * @param strongEtag whether that validator is a strong ETag
 */
public record RemoteFile(OptionalLong length, boolean rangesHonoured, Optional<String> ifRangeValidator,
    boolean strongEtag) {

  /** Whether more than one connection can safely share this file: ranges with a validator. */
  public boolean canSegment() {
    return rangesHonoured && ifRangeValidator.isPresent() && length.isPresent();
  }
}
