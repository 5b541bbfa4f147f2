package dev.haul.download.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resume journal of one download: a small binary file beside {@code FILE.part}
 * ({@code FILE.part.journal}), replaced atomically on every save, trusted on load only when every
 * check passes.
 *
 * <h2>Format, version 1 (big-endian)</h2>
 *
 * <pre>
 * magic        8 bytes  "HAULJRNL"
 * version      u16      1
 * payloadSize  i32      N, 0..16 MiB
 * payload      N bytes:
 *   flags        u8     bit 0: etag, bit 1: last-modified, bit 2: sha256; other bits 0
 *   length       i64    total length of the file
 *   pieceSize    i32    &gt; 0
 *   url          string the original URL
 *   etag         string if flag 0
 *   lastModified string if flag 1
 *   sha256       32 bytes, if flag 2
 *   pieceRuns    i32 count, then count x (i64 firstPiece, i64 endPiece)
 *   partials     i32 count, then count x (i64 start, i64 end)
 * crc32c       u32      over every byte before it
 * string = i32 byte count, then that many bytes of strict UTF-8
 * </pre>
 *
 * <p>The payload must be consumed exactly; every field is then validated by {@link JournalState}
 * and {@link PlanState} (ranges inside the length, ascending, no overlaps, piece size &gt; 0, ...).
 *
 * <h2>Save order</h2>
 *
 * <p>The caller first takes {@link SegmentPlan#snapshotForJournal()}, then forces the data file,
 * then calls {@link #save}: the journal goes to {@code FILE.part.journal.tmp} (a stale one from a
 * crash is deleted first), is forced with its metadata, atomically renamed over the journal, and the
 * directory is forced so the rename itself survives a power cut. Some file systems (and Windows)
 * cannot open a directory for forcing: that failure is logged at debug and tolerated, as the rename
 * is still atomic there, only its durability is up to the file system. On POSIX file systems the
 * journal is created {@code rw-------}.
 *
 * <p>A save is not thread-safe against a concurrent save of the same journal from another
 * {@code Journal} instance; one download owns one journal.
 */
public final class Journal {

  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

  /** The suffix added to the {@code .part} file's name. */
  public static final String SUFFIX = ".journal";
  static final byte[] MAGIC = "HAULJRNL".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final int HEADER_SIZE = MAGIC.length + 2 + 4;
  static final int MAX_PAYLOAD = 16 << 20;
  private static final int FLAG_ETAG = 1;
  private static final int FLAG_LAST_MODIFIED = 2;
  private static final int FLAG_SHA256 = 4;

  private final Path file;
  private final Path temp;
  private final FileSystemAccess fs;

  private Journal(FileSystemAccess fs, Path file) {
    this.fs = fs;
    this.file = file.toAbsolutePath();
    this.temp = this.file.resolveSibling(this.file.getFileName() + ".tmp");
  }

  /** Returns the journal of the given {@code .part} file: {@code partFile + ".journal"}. */
  public static Journal beside(Path partFile) {
    return beside(FileSystemAccess.system(), partFile);
  }

  /** Returns the journal of the given {@code .part} file, written and read through {@code fs}. */
  public static Journal beside(FileSystemAccess fs, Path partFile) {
    Objects.requireNonNull(partFile, "partFile is null");
    return at(fs, partFile.toAbsolutePath().resolveSibling(partFile.getFileName() + SUFFIX));
  }

  /** Returns a journal stored at exactly {@code journalFile}. */
  public static Journal at(Path journalFile) {
    return at(FileSystemAccess.system(), journalFile);
  }

  /** Returns a journal stored at exactly {@code journalFile}, written and read through {@code fs}. */
  public static Journal at(FileSystemAccess fs, Path journalFile) {
    Objects.requireNonNull(fs, "fs is null");
    Objects.requireNonNull(journalFile, "journalFile is null");
    if (journalFile.getFileName() == null) {
      throw new IllegalArgumentException("journalFile: " + journalFile + " (expected: a file name)");
    }
    return new Journal(fs, journalFile);
  }

  /** Returns the journal file's path. */
  public Path file() {
    return file;
  }

  /**
   * Replaces the journal with {@code state}, atomically (see the class comment for the order).
   * Nothing half-written is ever visible under the journal's name; on failure the temporary file is
   * removed and the previous journal, if any, is left as it was.
   *
   * @throws IOException if writing, forcing or renaming fails (for example a full disk)
   */
  public synchronized void save(JournalState state) throws IOException {
    byte[] bytes = encode(state);
    fs.deleteIfExists(temp);
    try {
      try (FileChannel channel = fs.open(temp, openOptions(), ownerOnly(temp))) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long at = 0;
        while (buffer.hasRemaining()) {
          at += channel.write(buffer, at);
        }
        channel.force(true);
      }
      fs.move(temp, file, true);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(temp);
      throw e;
    }
    forceDirectory(file.getParent());
  }

  /**
   * Reads the journal and checks it completely: format, version, size, checksum, every field, and
   * that it belongs to {@code expectedUrl}. Never throws for a bad or missing journal; a stale
   * temporary file is ignored. Check the remote length and validators with
   * {@link JournalState#mismatch} once the server answered.
   */
  public JournalLoad load(String expectedUrl) {
    Objects.requireNonNull(expectedUrl, "expectedUrl is null");
    byte[] bytes;
    try (InputStream in = java.nio.channels.Channels.newInputStream(
        fs.open(file, java.util.EnumSet.of(StandardOpenOption.READ)))) {
      bytes = in.readNBytes(HEADER_SIZE + MAX_PAYLOAD + 4 + 1);
    } catch (NoSuchFileException e) {
      return new JournalLoad.Untrusted(JournalLoad.Reason.MISSING, "no journal");
    } catch (IOException e) {
      return new JournalLoad.Untrusted(JournalLoad.Reason.UNREADABLE, "cannot read the journal: " + e);
    }
    JournalLoad decoded = decode(bytes);
    if (decoded instanceof JournalLoad.Trusted trusted && !trusted.state().url().equals(expectedUrl)) {
      return new JournalLoad.Untrusted(JournalLoad.Reason.URL_MISMATCH, "the journal is for another URL");
    }
    return decoded;
  }

  /** Deletes the journal and any temporary file left by a crash. */
  public synchronized void delete() throws IOException {
    fs.deleteIfExists(temp);
    fs.deleteIfExists(file);
  }

  /** Encodes a state in the version 1 format. */
  static byte[] encode(JournalState state) {
    byte[] url = state.url().getBytes(StandardCharsets.UTF_8);
    byte[] etag = bytesOrNull(state.validators().etag());
    byte[] lastModified = bytesOrNull(state.validators().lastModified());
    PlanState plan = state.plan();
    long size = 1L + 8 + 4 + 4 + url.length + (etag == null ? 0 : 4 + etag.length)
        + (lastModified == null ? 0 : 4 + lastModified.length) + (state.sha256() == null ? 0 : 32)
        + 4 + 16L * plan.completedPieces().size() + 4 + 16L * plan.partialRanges().size();
    if (size > MAX_PAYLOAD) {
      throw new IllegalArgumentException("journal payload: " + size + " bytes (expected: <= " + MAX_PAYLOAD + ")");
    }
    ByteBuffer out = ByteBuffer.allocate(HEADER_SIZE + (int) size + 4);
    out.put(MAGIC).putShort((short) VERSION).putInt((int) size);
    int flags = (etag == null ? 0 : FLAG_ETAG) | (lastModified == null ? 0 : FLAG_LAST_MODIFIED)
        | (state.sha256() == null ? 0 : FLAG_SHA256);
    out.put((byte) flags).putLong(plan.length()).putInt(plan.pieceSize());
    out.putInt(url.length).put(url);
    if (etag != null) {
      out.putInt(etag.length).put(etag);
    }
    if (lastModified != null) {
      out.putInt(lastModified.length).put(lastModified);
    }
    if (state.sha256() != null) {
      out.put(HexFormat.of().parseHex(state.sha256()));
    }
    putSpans(out, plan.completedPieces());
    putSpans(out, plan.partialRanges());
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.array();
  }

  /** Decodes and validates a version 1 journal; never throws. */
  static JournalLoad decode(byte[] bytes) {
    if (bytes.length < HEADER_SIZE) {
      return untrusted(JournalLoad.Reason.TRUNCATED, "shorter than the header");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte[] magic = new byte[MAGIC.length];
    in.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      return untrusted(JournalLoad.Reason.BAD_MAGIC, "not a journal");
    }
    int version = Short.toUnsignedInt(in.getShort());
    if (version > VERSION) {
      return untrusted(JournalLoad.Reason.FUTURE_VERSION, "version " + version + " (this reader knows " + VERSION + ")");
    }
    if (version < 1) {
      return untrusted(JournalLoad.Reason.INVALID, "version " + version);
    }
    int size = in.getInt();
    if (size < 0 || size > MAX_PAYLOAD || bytes.length != HEADER_SIZE + size + 4) {
      return untrusted(JournalLoad.Reason.TRUNCATED,
          "size " + bytes.length + " does not match the header's payload size " + size);
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, HEADER_SIZE + size);
    if ((int) crc.getValue() != ByteBuffer.wrap(bytes, HEADER_SIZE + size, 4).getInt()) {
      return untrusted(JournalLoad.Reason.CHECKSUM, "CRC32C mismatch");
    }
    ByteBuffer payload = ByteBuffer.wrap(bytes, HEADER_SIZE, size).slice();
    try {
      JournalState state = readPayload(payload);
      if (payload.hasRemaining()) {
        return untrusted(JournalLoad.Reason.INVALID, payload.remaining() + " trailing bytes in the payload");
      }
      return new JournalLoad.Trusted(state);
    } catch (java.nio.BufferUnderflowException e) {
      return untrusted(JournalLoad.Reason.INVALID, "payload ends inside a field");
    } catch (CharacterCodingException e) {
      return untrusted(JournalLoad.Reason.INVALID, "a string is not UTF-8");
    } catch (IllegalArgumentException e) {
      return untrusted(JournalLoad.Reason.INVALID, "inconsistent fields: " + e.getMessage());
    }
  }

  private static JournalState readPayload(ByteBuffer in) throws CharacterCodingException {
    int flags = Byte.toUnsignedInt(in.get());
    if ((flags & ~(FLAG_ETAG | FLAG_LAST_MODIFIED | FLAG_SHA256)) != 0) {
      throw new IllegalArgumentException("unknown flags " + flags);
    }
    long length = in.getLong();
    int pieceSize = in.getInt();
    String url = readString(in);
    String etag = (flags & FLAG_ETAG) != 0 ? readString(in) : null;
    String lastModified = (flags & FLAG_LAST_MODIFIED) != 0 ? readString(in) : null;
    String sha256 = null;
    if ((flags & FLAG_SHA256) != 0) {
      byte[] digest = new byte[32];
      in.get(digest);
      sha256 = HexFormat.of().formatHex(digest);
    }
    List<Span> pieces = readSpans(in);
    List<Span> partials = readSpans(in);
    return new JournalState(url, new Validators(etag, lastModified), sha256,
        new PlanState(length, pieceSize, pieces, partials));
  }

  private static String readString(ByteBuffer in) throws CharacterCodingException {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("string of " + n + " bytes with " + in.remaining() + " left");
    }
    ByteBuffer slice = in.slice().limit(n);
    in.position(in.position() + n);
    // A fresh decoder reports malformed input instead of replacing it.
    return StandardCharsets.UTF_8.newDecoder().decode(slice).toString();
  }

  private static List<Span> readSpans(ByteBuffer in) {
    int count = in.getInt();
    if (count < 0 || count > in.remaining() / 16) {
      throw new IllegalArgumentException(count + " ranges with " + in.remaining() + " bytes left");
    }
    List<Span> spans = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      spans.add(new Span(in.getLong(), in.getLong()));
    }
    return spans;
  }

  private static void putSpans(ByteBuffer out, List<Span> spans) {
    out.putInt(spans.size());
    for (Span s : spans) {
      out.putLong(s.start()).putLong(s.end());
    }
  }

  private static byte[] bytesOrNull(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private static JournalLoad untrusted(JournalLoad.Reason reason, String detail) {
    return new JournalLoad.Untrusted(reason, detail);
  }

  private static java.util.Set<StandardOpenOption> openOptions() {
    return java.util.EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  /**
   * A journal names what is being downloaded: its owner's business only, whatever the umask says.
   * Created with these permissions, so it is never readable by others, not even for a moment.
   */
  private static java.nio.file.attribute.FileAttribute<?>[] ownerOnly(Path path) {
    if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return new java.nio.file.attribute.FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
    }
    return new java.nio.file.attribute.FileAttribute<?>[0];
  }

  private void forceDirectory(Path directory) {
    try {
      fs.forceDirectory(directory);
    } catch (IOException e) {
      // Not every platform can open or force a directory; the rename is atomic regardless.
      LOG.debug("could not force directory {} after saving a journal: {}", directory, e.toString());
    }
  }

  private void deleteQuietly(Path path) {
    try {
      fs.deleteIfExists(path);
    } catch (IOException e) {
      LOG.debug("could not delete temporary journal {}: {}", path, e.toString());
    }
  }
}
