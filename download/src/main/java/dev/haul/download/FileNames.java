package dev.haul.download;

import static java.util.Objects.requireNonNull;

import dev.haul.SendState;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
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
    Map<String, String> params = new ContentDispositionParser(value).parse();
    if (params == null) {
      return Optional.empty();
    }
    String extended = params.get("filename*");
    if (extended != null) {
      Optional<String> decoded = decodeExtValue(extended);
      if (decoded.isPresent() && !decoded.get().isEmpty()) {
        return decoded;
      }
    }
    String plain = params.get("filename");
    if (plain == null || plain.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(latin1BytesAsUtf8(plain));
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

  /** The sanitized name, or empty when nothing usable is left. Package-private for tests. */
  static Optional<String> clean(String name, int maxBytes) {
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

  static int utf8Length(String s) {
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

  /** RFC 8187 {@code ext-value}: {@code charset'[language]'value-chars}. */
  private static Optional<String> decodeExtValue(String value) {
    int q1 = value.indexOf('\'');
    int q2 = q1 < 0 ? -1 : value.indexOf('\'', q1 + 1);
    if (q2 < 0) {
      return Optional.empty();
    }
    String charsetName = value.substring(0, q1).toUpperCase(Locale.ROOT);
    Charset charset = switch (charsetName) {
      case "UTF-8" -> StandardCharsets.UTF_8;
      case "ISO-8859-1" -> StandardCharsets.ISO_8859_1;
      default -> null;
    };
    if (charset == null) {
      return Optional.empty();
    }
    String chars = value.substring(q2 + 1);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(chars.length());
    for (int i = 0; i < chars.length(); i++) {
      char c = chars.charAt(i);
      if (c == '%') {
        int hi = i + 2 < chars.length() ? Character.digit(chars.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(chars.charAt(i + 2), 16);
        if (lo < 0) {
          return Optional.empty();
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (isAttrChar(c)) {
        bytes.write(c);
      } else {
        return Optional.empty();
      }
    }
    return decodeStrict(bytes.toByteArray(), charset);
  }

  private static boolean isAttrChar(char c) {
    return c < 0x80 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0);
  }

  private static Optional<String> decodeStrict(byte[] bytes, Charset charset) {
    try {
      return Optional.of(charset.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /** Reads a header string whose chars are all bytes (ISO-8859-1) as UTF-8 when that decodes. */
  private static String latin1BytesAsUtf8(String s) {
    boolean nonAscii = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c > 0xFF) {
        return s;
      }
      nonAscii |= c >= 0x80;
    }
    if (!nonAscii) {
      return s;
    }
    return decodeStrict(s.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8).orElse(s);
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

  /**
   * RFC 6266 {@code disposition-type *( ";" disposition-parm )} with optional white space. Returns
   * parameters by lower-cased name, or null when the value is malformed or repeats a parameter.
   */
  private static final class ContentDispositionParser {
    private final String s;
    private int i;

    ContentDispositionParser(String s) {
      this.s = s;
    }

    Map<String, String> parse() {
      skipSpace();
      if (token() == null) {
        return null;
      }
      Map<String, String> params = new HashMap<>();
      skipSpace();
      while (i < s.length()) {
        if (s.charAt(i) != ';') {
          return null;
        }
        i++;
        skipSpace();
        if (i == s.length()) {
          break; // a trailing ";" is common and harmless
        }
        String name = token();
        if (name == null) {
          return null;
        }
        skipSpace();
        if (i == s.length() || s.charAt(i) != '=') {
          return null;
        }
        i++;
        skipSpace();
        boolean quoted = i < s.length() && s.charAt(i) == '"';
        String value = quoted ? quoted() : token();
        if (quoted && value != null && name.endsWith("*")) {
          // An ext-value may not be quoted: ignore that parameter (as browsers do), keep the rest.
          value = "";
        }
        if (value == null || params.put(name.toLowerCase(Locale.ROOT), value) != null) {
          return null;
        }
        skipSpace();
      }
      return params;
    }

    private void skipSpace() {
      while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
        i++;
      }
    }

    private String token() {
      int start = i;
      while (i < s.length() && isTchar(s.charAt(i))) {
        i++;
      }
      return i == start ? null : s.substring(start, i);
    }

    private static boolean isTchar(char c) {
      return c < 0x80 && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
    }

    /** RFC 9110 quoted-string; non-ASCII (obs-text, or chars a transport already decoded) allowed. */
    private String quoted() {
      StringBuilder out = new StringBuilder();
      i++; // opening quote
      while (i < s.length()) {
        char c = s.charAt(i++);
        if (c == '"') {
          return out.toString();
        }
        if (c == '\\') {
          if (i == s.length()) {
            return null;
          }
          c = s.charAt(i++);
        }
        if (c != '\t' && (c < 0x20 || c == 0x7F)) {
          return null;
        }
        out.append(c);
      }
      return null; // unterminated
    }
  }
}
