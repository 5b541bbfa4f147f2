package dev.haul.examples.cli;

import dev.haul.BodyHandlers;
import dev.haul.HaulClient;
import dev.haul.HaulException;
import dev.haul.IntegrityException;
import dev.haul.Request;
import dev.haul.Response;
import dev.haul.SendState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Streams a response into {@code FILE.part}, hashing as it goes, and renames it to {@code FILE}
 * only once the body is complete and its SHA-256 matches. When the connection breaks mid-body
 * and the server has an ETag, it resumes with {@code Range} and {@code If-Range} from the last
 * byte written; a server that ignores the range gets a clean restart from zero (F21). A failed
 * download leaves no {@code .part} behind.
 */
final class FileDownload {

  /** What happened. */
  record Result(int status, long bytes, String sha256, int attempts, int redirects, int resumes,
      Duration elapsed, Path file) {}

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
    Path part = target.resolveSibling(target.getFileName() + ".part");
    MessageDigest sha = sha256();
    long written = 0;
    long total = -1;
    String etag = null;
    int attempts = 0;
    int redirects = 0;
    int resumes = 0;
    Request current = request;
    boolean ok = false;
    try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (true) {
        Response<InputStream> r = client.send(current, BodyHandlers.ofInputStream());
        attempts += r.attempts();
        redirects += r.redirects().size();
        try (InputStream in = r.body()) {
          if (r.status() >= 300) {
            return new Result(r.status(), 0, null, attempts, redirects, resumes,
                Duration.ofNanos(System.nanoTime() - start), null);
          }
          if (written > 0 && r.status() != 206) {
            // The server ignored the range: never splice, start again from zero.
            ch.truncate(0);
            sha.reset();
            written = 0;
          }
          if (written == 0) {
            etag = r.headers().get("ETag");
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
          if (cause != null && cause.isTransient() && etag != null && resumes < maxResumes) {
            resumes++;
            current = request.toBuilder().setHeader("Range", "bytes=" + written + "-")
                .setHeader("If-Range", etag).build();
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
        throw new IntegrityException("SHA-256 mismatch: expected " + expectedSha256.trim().toLowerCase(java.util.Locale.ROOT)
            + ", got " + hex, request.uri(), SendState.RESPONSE_STARTED, null);
      }
      ok = true;
      move(part, target);
      return new Result(200, written, hex, attempts, redirects, resumes,
          Duration.ofNanos(System.nanoTime() - start), target);
    } finally {
      if (!ok) {
        Files.deleteIfExists(part);
      }
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
