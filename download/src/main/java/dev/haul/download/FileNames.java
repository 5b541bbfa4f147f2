package dev.haul.download;

import static java.util.Objects.requireNonNull;

import dev.haul.SendState;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the local name of a download saved into a directory, and makes any name safe to create.
 *
 * <p>The name comes from the response's {@code Content-Disposition} (RFC 6266; {@code filename*}
 * in the RFC 8187 encoding wins over {@code filename}), else from the last non-empty path segment
 * of the URL (percent-decoded as UTF-8; the query never counts), else {@value #DEFAULT_NAME}. A
 * header that does not parse gives no name at all, so a malformed header falls back to the URL
 * rather than to a half-parsed guess.
 *
 * <p>{@link #sanitize} turns any string into one file name that is valid on Linux, macOS and
 * Windows: path separators, Windows-reserved characters ({@code <>:"/\|?*}), control and
 * invisible formatting characters (which can disguise an extension) become {@code _}; leading and
 * trailing dots and spaces are dropped (no hidden files, no {@code .}/{@code ..}, nothing Windows
 * silently strips); Windows device names ({@code CON}, {@code NUL.txt}, {@code com1.tar.gz}, ...)
 * get a {@code _} prefix; and the result is at most {@value #MAX_BYTES} UTF-8 bytes, cut at a
 * code point boundary and keeping a short extension. It is never empty and {@code sanitize} is
 * idempotent.
 */
public final class FileNames {

  /** The name used when neither the header nor the URL yields one. */
  public static final String DEFAULT_NAME = "download";

  /**
   * The longest name {@link #sanitize} returns, in UTF-8 bytes: the common 255-byte limit of file
   * systems less {@value #SUFFIX_ROOM} bytes, so that the downloader's {@code .part} and journal
   * suffixes still fit beside it.
   */
  public static final int MAX_BYTES = 255 - 16;

  /** Bytes kept free below 255 for suffixes such as {@code .part}. */
  public static final int SUFFIX_ROOM = 16;

  /** Extensions longer than this (in UTF-8 bytes) are not worth keeping when a name is cut. */
  private static final int MAX_KEPT_EXTENSION_BYTES = 32;

  private static final Set<String> RESERVED = reservedNames();

  private FileNames() {}

  /**
   * The name a download saved into a directory gets: from {@code contentDisposition} when it
   * parses and yields a usable name, else from {@code uri}'s path, else {@value #DEFAULT_NAME};
   * always {@linkplain #sanitize sanitized}.
   *
   * @param contentDisposition the response's {@code Content-Disposition} value; may be null
   * @param uri the URL the user asked for (not a redirect target, whose name is often opaque)
   */
  public static String choose(String contentDisposition, URI uri) {
    requireNonNull(uri, "uri is null");
    Optional<String> fromHeader = contentDisposition == null
        ? Optional.empty() : fromContentDisposition(contentDisposition);
    return fromHeader.flatMap(FileNames::clean)
        .or(() -> fromUrl(uri).flatMap(FileNames::clean))
        .orElse(DEFAULT_NAME);
  }

  /**
   * The file name a {@code Content-Disposition} value proposes, not yet sanitized: the decoded
   * {@code filename*} when present and decodable (charset UTF-8 or ISO-8859-1), else
   * {@code filename}. Empty when the value is malformed (bad syntax, a parameter given twice,
   * which RFC 6266 section 4.1 declares invalid), has no usable name, or the name is empty.
   *
   * <p>A {@code filename} holding non-ASCII bytes that form valid UTF-8 is read as UTF-8 (servers
   * commonly send raw UTF-8 there); otherwise as ISO-8859-1, as the header's bytes were.
   */
  public static Optional<String> fromContentDisposition(String value) {
    requireNonNull(value, "value is null");
    return ContentDisposition.filename(value);
  }

  /**
   * The last non-empty segment of {@code uri}'s path, percent-decoded as UTF-8 (invalid UTF-8
   * becomes U+FFFD, an invalid escape stays as written), not yet sanitized; empty when the path
   * has no non-empty segment. The query and fragment never contribute.
   */
  public static Optional<String> fromUrl(URI uri) {
    requireNonNull(uri, "uri is null");
    String path = uri.getRawPath();
    if (path == null) {
      return Optional.empty();
    }
    int end = path.length();
    while (end > 0 && path.charAt(end - 1) == '/') {
      end--;
    }
    if (end == 0) {
      return Optional.empty();
    }
    int start = path.lastIndexOf('/', end - 1) + 1;
    return Optional.of(percentDecodeUtf8(path.substring(start, end)));
  }

  /** {@code name} made into one safe file name of at most {@value #MAX_BYTES} UTF-8 bytes. */
  public static String sanitize(String name) {
    return clean(name, MAX_BYTES).orElse(DEFAULT_NAME);
  }

  /**
   * {@code dir.resolve(sanitize(name))}, after checking that it stays directly inside
   * {@code dir} and is not a symbolic link (which could point anywhere). The check is a guard
   * against surprises, not against a concurrent attacker: the downloader also opens files without
   * following links.
   *
   * @throws DownloadFileException if the resolved path is a symbolic link or escapes {@code dir}
   */
  public static Path resolveIn(Path dir, String name) {
    requireNonNull(dir, "dir is null");
    requireNonNull(name, "name is null");
    Path base = dir.toAbsolutePath().normalize();
    Path target = base.resolve(sanitize(name)).normalize();
    if (!target.startsWith(base) || !base.equals(target.getParent())) {
      throw new DownloadFileException("file name escapes the target directory " + base, target,
          null, SendState.NOT_SENT, null);
    }
    if (Files.isSymbolicLink(target)) {
      throw new DownloadFileException("target " + target
          + " is a symbolic link; refusing to write through it", target, null,
          SendState.NOT_SENT, null);
    }
    return target;
  }

  private static Optional<String> clean(String name) {
    return clean(name, MAX_BYTES);
  }

  /** The sanitized name, or empty when nothing usable is left. */
  private static Optional<String> clean(String name, int maxBytes) {
    requireNonNull(name, "name is null");
    StringBuilder out = new StringBuilder(Math.min(name.length(), 1024));
    name.codePoints().forEach(cp -> {
      if (isUnsafe(cp)) {
        out.append('_');
      } else {
        out.appendCodePoint(cp);
      }
    });
    String s = trim(out.toString(), true);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    if (isReserved(s)) {
      s = "_" + s;
    }
    return Optional.of(truncate(s, maxBytes));
  }

  private static boolean isUnsafe(int cp) {
    if (Character.isISOControl(cp) || cp <= 0xFFFF && Character.isSurrogate((char) cp)) {
      return true;
    }
    switch (cp) {
      case '/', '\\', '<', '>', ':', '"', '|', '?', '*', 0xFFFE, 0xFFFF:
        return true;
      default:
        break;
    }
    int type = Character.getType(cp);
    // Format characters include bidi overrides (U+202E turns "gpj.exe" into "exe.jpg" on screen)
    // and zero-width characters; line and paragraph separators break listings.
    return type == Character.FORMAT || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  private static boolean isTrimmed(int cp) {
    return cp == '.' || Character.isWhitespace(cp) || Character.isSpaceChar(cp);
  }

  /** Drops trailing (and, when asked, leading) dots and white space. */
  private static String trim(String s, boolean leading) {
    int start = 0;
    int end = s.length();
    if (leading) {
      while (start < end && isTrimmed(s.codePointAt(start))) {
        start += Character.charCount(s.codePointAt(start));
      }
    }
    while (end > start && isTrimmed(s.codePointBefore(end))) {
      end -= Character.charCount(s.codePointBefore(end));
    }
    return s.substring(start, end);
  }

  /** Windows treats a device name as reserved with any extension and trailing spaces. */
  private static boolean isReserved(String name) {
    int dot = name.indexOf('.');
    String stem = trim(dot < 0 ? name : name.substring(0, dot), false);
    return RESERVED.contains(stem.toUpperCase(Locale.ROOT));
  }

  private static String truncate(String s, int maxBytes) {
    if (utf8Length(s) <= maxBytes) {
      return s;
    }
    int dot = s.lastIndexOf('.');
    String ext = dot > 0 ? s.substring(dot) : "";
    int extBytes = utf8Length(ext);
    if (extBytes > MAX_KEPT_EXTENSION_BYTES || extBytes * 2 > maxBytes) {
      ext = "";
      extBytes = 0;
    }
    String stem = ext.isEmpty() ? s : s.substring(0, dot);
    String cut = trim(prefixWithin(stem, maxBytes - extBytes), false);
    // The stem starts with a kept character (leading dots and spaces are gone), so it stays
    // non-empty unless the budget is tiny; then the cut name alone is the best we can do.
    return cut.isEmpty() ? trim(prefixWithin(s, maxBytes), false) : cut + ext;
  }

  /** The longest prefix of {@code s} whose UTF-8 form fits in {@code maxBytes}, whole code points only. */
  private static String prefixWithin(String s, int maxBytes) {
    int bytes = 0;
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int n = utf8Length(cp);
      if (bytes + n > maxBytes) {
        break;
      }
      bytes += n;
      i += Character.charCount(cp);
    }
    return s.substring(0, i);
  }

  private static int utf8Length(String s) {
    int total = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      total += utf8Length(cp);
      i += Character.charCount(cp);
    }
    return total;
  }

  private static int utf8Length(int cp) {
    // A lone surrogate never survives clean(); counting it as 3 matches its replacement's worst case.
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }

  private static Set<String> reservedNames() {
    Set<String> names = new java.util.HashSet<>(Set.of("CON", "PRN", "AUX", "NUL", "CONIN$",
        "CONOUT$", "CLOCK$"));
    for (String digit : new String[] {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
        "\u00B9", "\u00B2", "\u00B3"}) {
      names.add("COM" + digit);
      names.add("LPT" + digit);
    }
    return Set.copyOf(names);
  }

  private static String percentDecodeUtf8(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      int hi = c == '%' && i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
      int lo = hi < 0 ? -1 : Character.digit(segment.charAt(i + 2), 16);
      if (lo >= 0) {
        bytes.write(hi << 4 | lo);
        i += 2;
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(utf8, 0, utf8.length);
      }
    }
    return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
  }
}
