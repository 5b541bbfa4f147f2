package dev.haul.examples.cli;

import dev.haul.BodyHandlers;
import dev.haul.DeadlineExceededException;
import dev.haul.HaulClient;
import dev.haul.HaulException;
import dev.haul.IntegrityException;
import dev.haul.ProtocolException;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.SendState;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams a response into {@code FILE.part}, hashing as it goes, and renames it to {@code FILE}
 * only once the body is complete and its SHA-256 matches. A failed download removes its own
 * {@code .part}; a killed one leaves it until the next run.
 *
 * <p>Files: {@code FILE.part} is created exclusively ({@code CREATE_NEW}, never following a
 * link) with owner-only permissions and held under an exclusive lock for the whole download. A
 * {@code .part} left by a killed run (a regular file of this user that nobody holds locked) is
 * removed first; one that another run holds is refused, as is anything else there (a symlink, a
 * directory, another user's file) and a {@code FILE} that is a symlink. Before the final rename
 * and before any cleanup the {@code .part} path is checked to still be the file this run created
 * (same file key): a file that is not ours is never renamed or deleted. The rename replaces
 * {@code FILE} itself, never what a link points to, and the directory is then synced.
 *
 * <p>Resume: when the body breaks and the first response had a strong ETag, the
 * next attempt asks for {@code Range: bytes=N-} with {@code If-Range}. A {@code 206} is used only
 * if its {@code Content-Range} is exactly {@code bytes N-(total-1)/total} for the length already
 * known (any valid length, if the first response was chunked) and its ETag, if any, is the same;
 * anything else is rejected before a byte of it is written and the download restarts from zero. A
 * {@code 200} to a ranged request (the server ignored the range, or the resource changed) also
 * restarts from zero, as does a broken body that cannot be resumed, a body longer than its
 * declared length (nothing past the length is written) and an error status to a resume. A
 * {@code 416} with {@code Content-Range: bytes *}{@code /N}, where N is what was already written,
 * means the file was complete. Restarts and resumes together are bounded by {@code maxResumes};
 * the whole download, all attempts together, by {@code timeout}.
 */
final class FileDownload {

  /** A local path this tool refuses to use; its message is meant for the user as it is. */
  static final class UnsafePathException extends IOException {
    private static final long serialVersionUID = 1L;

    UnsafePathException(String message) {
      super(message);
    }
  }

  /**
   * What happened. {@code status} is the status of the download as a whole (200 for a complete
   * download even when its last part came in a 206), or the error status that ended it;
   * {@code bytes} is then what had been received before that error (and was removed).
   */
  record Result(int status, long bytes, String sha256, int attempts, int redirects, int resumes,
      Duration elapsed, Path file) {}

  // RFC 9110 §14.4: range units are case-insensitive; field values are trimmed of OWS.
  private static final Pattern CONTENT_RANGE =
      Pattern.compile("(?i:bytes)[ \\t]+(\\d{1,18})[ \\t]*-[ \\t]*(\\d{1,18})[ \\t]*/[ \\t]*(\\d{1,18})");
  private static final Pattern UNSATISFIED_RANGE = Pattern.compile("(?i:bytes)[ \\t]+\\*[ \\t]*/[ \\t]*(\\d{1,18})");

  private final HaulClient client;
  private final Progress progress;
  private final int maxResumes;
  private final Duration timeout;

  FileDownload(HaulClient client, Progress progress, int maxResumes) {
    this(client, progress, maxResumes, null);
  }

  /** {@code timeout}, if not null, bounds the whole download: every attempt gets what is left. */
  FileDownload(HaulClient client, Progress progress, int maxResumes, Duration timeout) {
    this.client = client;
    this.progress = progress;
    this.maxResumes = maxResumes;
    this.timeout = timeout;
  }

  Result toFile(Request request, Path target, String expectedSha256) throws IOException {
    long start = System.nanoTime();
    long deadline = timeout == null ? 0 : start + timeout.toNanos();
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
    PartFile pf = openPart(part);
    try (pf) {
      FileChannel ch = pf.channel;
      while (true) {
        boolean ranged = written > 0;
        Request.Builder next = ranged
            ? plain.toBuilder().setHeader("Range", "bytes=" + written + "-").setHeader("If-Range", etag)
            : plain.toBuilder();
        if (timeout != null) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new DeadlineExceededException(request.uri(),
                attempts == 0 ? SendState.NOT_SENT : SendState.RESPONSE_STARTED, timeout, attempts, null);
          }
          next.callTimeout(Duration.ofNanos(left));
        }
        Response<InputStream> r;
        try {
          r = client.send(next.build(), BodyHandlers.ofInputStream());
        } catch (DeadlineExceededException e) {
          throw wholeDeadline(request, e, attempts + 1);
        }
        attempts += r.attempts();
        redirects += r.redirects().size();
        try (InputStream in = r.body()) {
          if (r.status() >= 300) {
            if (!ranged) {
              return new Result(r.status(), 0, null, attempts, redirects, resumes,
                  Duration.ofNanos(System.nanoTime() - start), null);
            }
            if (r.status() == 416 && completeAt(r, written, total, etag)) {
              break; // everything had arrived; only the end of the last response was lost
            }
            // An error to a resume (403, 429, 5xx, another 416): the bytes so far cannot be
            // proven to belong to what the server now has; start over, within the same bound.
            if (resumes >= maxResumes) {
              return new Result(r.status(), written, null, attempts, redirects, resumes,
                  Duration.ofNanos(System.nanoTime() - start), null);
            }
            resumes++;
            written = restart(ch, sha);
            continue;
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
            status = r.status();
            etag = strongEtag(r);
            total = r.headers().firstLong("Content-Length").orElse(-1);
          }
          byte[] buf = new byte[64 * 1024];
          int n;
          boolean overlong = false;
          while ((n = in.read(buf)) > 0) {
            if (total >= 0 && written + n > total) {
              overlong = true; // not a byte past the declared length reaches the file
              break;
            }
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
            long at = written;
            while (bb.hasRemaining()) {
              at += ch.write(bb, at);
            }
            written = at;
            sha.update(buf, 0, n);
            progress.update(written, total);
          }
          if (overlong) {
            String problem = "the body is longer than its declared length of " + total + " bytes";
            if (resumes >= maxResumes) {
              throw new ProtocolException(problem, request.uri(), SendState.RESPONSE_STARTED, null);
            }
            resumes++;
            total = -1;
            written = restart(ch, sha);
            continue;
          }
        } catch (IOException e) {
          HaulException cause = e.getCause() instanceof HaulException h ? h : null;
          if (cause instanceof DeadlineExceededException d) {
            throw wholeDeadline(request, d, attempts);
          }
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
      pf.checkStillOurs();
      move(part, target); // still under our lock: no other run can remove or replace it meanwhile
      ok = true;
      syncDirectory(target);
      return new Result(status, written, hex, attempts, redirects, resumes,
          Duration.ofNanos(System.nanoTime() - start), target);
    } finally {
      if (!ok) {
        pf.deleteIfOurs();
      }
    }
  }

  /** The per-attempt deadline ran out: report the whole download's deadline, not the remainder. */
  private DeadlineExceededException wholeDeadline(Request request, DeadlineExceededException e, int attempts) {
    if (timeout == null) {
      return e;
    }
    return new DeadlineExceededException(request.uri(), e.sendState(), timeout, Math.max(1, attempts), e);
  }

  /** Empties the file for a fresh start; returns the new write offset. */
  private static long restart(FileChannel ch, MessageDigest sha) throws IOException {
    ch.truncate(0);
    sha.reset();
    return 0;
  }

  /**
   * A 416 to {@code Range: bytes=written-} that says the representation is exactly
   * {@code written} bytes long ({@code Content-Range: bytes *}{@code /written}) under the same
   * validator: what was written is the whole of it.
   */
  private static boolean completeAt(Response<?> r, long written, long total, String etag) {
    List<String> ranges = r.headers().all("Content-Range");
    if (ranges.size() != 1) {
      return false;
    }
    Matcher m = UNSATISFIED_RANGE.matcher(ranges.get(0).trim());
    if (!m.matches() || Long.parseLong(m.group(1)) != written || (total >= 0 && total != written)) {
      return false;
    }
    String newTag = r.headers().get("ETag");
    return newTag == null || newTag.trim().equals(etag);
  }

  /**
   * Why a 206 to {@code Range: bytes=offset-} cannot be used, or null when its Content-Range is
   * exactly {@code bytes offset-(total-1)/total} and its ETag, if sent, is the one resumed from.
   * {@code total} is -1 when the first response had no length (chunked): then any complete-length
   * works, as long as the range is valid (RFC 9110 §14.4) and runs from the offset to its end.
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
    if (first > last || length <= last || length < offset) {
      return "206 with an invalid Content-Range bytes " + first + "-" + last + "/" + length;
    }
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
    Matcher m = CONTENT_RANGE.matcher(r.headers().get("Content-Range").trim());
    if (!m.matches()) {
      throw new IllegalStateException("Content-Range was checked");
    }
    return Long.parseLong(m.group(3));
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

  /** The {@code .part} this run created and holds locked; closing it releases the lock. */
  static final class PartFile implements Closeable {
    final Path path;
    final FileChannel channel;
    private final Object key;

    private PartFile(Path path, FileChannel channel, Object key) {
      this.path = path;
      this.channel = channel;
      this.key = key;
    }

    /** True while the entry at {@code path} is still the file this run created. */
    boolean isOurs() {
      try {
        Object now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        return key != null && key.equals(now);
      } catch (IOException e) {
        return false;
      }
    }

    void checkStillOurs() throws UnsafePathException {
      if (!isOurs()) {
        throw new UnsafePathException(path + " was replaced or removed by someone else during the download;"
            + " not renaming it");
      }
    }

    /** Removes the {@code .part} only if it is still ours; anything else there is left alone. */
    void deleteIfOurs() throws IOException {
      if (isOurs()) {
        Files.deleteIfExists(path); // removes the entry itself; never follows a link
      }
    }

    @Override
    public void close() throws IOException {
      channel.close(); // also releases the lock
    }
  }

  /**
   * Creates {@code part} exclusively, owner-only, without following links, and locks it. A stale
   * regular {@code .part} owned by this user that no other run holds (left by a killed run) is
   * removed first; anything else at that path is refused and left alone.
   */
  static PartFile openPart(Path part) throws IOException {
    if (Files.isSymbolicLink(part)) {
      throw new UnsafePathException(part + " is a symbolic link; refusing to follow it (remove it and retry)");
    }
    if (Files.exists(part, LinkOption.NOFOLLOW_LINKS)) {
      removeStale(part);
    }
    Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
    FileChannel ch;
    try {
      if (part.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        ch = FileChannel.open(part, options,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        ch = FileChannel.open(part, options);
      }
    } catch (FileAlreadyExistsException e) {
      // Something was created there between the check and the open: do not touch it.
      throw new UnsafePathException(part + " appeared while the download was starting; refusing to use it");
    }
    try {
      if (!tryLock(ch)) {
        throw new UnsafePathException("another haul get is writing " + part);
      }
      Object key = Files.readAttributes(part, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      PartFile pf = new PartFile(part, ch, key);
      return pf;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** Removes a stale {@code .part} of ours, or refuses (another run's, another user's, not a file). */
  private static void removeStale(Path part) throws IOException {
    if (!Files.isRegularFile(part, LinkOption.NOFOLLOW_LINKS)) {
      throw new UnsafePathException(part + " exists and is not a regular file; remove it and retry");
    }
    if (!ownedByThisProcessUser(part)) {
      throw new UnsafePathException(part + " exists and belongs to another user; remove it and retry");
    }
    Object key = Files.readAttributes(part, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    FileChannel stale;
    try {
      stale = FileChannel.open(part, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return; // gone meanwhile
    }
    try (stale) {
      if (!tryLock(stale)) {
        throw new UnsafePathException("another haul get is writing " + part + "; wait for it or stop it first");
      }
      // Delete only the file we opened and locked: the entry may have been replaced meanwhile.
      Object now = Files.readAttributes(part, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      if (key == null || !key.equals(now)) {
        throw new UnsafePathException(part + " changed while being checked; refusing to remove it");
      }
      Files.delete(part); // unlinks the stale entry; a fresh file is created by the caller
    }
  }

  /** Exclusive, non-blocking; a lock held by this JVM (another run in-process) counts as held. */
  private static boolean tryLock(FileChannel ch) throws IOException {
    try {
      FileLock lock = ch.tryLock();
      return lock != null;
    } catch (OverlappingFileLockException e) {
      return false;
    }
  }

  /**
   * Whether {@code p} has the owner of files this process creates: compared by numeric uid with a
   * file just created in the same directory (a name lookup fails for uids without a passwd entry).
   */
  private static boolean ownedByThisProcessUser(Path p) {
    Path dir = p.toAbsolutePath().getParent();
    Path probe = null;
    try {
      probe = Files.createTempFile(dir, ".haul-owner-", ".tmp");
      if (p.getFileSystem().supportedFileAttributeViews().contains("unix")) {
        Object mine = Files.getAttribute(probe, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Object theirs = Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        return Objects.equals(mine, theirs);
      }
      return Files.getOwner(probe, LinkOption.NOFOLLOW_LINKS).equals(Files.getOwner(p, LinkOption.NOFOLLOW_LINKS));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    } finally {
      if (probe != null) {
        try {
          Files.deleteIfExists(probe);
        } catch (IOException ignored) {
          // A leftover empty probe file is harmless.
        }
      }
    }
  }

  /** Makes the rename durable; a no-op where directories cannot be opened or synced. */
  private static void syncDirectory(Path target) {
    Path dir = target.toAbsolutePath().getParent();
    if (dir == null) {
      return;
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not supported on this platform or file system: the rename itself is still done.
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
