package dev.haul.examples.cli;

import dev.haul.BodyHandlers;
import dev.haul.ConnectionClosedException;
import dev.haul.ContentRange;
import dev.haul.DeadlineExceededException;
import dev.haul.EntityTag;
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
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Streams a response into {@code FILE.part}, hashing as it goes, and renames it to {@code FILE}
 * only once the body is complete and its SHA-256 matches. A failed download removes its own
 * {@code .part}; a killed one leaves it until the next run.
 *
 * <p>Files: {@code FILE.part} is created exclusively ({@code CREATE_NEW}, never following a
 * link) with owner-only permissions and held under an exclusive lock for the whole download. A
 * {@code .part} already there (left by a killed run: a regular file of this user that nobody
 * holds locked) is never unlinked but opened, locked, re-checked, emptied and reused; one that
 * another run holds is refused, as is anything else there (a symlink, a directory, another
 * user's file) and a {@code FILE} that is a symlink. Only the holder of the lock ever deletes a
 * {@code .part}, and only while it holds it. Before the final rename and before any cleanup the
 * {@code .part} path is checked to still be the file this run locked (same file key): a file
 * that is not ours is never renamed or deleted. The rename replaces
 * {@code FILE} itself, never what a link points to, and the directory is then synced.
 *
 * <p>Resume: when the body breaks and the first response had a strong ETag, the
 * next attempt asks for {@code Range: bytes=N-} with {@code If-Range}. A {@code 206} is used only
 * if its {@code Content-Range} is exactly {@code bytes N-(total-1)/total} for the length already
 * known (any valid length, if the first response was chunked) and it carries the same ETag;
 * anything else is rejected before a byte of it is written and the download restarts from zero. A
 * {@code 200} to a ranged request (the server ignored the range, or the resource changed) also
 * restarts from zero, as does a broken body that cannot be resumed (a body that ends cleanly
 * but short of its known length counts as broken), a body longer than its declared length (nothing past the length is written) and an error status to a resume. A
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
      Duration elapsed, Path file) {

    /** A download that ended with {@code status} and saved nothing. */
    static Result unsaved(int status, long bytes, int attempts, int redirects, int resumes, long start) {
      return new Result(status, bytes, null, attempts, redirects, resumes, Duration.ofNanos(System.nanoTime() - start),
          null);
    }
  }

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

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
    EntityTag etag = null;
    int attempts = 0;
    int redirects = 0;
    int resumes = 0;
    int status = 0;
    boolean ok = false;
    Throwable failure = null;
    PartFile pf = openPart(part);
    try {
      FileChannel ch = pf.channel;
      while (true) {
        boolean ranged = written > 0;
        Request.Builder next = ranged
            ? plain.toBuilder().setHeader("Range", "bytes=" + written + "-").setHeader("If-Range", etag.toString())
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
          // One rule with stdout: 400 and above is an error; a 3xx that was not followed (redirects
          // off) is an answer like any other and is saved. To a resume, though, anything but 206,
          // 200 or a 416 saying the file is complete cannot be spliced.
          if (!ranged && r.status() == 304) {
            // Not Modified (the caller sent a validator with -H): the copy the caller has is
            // current; FILE is left exactly as it is, never replaced by the empty 304 body.
            return Result.unsaved(304, 0, attempts, redirects, resumes, start);
          }
          if (r.status() >= 400 || (ranged && r.status() >= 300)) {
            if (!ranged) {
              return Result.unsaved(r.status(), 0, attempts, redirects, resumes, start);
            }
            if (r.status() == 416 && completeAt(r, written, total, etag)) {
              break; // everything had arrived; only the end of the last response was lost
            }
            // An error to a resume (403, 429, 5xx, another 416): the bytes so far cannot be
            // proven to belong to what the server now has; start over, within the same bound.
            if (resumes >= maxResumes) {
              return Result.unsaved(r.status(), written, attempts, redirects, resumes, start);
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
          if (!overlong && total >= 0 && written < total) {
            // The body ended cleanly but short (a close-delimited body cut by a FIN, a server that
            // sent less than it declared): a broken body like any other, resumed or restarted.
            if (resumes >= maxResumes) {
              throw new ConnectionClosedException("the body ended after " + written + " of " + total + " bytes",
                  request.uri(), SendState.RESPONSE_STARTED, null);
            }
            resumes++;
            if (etag == null) {
              written = restart(ch, sha);
            }
            continue;
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
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      cleanUp(pf, ok, failure);
    }
  }

  /**
   * Removes a failed download's {@code .part} while its lock is still held (once the lock is gone
   * another run may take the file over), then closes it. A cleanup failure is added to the
   * failure that ended the download, or thrown if there was none.
   */
  private static void cleanUp(PartFile pf, boolean ok, Throwable failure) throws IOException {
    IOException problem = null;
    try {
      if (!ok) {
        pf.deleteIfOurs();
      }
    } catch (IOException e) {
      problem = e;
    }
    try {
      pf.close();
    } catch (IOException e) {
      if (problem == null) {
        problem = e;
      } else {
        problem.addSuppressed(e);
      }
    }
    if (problem != null) {
      if (failure == null) {
        throw problem;
      }
      failure.addSuppressed(problem);
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
  private static boolean completeAt(Response<?> r, long written, long total, EntityTag etag) {
    List<String> ranges = r.headers().all("Content-Range");
    if (ranges.size() != 1) {
      return false;
    }
    Optional<ContentRange> range = ContentRange.parse(ranges.get(0));
    if (range.isEmpty() || range.get().isSatisfied() || range.get().completeLength().getAsLong() != written
        || (total >= 0 && total != written)) {
      return false;
    }
    String newTag = r.headers().get("ETag");
    return newTag == null || sameTag(newTag, etag);
  }

  /** Whether {@code value} is an entity tag strongly equal to {@code etag} (RFC 9110 §8.8.3.2). */
  private static boolean sameTag(String value, EntityTag etag) {
    return EntityTag.parse(value).map(t -> t.strongEquals(etag)).orElse(false);
  }

  /**
   * Why a 206 to {@code Range: bytes=offset-} cannot be used, or null when its Content-Range is
   * exactly {@code bytes offset-(total-1)/total} and its ETag, if sent, is the one resumed from.
   * {@code total} is -1 when the first response had no length (chunked): then any complete-length
   * works, as long as the range is valid (RFC 9110 §14.4) and runs from the offset to its end.
   */
  static String badPartial(Response<?> r, long offset, long total, EntityTag etag) {
    String contentType = r.headers().get("Content-Type");
    if (contentType != null && contentType.trim().toLowerCase(Locale.ROOT).startsWith("multipart/")) {
      return "206 with a multipart body to a single-range request";
    }
    List<String> ranges = r.headers().all("Content-Range");
    if (ranges.size() != 1) {
      return ranges.isEmpty() ? "206 without Content-Range" : "206 with more than one Content-Range";
    }
    Optional<ContentRange> parsed = ContentRange.parse(ranges.get(0));
    if (parsed.isEmpty()) {
      return "206 with a malformed or invalid Content-Range";
    }
    ContentRange range = parsed.get();
    if (!range.isSuffixFrom(offset, total)) {
      return "206 with Content-Range " + range + " (asked for bytes "
          + offset + "-" + (total >= 0 ? (total - 1) + "/" + total : "") + ")";
    }
    long declared = r.headers().firstLong("Content-Length").orElse(-1);
    if (declared >= 0 && declared != range.length()) {
      return "206 whose Content-Length " + declared + " does not match its Content-Range";
    }
    // RFC 9110 §15.3.7: a 206 to an If-Range request carries the ETag; one without it cannot be
    // shown to belong to the bytes already written.
    String newTag = r.headers().get("ETag");
    if (etag != null && newTag == null) {
      return "206 without an ETag to a resume by ETag";
    }
    if (newTag != null && !sameTag(newTag, etag)) {
      return "206 for another version of the resource (its ETag changed)";
    }
    return null;
  }

  /** The complete length from a Content-Range that {@link #badPartial} accepted. */
  private static long completeLength(Response<?> r) {
    return ContentRange.parse(r.headers().get("Content-Range"))
        .orElseThrow(() -> new IllegalStateException("Content-Range was checked"))
        .completeLength().getAsLong();
  }

  /**
   * The response's ETag if strong (RFC 9110 §13.1.5: only a strong one may be used in If-Range),
   * else null. A Last-Modified date is not used instead: without a strong ETag the download
   * restarts rather than resumes.
   */
  private static EntityTag strongEtag(Response<?> r) {
    return EntityTag.parse(r.headers().get("ETag")).filter(t -> !t.isWeak()).orElse(null);
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

  /** The {@code .part} this run holds locked; closing it releases the lock. */
  static final class PartFile implements Closeable {
    final Path path;
    final FileChannel channel;
    private final Object key;

    private PartFile(Path path, FileChannel channel, Object key) {
      this.path = path;
      this.channel = channel;
      this.key = key;
    }

    /**
     * True while this run holds the lock and the entry at {@code path} is still the file it
     * locked (same file key, same size as the open channel).
     */
    boolean isOurs() {
      if (!channel.isOpen()) {
        return false; // the lock is gone: the file may already be another run's
      }
      try {
        BasicFileAttributes now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return key != null && key.equals(now.fileKey()) && now.size() == channel.size();
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

    /**
     * Removes the {@code .part} only while this run still holds its lock and it is still ours;
     * anything else there, or anything after {@link #close}, is left alone.
     */
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
   * Opens {@code part} for this run, locked and empty, never following a link. Nothing there: it
   * is created new, owner-only. A {@code .part} already there (left by a killed run, or just
   * created by another run) is never unlinked: it is opened, locked, checked to be a regular file
   * of this user that is still the entry at the path, and only then emptied and used. One that
   * another run holds locked is refused, as is anything else at that path. Only the lock holder
   * ever unlinks a {@code .part}.
   */
  static PartFile openPart(Path part) throws IOException {
    for (int attempt = 0; ; attempt++) {
      BasicFileAttributes before = attributes(part);
      if (before == null) {
        FileChannel created = createNew(part);
        if (created != null) {
          return lockCreated(part, created);
        }
        // Another creator won the race: take the existing path below, on the next round.
      } else {
        PartFile pf = lockExisting(part, before);
        if (pf != null) {
          return pf;
        }
      }
      if (attempt >= 3) {
        throw new UnsafePathException(part + " keeps changing while the download starts; refusing to use it");
      }
    }
  }

  /** The attributes of the entry itself (a link is not followed), or null if there is none. */
  private static BasicFileAttributes attributes(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** {@code CREATE_NEW}, owner-only, no link followed; null if something is there already. */
  private static FileChannel createNew(Path part) throws IOException {
    Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
    try {
      if (part.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        return FileChannel.open(part, options,
            PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      }
      return FileChannel.open(part, options);
    } catch (FileAlreadyExistsException e) {
      return null;
    }
  }

  /**
   * Locks a file this run has just created. Until the lock is held another run may have opened
   * and locked it (then it is that run's: refused, never deleted). The file key is read from the
   * path only under the lock.
   */
  private static PartFile lockCreated(Path part, FileChannel ch) throws IOException {
    try {
      boolean locked;
      try {
        locked = tryLock(ch);
      } catch (IOException e) {
        // No lock (ENOLCK, a file system without locks): remove what we created. Nobody else can
        // hold it either, and it is still empty; only an entry that is still a fresh empty file
        // is removed.
        BasicFileAttributes now = attributes(part);
        if (now != null && now.isRegularFile() && now.size() == 0 && ch.size() == 0) {
          Files.deleteIfExists(part);
        }
        throw new IOException("cannot lock " + part + ": " + e.getMessage(), e);
      }
      if (!locked) {
        throw new UnsafePathException("another haul get is writing " + part + "; wait for it or stop it first");
      }
      BasicFileAttributes now = attributes(part);
      if (now == null || !now.isRegularFile() || now.fileKey() == null || now.size() != ch.size()) {
        throw new UnsafePathException(part + " changed while the download was starting; refusing to use it");
      }
      return new PartFile(part, ch, now.fileKey());
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Takes over an existing {@code .part}: opened without following a link, locked, checked to be
   * the same regular file of this user that was there before the open, then emptied and made
   * owner-only. Null if it vanished meanwhile (the caller looks again).
   */
  private static PartFile lockExisting(Path part, BasicFileAttributes before) throws IOException {
    if (before.isSymbolicLink()) {
      throw new UnsafePathException(part + " is a symbolic link; refusing to follow it (remove it and retry)");
    }
    if (!before.isRegularFile()) {
      // Checked before the open: opening a FIFO or a device could block or have side effects.
      throw new UnsafePathException(part + " exists and is not a regular file; remove it and retry");
    }
    checkOwner(part);
    FileChannel ch;
    try {
      ch = FileChannel.open(part, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
    try {
      boolean locked;
      try {
        locked = tryLock(ch);
      } catch (IOException e) {
        throw new IOException("cannot lock " + part + ": " + e.getMessage(), e);
      }
      if (!locked) {
        throw new UnsafePathException("another haul get is writing " + part + "; wait for it or stop it first");
      }
      // Java offers no fstat of an open channel: the entry must be the same file (same key) as
      // before the open, and still a regular file of this user, now that the lock is held.
      BasicFileAttributes now = attributes(part);
      if (now == null || !now.isRegularFile() || now.fileKey() == null || !now.fileKey().equals(before.fileKey())
          || now.size() != ch.size()) {
        throw new UnsafePathException(part + " changed while being checked; refusing to use it");
      }
      checkOwner(part);
      ch.truncate(0);
      if (part.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(part, OWNER_ONLY);
      }
      return new PartFile(part, ch, now.fileKey());
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static void checkOwner(Path part) throws IOException {
    Boolean mine = ownedByThisProcessUser(part);
    if (mine == null) {
      throw new UnsafePathException("cannot tell whether " + part + " belongs to this user (a probe file cannot be"
          + " created in its directory); remove it and retry");
    }
    if (!mine) {
      throw new UnsafePathException(part + " exists and belongs to another user; remove it and retry");
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
   * Null when that cannot be told (the directory is not writable, the attribute is unsupported).
   */
  private static Boolean ownedByThisProcessUser(Path p) {
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
      return null;
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
