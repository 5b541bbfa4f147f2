package dev.haul.examples.cli;

import dev.haul.BodyHandlers;
import dev.haul.HaulClient;
import dev.haul.HaulException;
import dev.haul.IntegrityException;
import dev.haul.ProtocolException;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.SendState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams a response into {@code FILE.part}, hashing as it goes, and renames it to {@code FILE}
 * only once the body is complete and its SHA-256 matches. A failed download leaves no
 * {@code .part} behind.
 *
 * <p>Files: {@code FILE.part} is created exclusively ({@code CREATE_NEW}, never following a
 * link) with owner-only permissions; a stale regular {@code .part} of ours from a killed run is
 * removed first, anything else there (a symlink, a directory, another user's file) is refused,
 * as is a {@code FILE} that is a symlink. The rename replaces {@code FILE} itself, never what a
 * link points to.
 *
 * <p>Resume: when the body breaks and the first response had a strong ETag, the
 * next attempt asks for {@code Range: bytes=N-} with {@code If-Range}. A {@code 206} is used only
 * if its {@code Content-Range} is exactly {@code bytes N-(total-1)/total} for the length already
 * known (any length, if the first response was chunked) and its ETag, if any, is the same; anything else is rejected before a byte of it is
 * written and the download restarts from zero. A {@code 200} to a ranged request (the server
 * ignored the range, or the resource changed) also restarts from zero, as does a broken body
 * that cannot be resumed. Restarts and resumes together are bounded by {@code maxResumes}.
 */
final class FileDownload {

  /** A local path this tool refuses to use; its message is meant for the user as it is. */
  static final class UnsafePathException extends IOException {
    private static final long serialVersionUID = 1L;

    UnsafePathException(String message) {
      super(message);
    }
  }

  /** What happened. */
  record Result(int status, long bytes, String sha256, int attempts, int redirects, int resumes,
      Duration elapsed, Path file) {}

  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18})");

  private final HaulClient client;
  private final Progress progress;
  private final int maxResumes;

  FileDownload(HaulClient client, Progress progress, int maxResumes) {
    this.client = client;
    this.progress = progress;
    this.maxResumes = maxResumes;
  }

  Result toFile(Request request, Path target, String expectedSha256) throws IOException {
    long start = System.nanoTime();
    checkTarget(target);
    Path part = target.resolveSibling(target.getFileName() + ".part");
    // Byte offsets must mean the same thing in every attempt: ask for the identity coding (a
    // transparently decoded first response would not line up with a ranged, undecoded one).
    Request plain = request.headers().contains("Accept-Encoding") ? request
        : request.toBuilder().setHeader("Accept-Encoding", "identity").build();
    MessageDigest sha = sha256();
    long written = 0;
    long total = -1;
    String etag = null;
    int attempts = 0;
    int redirects = 0;
    int resumes = 0;
    int status = 0;
    boolean ok = false;
    FileChannel ch = openPart(part);
    try (ch) {
      while (true) {
        boolean ranged = written > 0;
        Request current = ranged
            ? plain.toBuilder().setHeader("Range", "bytes=" + written + "-").setHeader("If-Range", etag).build()
            : plain;
        Response<InputStream> r = client.send(current, BodyHandlers.ofInputStream());
        attempts += r.attempts();
        redirects += r.redirects().size();
        status = r.status();
        try (InputStream in = r.body()) {
          if (r.status() >= 300) {
            return new Result(r.status(), 0, null, attempts, redirects, resumes,
                Duration.ofNanos(System.nanoTime() - start), null);
          }
          if (r.status() == 206) {
            String problem = ranged ? badPartial(r, written, total, etag)
                : "the server answered 206 (Partial Content) to a request for the whole file";
            if (problem == null && total < 0) {
              total = completeLength(r);
            }
            if (problem != null) {
              // Rejected before any of its bytes is written (B15, F22).
              if (!ranged || resumes >= maxResumes) {
                throw new ProtocolException(problem, request.uri(), SendState.RESPONSE_STARTED, null);
              }
              resumes++;
              written = restart(ch, sha);
              continue;
            }
          } else if (ranged) {
            // A 200 to a ranged request: the server ignored the range or the resource changed
            // (If-Range failed). Never write it at an offset: start again from zero (F21, F22).
            written = restart(ch, sha);
          }
          if (written == 0) {
            etag = strongEtag(r);
            total = r.headers().firstLong("Content-Length").orElse(-1);
          }
          byte[] buf = new byte[64 * 1024];
          int n;
          while ((n = in.read(buf)) > 0) {
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
            while (bb.hasRemaining()) {
              written += ch.write(bb, written);
            }
            sha.update(buf, 0, n);
            progress.update(written, total);
          }
        } catch (IOException e) {
          HaulException cause = e.getCause() instanceof HaulException h ? h : null;
          if (cause != null && cause.isTransient() && resumes < maxResumes) {
            resumes++;
            if (etag == null) {
              // Nothing to prove that a later range is the same representation: start over.
              written = restart(ch, sha);
            }
            continue;
          }
          if (cause != null) {
            throw cause;
          }
          throw e;
        }
        break;
      }
      ch.force(true);
      progress.finish(written, total);
      if (total >= 0 && written != total) {
        throw new IntegrityException("received " + written + " of " + total + " bytes", request.uri(),
            SendState.RESPONSE_STARTED, null);
      }
      String hex = HexFormat.of().formatHex(sha.digest());
      if (expectedSha256 != null && !hex.equalsIgnoreCase(expectedSha256.trim())) {
        throw new IntegrityException("SHA-256 mismatch: expected " + expectedSha256.trim().toLowerCase(Locale.ROOT)
            + ", got " + hex, request.uri(), SendState.RESPONSE_STARTED, null);
      }
      checkTarget(target);
      move(part, target);
      ok = true;
      return new Result(status, written, hex, attempts, redirects, resumes,
          Duration.ofNanos(System.nanoTime() - start), target);
    } finally {
      if (!ok) {
        Files.deleteIfExists(part); // removes the entry itself; never follows a link
      }
    }
  }

  /** Empties the file for a fresh start; returns the new write offset. */
  private static long restart(FileChannel ch, MessageDigest sha) throws IOException {
    ch.truncate(0);
    sha.reset();
    return 0;
  }

  /**
   * Why a 206 to {@code Range: bytes=offset-} cannot be used, or null when its Content-Range is
   * exactly {@code bytes offset-(total-1)/total} and its ETag, if sent, is the one resumed from.
   * {@code total} is -1 when the first response had no length (chunked): then any complete-length
   * works, as long as the range runs from the offset to its end.
   */
  static String badPartial(Response<?> r, long offset, long total, String etag) {
    String contentType = r.headers().get("Content-Type");
    if (contentType != null && contentType.trim().toLowerCase(Locale.ROOT).startsWith("multipart/")) {
      return "206 with a multipart body to a single-range request";
    }
    List<String> ranges = r.headers().all("Content-Range");
    if (ranges.size() != 1) {
      return ranges.isEmpty() ? "206 without Content-Range" : "206 with more than one Content-Range";
    }
    Matcher m = CONTENT_RANGE.matcher(ranges.get(0).trim());
    if (!m.matches()) {
      return "206 with a malformed Content-Range";
    }
    long first = Long.parseLong(m.group(1));
    long last = Long.parseLong(m.group(2));
    long length = Long.parseLong(m.group(3));
    if (first != offset || last != length - 1 || (total >= 0 && length != total)) {
      return "206 with Content-Range bytes " + first + "-" + last + "/" + length + " (asked for bytes "
          + offset + "-" + (total >= 0 ? (total - 1) + "/" + total : "") + ")";
    }
    long declared = r.headers().firstLong("Content-Length").orElse(-1);
    if (declared >= 0 && declared != length - offset) {
      return "206 whose Content-Length " + declared + " does not match its Content-Range";
    }
    String newTag = r.headers().get("ETag");
    if (newTag != null && !newTag.trim().equals(etag)) {
      return "206 for another version of the resource (its ETag changed)";
    }
    return null;
  }

  /** The complete length from a Content-Range that {@link #badPartial} accepted. */
  private static long completeLength(Response<?> r) {
    String range = r.headers().get("Content-Range").trim();
    return Long.parseLong(range.substring(range.indexOf('/') + 1));
  }

  /** The response's ETag if strong (only a strong one may be used in If-Range), else null. */
  private static String strongEtag(Response<?> r) {
    String tag = r.headers().get("ETag");
    if (tag == null) {
      return null;
    }
    tag = tag.trim();
    return tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"") ? tag : null;
  }

  /** FILE may be absent or a regular file to replace; never a symlink. */
  private static void checkTarget(Path target) throws UnsafePathException {
    if (Files.isSymbolicLink(target)) {
      throw new UnsafePathException(target + " is a symbolic link; refusing to write through or replace it");
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new UnsafePathException(target + " exists and is not a regular file");
    }
  }

  /**
   * Creates {@code part} exclusively, owner-only, without following links. A stale regular
   * {@code .part} owned by this user (left by a killed run) is removed first; anything else at
   * that path is refused and left alone.
   */
  static FileChannel openPart(Path part) throws IOException {
    if (Files.isSymbolicLink(part)) {
      throw new UnsafePathException(part + " is a symbolic link; refusing to follow it (remove it and retry)");
    }
    if (Files.exists(part, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isRegularFile(part, LinkOption.NOFOLLOW_LINKS)) {
        throw new UnsafePathException(part + " exists and is not a regular file; remove it and retry");
      }
      if (!ownedByThisUser(part)) {
        throw new UnsafePathException(part + " exists and belongs to another user; remove it and retry");
      }
      Files.delete(part); // unlinks the stale entry; a fresh file is created below
    }
    Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
    try {
      if (part.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        return FileChannel.open(part, options,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      return FileChannel.open(part, options);
    } catch (FileAlreadyExistsException e) {
      // Something was created there between the check and the open: do not touch it.
      throw new UnsafePathException(part + " appeared while the download was starting; refusing to use it");
    }
  }

  private static boolean ownedByThisUser(Path p) {
    try {
      UserPrincipal me = p.getFileSystem().getUserPrincipalLookupService()
          .lookupPrincipalByName(System.getProperty("user.name"));
      return me.equals(Files.getOwner(p, LinkOption.NOFOLLOW_LINKS));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** rename(2): replaces the directory entry {@code to}; a link there is replaced, never followed. */
  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
