package dev.haul.internal;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Reference resolution by RFC 3986 section 5.2. {@link URI#resolve} follows the obsolete RFC 2396
 * rules: it resolves {@code ?y} against {@code http://a/b/c/d;p?q} to {@code http://a/b/c/?y}
 * instead of {@code http://a/b/c/d;p?y} and keeps {@code /../g} and {@code /./g}. Components are
 * taken and joined raw, so percent-encoding is preserved exactly.
 */
public final class UriReferences {

  private UriReferences() {}

  /** Resolves {@code ref} against the absolute {@code base} (section 5.2.2, strict parser). */
  public static URI resolve(URI base, URI ref) {
    if (!base.isAbsolute() || base.isOpaque()) {
      throw new IllegalArgumentException("base URI must be absolute and hierarchical: " + base);
    }
    if (ref.isOpaque()) {
      return ref; // "g:h" or "http:g": a scheme and no hierarchy, taken as it is (strict parser)
    }
    String scheme;
    String authority;
    String path;
    String query;
    if (ref.getScheme() != null) {
      scheme = ref.getScheme();
      authority = ref.getRawAuthority();
      path = removeDotSegments(ref.getRawPath());
      query = ref.getRawQuery();
    } else {
      scheme = base.getScheme();
      if (ref.getRawAuthority() != null) {
        authority = ref.getRawAuthority();
        path = removeDotSegments(ref.getRawPath());
        query = ref.getRawQuery();
      } else {
        authority = base.getRawAuthority();
        String refPath = ref.getRawPath();
        if (refPath.isEmpty()) {
          path = base.getRawPath();
          query = ref.getRawQuery() != null ? ref.getRawQuery() : base.getRawQuery();
        } else {
          path = refPath.startsWith("/") ? removeDotSegments(refPath)
              : removeDotSegments(merge(base, refPath));
          query = ref.getRawQuery();
        }
      }
    }
    StringBuilder sb = new StringBuilder(scheme).append(':');
    if (authority != null) {
      sb.append("//").append(authority);
    }
    sb.append(path);
    if (query != null) {
      sb.append('?').append(query);
    }
    if (ref.getRawFragment() != null) {
      sb.append('#').append(ref.getRawFragment());
    }
    try {
      return new URI(sb.toString());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("unresolvable reference: " + e.getReason(), e);
    }
  }

  /** Section 5.2.3: the reference path appended to the base path's directory. */
  private static String merge(URI base, String refPath) {
    String basePath = base.getRawPath();
    if (base.getRawAuthority() != null && basePath.isEmpty()) {
      return "/" + refPath;
    }
    int slash = basePath.lastIndexOf('/');
    return slash < 0 ? refPath : basePath.substring(0, slash + 1) + refPath;
  }

  /** Section 5.2.4, the algorithm as written (input buffer to output buffer). */
  static String removeDotSegments(String path) {
    if (path.indexOf('.') < 0) {
      return path; // nothing to remove: the common case costs one scan
    }
    StringBuilder in = new StringBuilder(path);
    StringBuilder out = new StringBuilder(path.length());
    while (in.length() > 0) {
      if (startsWith(in, "../")) {
        in.delete(0, 3);
      } else if (startsWith(in, "./")) {
        in.delete(0, 2);
      } else if (startsWith(in, "/./")) {
        in.delete(0, 2);
      } else if (equals(in, "/.")) {
        in.replace(0, 2, "/");
      } else if (startsWith(in, "/../")) {
        in.delete(0, 3);
        removeLastSegment(out);
      } else if (equals(in, "/..")) {
        in.replace(0, 3, "/");
        removeLastSegment(out);
      } else if (equals(in, ".") || equals(in, "..")) {
        in.setLength(0);
      } else {
        // Move the first segment (with its leading "/", if any) to the output.
        int end = in.indexOf("/", in.charAt(0) == '/' ? 1 : 0);
        if (end < 0) {
          end = in.length();
        }
        out.append(in, 0, end);
        in.delete(0, end);
      }
    }
    return out.toString();
  }

  private static void removeLastSegment(StringBuilder out) {
    int slash = out.lastIndexOf("/");
    out.setLength(Math.max(slash, 0));
  }

  private static boolean startsWith(StringBuilder sb, String prefix) {
    return sb.length() >= prefix.length() && sb.substring(0, prefix.length()).equals(prefix);
  }

  private static boolean equals(StringBuilder sb, String s) {
    return sb.length() == s.length() && sb.toString().equals(s);
  }
}
