package dev.haul.download;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The file name in a {@code Content-Disposition} value (RFC 6266, RFC 8187); see {@link FileNames}. */
final class ContentDisposition {

  private ContentDisposition() {}

  /** See {@link FileNames#fromContentDisposition(String)}. */
  static Optional<String> filename(String value) {
    Map<String, String> params = new Parser(value).parse();
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

  /**
   * RFC 6266 {@code disposition-type *( ";" disposition-parm )} with optional white space. Returns
   * parameters by lower-cased name, or null when the value is malformed or repeats a parameter.
   */
  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
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
