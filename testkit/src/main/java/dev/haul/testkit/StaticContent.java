package dev.haul.testkit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves bytes and files like a well-behaved static origin: {@code Accept-Ranges: bytes}, single
 * byte ranges (206 with {@code Content-Range}, 416 when unsatisfiable), {@code If-Range}, strong
 * ETags and Last-Modified (IMF-fixdate, with a {@code Date} header) with {@code If-None-Match} /
 * {@code If-Modified-Since} (304). An {@code If-Range} date matches only as the exact string of
 * the Last-Modified sent, and never while that date is weak (changed within the last second).
 * Multiple
 * ranges are answered with the whole representation (200), which RFC 9110 allows.
 *
 * <p>A {@link #transform} hook lets tests and demos inject faults into what it would send.
 */
public final class StaticContent implements Dispatcher {

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  /**
   * IMF-fixdate (RFC 9110 §5.6.7): always a two-digit day and "GMT". RFC_1123_DATE_TIME would
   * write "Wed, 1 May 2024", which is not the preferred format and not what If-Range echoes.
   */
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  /** Looked up afresh for every request: a file's validators are those of the moment it is served. */
  private final Map<String, Supplier<Resource>> resources = new ConcurrentHashMap<>();
  private final Path root;
  private volatile BiFunction<RecordedRequest, MockResponse, MockResponse> transform = (q, r) -> r;

  private StaticContent(Path root) {
    this.root = root;
  }

  /** Serves only what is {@link #add added}. */
  public static StaticContent create() {
    return new StaticContent(null);
  }

  /**
   * Serves the regular files under {@code root}, plus anything added. Nothing outside the root is
   * ever served: dot segments (plain or percent-encoded) are resolved first, and a symlink is
   * followed only when its real target is inside the root's real path; anything else is a 404.
   */
  public static StaticContent ofDirectory(Path root) {
    return new StaticContent(requireNonNull(root, "root is null").toAbsolutePath().normalize());
  }

  /** Serves {@code bytes} at {@code path}. */
  public StaticContent add(String path, byte[] bytes, String contentType) {
    byte[] copy = bytes.clone();
    // Stamped now: its Last-Modified (whole seconds) is weak until a second after that, since a
    // replace() within the same second keeps the same date.
    Resource r = new Resource(copy, null, copy.length, contentType,
        "\"" + Integer.toHexString(java.util.Arrays.hashCode(copy)) + "-" + copy.length + "\"", Instant.now(), null);
    resources.put(path, () -> r);
    return this;
  }

  /**
   * Serves a file at {@code path}; its length and validators come from its size, modification
   * time and file key at the time of each request.
   */
  public StaticContent add(String path, Path file, String contentType) {
    fileResource(file, contentType); // fails now if the file cannot be read
    resources.put(path, () -> {
      try {
        return fileResource(file, contentType);
      } catch (UncheckedIOException e) {
        return null; // gone since it was added: 404
      }
    });
    return this;
  }

  /** Replaces the representation at {@code path} (its ETag changes), as if the file was edited. */
  public StaticContent replace(String path, byte[] bytes, String contentType) {
    return add(path, bytes, contentType);
  }

  /** Rewrites each response before it is sent (to add faults, delays or headers). */
  public StaticContent transform(BiFunction<RecordedRequest, MockResponse, MockResponse> transform) {
    this.transform = requireNonNull(transform, "transform is null");
    return this;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    return transform.apply(request, respond(request));
  }

  private MockResponse respond(RecordedRequest request) {
    String method = request.method();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return MockResponse.builder().status(405).header("Allow", "GET, HEAD").build();
    }
    Resource res = lookup(request.path());
    if (res == null) {
      return MockResponse.builder().status(404).body("not found").build();
    }
    Instant now = Instant.now();
    String lastModified = res.lastModified();
    MockResponse.Builder base = MockResponse.builder()
        .header("Date", IMF_FIXDATE.format(now))
        .header("Accept-Ranges", "bytes")
        .header("ETag", res.etag)
        .header("Last-Modified", lastModified);
    if (res.contentType != null) {
      base.header("Content-Type", res.contentType);
    }
    if (notModified(request, res)) {
      return base.status(304).noContentLength().build();
    }
    String range = request.header("Range");
    if (range != null && ifRangeHolds(request.header("If-Range"), res, now)) {
      Matcher m = RANGE.matcher(range.trim());
      if (m.matches()) {
        long[] span = span(m.group(1), m.group(2), res.length);
        if (span == null) {
          return base.status(416).header("Content-Range", "bytes */" + res.length).build();
        }
        long start = span[0];
        long end = span[1];
        base.status(206).header("Content-Range", "bytes " + start + "-" + end + "/" + res.length);
        return body(base, res, start, end - start + 1).build();
      }
    }
    return body(base.status(200), res, 0, res.length).build();
  }

  private static MockResponse.Builder body(MockResponse.Builder b, Resource res, long offset, long length) {
    if (res.file != null) {
      return b.body(res.file, offset, length, res.version);
    }
    byte[] slice = java.util.Arrays.copyOfRange(res.bytes, (int) offset, (int) (offset + length));
    return b.body(slice);
  }

  /** [start, end] inclusive, or null when unsatisfiable. */
  private static long[] span(String first, String last, long length) {
    if (first.isEmpty() && last.isEmpty()) {
      return null;
    }
    try {
      if (first.isEmpty()) {
        long suffix = Long.parseLong(last);
        if (suffix == 0 || length == 0) {
          return null;
        }
        return new long[] {Math.max(0, length - suffix), length - 1};
      }
      long start = Long.parseLong(first);
      if (start >= length) {
        return null;
      }
      long end = last.isEmpty() ? length - 1 : Math.min(Long.parseLong(last), length - 1);
      return end < start ? null : new long[] {start, end};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean notModified(RecordedRequest request, Resource res) {
    String inm = request.header("If-None-Match");
    if (inm != null) {
      for (String tag : inm.split(",")) {
        String t = tag.trim();
        // Weak comparison (RFC 9110 §8.8.3.2): the opaque tags match, W/ or not.
        if (t.equals("*") || opaque(t).equals(opaque(res.etag))) {
          return true;
        }
      }
      return false;
    }
    String ims = request.header("If-Modified-Since");
    if (ims != null) {
      try {
        Instant since = ZonedDateTime.parse(ims, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return !res.modified().isAfter(since);
      } catch (DateTimeParseException e) {
        return false;
      }
    }
    return false;
  }

  private static String opaque(String etag) {
    return etag.startsWith("W/") ? etag.substring(2) : etag;
  }

  private static boolean ifRangeHolds(String ifRange, Resource res, Instant now) {
    if (ifRange == null) {
      return true;
    }
    String v = ifRange.trim();
    if (v.startsWith("\"") || v.startsWith("W/")) {
      // Strong comparison only: a weak ETag, ours or the client's, never matches.
      return !res.etag.startsWith("W/") && v.equals(res.etag);
    }
    if (res.weakDate(now)) {
      return false; // RFC 9110 §8.8.2.2: a date this recent is weak; send the whole representation
    }
    // RFC 9110 §13.1.5: the date must be an exact match of the Last-Modified sent, as a string.
    return v.equals(res.lastModified());
  }

  private Resource lookup(String rawPath) {
    Supplier<Resource> added = resources.get(rawPath);
    if (added != null || root == null) {
      return added == null ? null : added.get();
    }
    String decoded;
    try {
      decoded = new URI(rawPath).getPath();
    } catch (java.net.URISyntaxException e) {
      return null;
    }
    if (decoded == null || decoded.indexOf('\0') >= 0) {
      return null;
    }
    Path p = root.resolve(decoded.replaceFirst("^/+", "")).normalize();
    if (!p.startsWith(root)) {
      return null;
    }
    // The lexical check above cannot see symlinks: resolve every link and check again against the
    // root's own real path, then serve the resolved file so a link is never followed afterwards.
    Path real;
    try {
      real = p.toRealPath();
    } catch (IOException e) {
      return null; // missing, dangling link or unreadable: not found
    }
    Path realRoot = realRoot();
    if (realRoot == null || !real.startsWith(realRoot) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    return fileResource(real, guessType(p));
  }

  private Path realRoot() {
    try {
      return root.toRealPath();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Validators for a file. The ETag is built from the size, the modification time to the
   * nanosecond and the file key (inode), so a same-size rewrite within the same second, or a new
   * file renamed into place, gets another ETag. {@code Last-Modified} has one-second resolution:
   * a file modified within the last second may change again under the same date, so its date is
   * weak ({@link Resource#weakDate}) and never matches an {@code If-Range} date (RFC 9110
   * §8.8.2.2), and a file modified that recently gets a weak ETag for the same reason when the
   * file system keeps only whole seconds.
   */
  private static Resource fileResource(Path file, String contentType) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      long size = a.size();
      Instant mtime = a.lastModifiedTime().toInstant();
      Instant modified = mtime.truncatedTo(ChronoUnit.SECONDS);
      Object key = a.fileKey();
      String tag = Long.toHexString(size) + "-" + Long.toHexString(mtime.getEpochSecond()) + "."
          + Integer.toHexString(mtime.getNano())
          + (key == null ? "" : "-" + Integer.toHexString(key.toString().hashCode()));
      boolean recent = mtime.isAfter(Instant.now().minusSeconds(1));
      // Without sub-second resolution a rewrite within this second would keep the same tag.
      boolean coarse = mtime.getNano() == 0;
      String etag = (recent && coarse ? "W/" : "") + "\"" + tag + "\"";
      return new Resource(null, file, size, contentType, etag, mtime, a);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String guessType(Path p) {
    String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (n.endsWith(".json")) {
      return "application/json";
    }
    if (n.endsWith(".txt")) {
      return "text/plain; charset=utf-8";
    }
    if (n.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    return "application/octet-stream";
  }

  /**
   * {@code changed}: when it was last changed, to the precision known (a file's mtime, the add
   * time); {@code version}: a file's attributes when its validators were computed (the body is
   * sent only if the file still has them).
   */
  private record Resource(byte[] bytes, Path file, long length, String contentType, String etag,
      Instant changed, BasicFileAttributes version) {

    /** Last-Modified has whole seconds. */
    Instant modified() {
      return changed.truncatedTo(ChronoUnit.SECONDS);
    }

    String lastModified() {
      return IMF_FIXDATE.format(modified());
    }

    /** Changed within a second of {@code now} (or in the future): it may change again under the same date. */
    boolean weakDate(Instant now) {
      return now.isBefore(changed.plusSeconds(1));
    }
  }
}
