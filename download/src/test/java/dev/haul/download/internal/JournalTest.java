package dev.haul.download.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

  private static final String URL = "https://models.example.com/org/model/resolve/main/model.safetensors";
  private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  private static final Validators VALIDATORS = new Validators("\"abc-123\"", "Wed, 21 Oct 2026 07:28:00 GMT");
  private static final JournalState STATE = new JournalState(URL, VALIDATORS, SHA,
      new PlanState(10_000_000, 1 << 20, List.of(new Span(0, 3), new Span(5, 7)), List.of(new Span(3 << 20, (3 << 20) + 12345))));

  @TempDir
  Path dir;

  @Test
  void aSavedJournalLoadsBackExactly() throws IOException {
    Journal journal = Journal.beside(dir.resolve("model.bin.part"));
    assertThat(journal.file()).isEqualTo(dir.resolve("model.bin.part.journal").toAbsolutePath());
    journal.save(STATE);
    assertThat(journal.load(URL)).isEqualTo(new JournalLoad.Trusted(STATE));
    assertThat(Journal.at(journal.file()).load(URL)).isEqualTo(new JournalLoad.Trusted(STATE));
  }

  @Test
  void optionalFieldsMayAllBeAbsent() throws IOException {
    JournalState bare = new JournalState("http://h/f", Validators.NONE, null, new PlanState(0, 1, List.of(), List.of()));
    Journal journal = Journal.at(dir.resolve("j"));
    journal.save(bare);
    assertThat(journal.load("http://h/f")).isEqualTo(new JournalLoad.Trusted(bare));
  }

  @Test
  void aMissingJournalIsReportedAsSuch() {
    assertThat(reason(Journal.at(dir.resolve("none")).load(URL))).isEqualTo(JournalLoad.Reason.MISSING);
  }

  @Test
  void aJournalThatCannotBeReadIsUnreadable() throws IOException {
    Path directory = Files.createDirectory(dir.resolve("j"));
    assertThat(reason(Journal.at(directory).load(URL))).isEqualTo(JournalLoad.Reason.UNREADABLE);
  }

  @Test
  void everySingleByteCorruptionIsDetected() {
    byte[] good = Journal.encode(STATE);
    for (int i = 0; i < good.length; i++) {
      for (int x = 1; x < 256; x++) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) x;
        assertThat(Journal.decode(bad)).as("byte %d xor %d", i, x).isInstanceOf(JournalLoad.Untrusted.class);
      }
    }
  }

  @Test
  void everyTruncationAndAnyTrailingByteIsDetected() {
    byte[] good = Journal.encode(STATE);
    for (int n = 0; n < good.length; n++) {
      assertThat(Journal.decode(Arrays.copyOf(good, n))).as("first %d bytes", n).isInstanceOf(JournalLoad.Untrusted.class);
    }
    assertThat(reason(Journal.decode(Arrays.copyOf(good, good.length + 1)))).isEqualTo(JournalLoad.Reason.TRUNCATED);
    assertThat(reason(Journal.decode(new byte[0]))).isEqualTo(JournalLoad.Reason.TRUNCATED);
  }

  @Test
  void aTornWriteOnDiskIsNotTrusted() throws IOException {
    Journal journal = Journal.at(dir.resolve("j"));
    journal.save(STATE);
    byte[] bytes = Files.readAllBytes(journal.file());
    Files.write(journal.file(), Arrays.copyOf(bytes, bytes.length - 1));
    assertThat(reason(journal.load(URL))).isEqualTo(JournalLoad.Reason.TRUNCATED);
    bytes[bytes.length / 2] ^= 1;
    Files.write(journal.file(), bytes);
    assertThat(reason(journal.load(URL))).isEqualTo(JournalLoad.Reason.CHECKSUM);
  }

  @Test
  void aFutureVersionIsNotTrustedEvenWithAValidChecksum() {
    byte[] future = withChecksum(withVersion(Journal.encode(STATE), 2));
    assertThat(reason(Journal.decode(future))).isEqualTo(JournalLoad.Reason.FUTURE_VERSION);
    byte[] zero = withChecksum(withVersion(Journal.encode(STATE), 0));
    assertThat(reason(Journal.decode(zero))).isEqualTo(JournalLoad.Reason.INVALID);
  }

  @Test
  void somethingElseIsNotAJournal() {
    byte[] text = "HAULJRNX-not-a-journal-at-all".getBytes(StandardCharsets.US_ASCII);
    assertThat(reason(Journal.decode(text))).isEqualTo(JournalLoad.Reason.BAD_MAGIC);
  }

  @Test
  void wellFormedButInconsistentContentIsInvalid() {
    // Overlapping partial ranges, with a correct checksum.
    assertInvalid(payload(0, 100, 10, "u", List.of(), List.of(new Span(1, 5), new Span(3, 8))), "partialRanges");
    // A range beyond the length.
    assertInvalid(payload(0, 100, 10, "u", List.of(), List.of(new Span(95, 101))), "partialRanges");
    // Piece runs beyond the piece count.
    assertInvalid(payload(0, 100, 10, "u", List.of(new Span(9, 11)), List.of()), "completedPieces");
    // A zero piece size and a negative length.
    assertInvalid(payload(0, 100, 0, "u", List.of(), List.of()), "pieceSize");
    assertInvalid(payload(0, -1, 10, "u", List.of(), List.of()), "length");
    // Unknown flags.
    assertInvalid(payload(0x80, 100, 10, "u", List.of(), List.of()), "flags");
    // An empty URL.
    assertInvalid(payload(0, 100, 10, "", List.of(), List.of()), "url");
  }

  @Test
  void malformedFieldsInsideAValidChecksumAreInvalid() {
    // Trailing payload bytes.
    byte[] p = payload(0, 100, 10, "u", List.of(), List.of());
    assertThat(reason(Journal.decode(frame(Arrays.copyOf(p, p.length + 1))))).isEqualTo(JournalLoad.Reason.INVALID);
    // A string longer than the payload.
    ByteBuffer b = ByteBuffer.wrap(payload(0, 100, 10, "u", List.of(), List.of()));
    b.putInt(13, 1_000_000);
    assertThat(reason(Journal.decode(frame(b.array())))).isEqualTo(JournalLoad.Reason.INVALID);
    // Invalid UTF-8 in the URL.
    byte[] utf = payload(0, 100, 10, "u", List.of(), List.of());
    utf[17] = (byte) 0xC0;
    assertThat(reason(Journal.decode(frame(utf)))).isEqualTo(JournalLoad.Reason.INVALID);
    // A range count larger than the bytes left.
    ByteBuffer c = ByteBuffer.wrap(payload(0, 100, 10, "u", List.of(), List.of()));
    c.putInt(18, Integer.MAX_VALUE);
    assertThat(reason(Journal.decode(frame(c.array())))).isEqualTo(JournalLoad.Reason.INVALID);
    // A payload that ends inside a field.
    assertThat(reason(Journal.decode(frame(Arrays.copyOf(p, 10))))).isEqualTo(JournalLoad.Reason.INVALID);
    // A negative span start.
    ByteBuffer d = ByteBuffer.wrap(payload(0, 100, 10, "u", List.of(), List.of(new Span(0, 1))));
    d.putLong(26, -1);
    assertThat(reason(Journal.decode(frame(d.array())))).isEqualTo(JournalLoad.Reason.INVALID);
  }

  @Test
  void aJournalOfAnotherUrlIsNotTrusted() throws IOException {
    Journal journal = Journal.at(dir.resolve("j"));
    journal.save(STATE);
    JournalLoad other = journal.load(URL + "?x=1");
    assertThat(reason(other)).isEqualTo(JournalLoad.Reason.URL_MISMATCH);
    assertThat(((JournalLoad.Untrusted) other).detail()).doesNotContain("example.com");
  }

  @Test
  void aDifferentRemoteLengthOrValidatorIsAMismatch() {
    assertThat(STATE.mismatch(10_000_000, VALIDATORS)).isEmpty();
    assertThat(STATE.mismatch(10_000_001, VALIDATORS)).contains(JournalLoad.Reason.LENGTH_MISMATCH);
    assertThat(STATE.mismatch(10_000_000, new Validators("\"abc-124\"", VALIDATORS.lastModified())))
        .contains(JournalLoad.Reason.VALIDATOR_MISMATCH);
    assertThat(STATE.mismatch(10_000_000, new Validators(VALIDATORS.etag(), null)))
        .contains(JournalLoad.Reason.VALIDATOR_MISMATCH);
    assertThat(STATE.mismatch(10_000_000, Validators.NONE)).contains(JournalLoad.Reason.VALIDATOR_MISMATCH);
  }

  @Test
  void aStaleTemporaryFileFromACrashIsIgnoredAndThenCleaned() throws IOException {
    Journal journal = Journal.at(dir.resolve("j"));
    Path temp = dir.resolve("j.tmp");
    Files.write(temp, new byte[] {1, 2, 3});
    assertThat(reason(journal.load(URL))).as("a temp alone is not a journal").isEqualTo(JournalLoad.Reason.MISSING);
    journal.save(STATE);
    assertThat(temp).doesNotExist();
    Files.write(temp, Journal.encode(STATE));
    assertThat(journal.load(URL)).isInstanceOf(JournalLoad.Trusted.class);
    journal.delete();
    assertThat(temp).doesNotExist();
    assertThat(journal.file()).doesNotExist();
    journal.delete();
  }

  @Test
  void aSaveOverwritesThePreviousJournal() throws IOException {
    Journal journal = Journal.at(dir.resolve("j"));
    journal.save(STATE);
    JournalState later = new JournalState(URL, VALIDATORS, SHA, new PlanState(10_000_000, 1 << 20, List.of(new Span(0, 9)), List.of()));
    journal.save(later);
    assertThat(journal.load(URL)).isEqualTo(new JournalLoad.Trusted(later));
  }

  @Test
  void aFailedSaveLeavesNoTemporaryFileAndThePreviousJournalIntact() throws IOException {
    Path blocked = Files.createDirectory(dir.resolve("blocked"));
    Files.write(blocked.resolve("child"), new byte[1]);
    Journal journal = Journal.at(blocked);
    assertThatThrownBy(() -> journal.save(STATE)).isInstanceOf(IOException.class);
    assertThat(dir.resolve("blocked.tmp")).doesNotExist();
    assertThat(blocked.resolve("child")).exists();
  }

  @Test
  void theJournalIsReadableByItsOwnerOnly() throws IOException {
    assumeThat(dir.getFileSystem().supportedFileAttributeViews()).contains("posix");
    Journal journal = Journal.at(dir.resolve("j"));
    Files.write(journal.file(), new byte[0]);
    Files.setPosixFilePermissions(journal.file(), PosixFilePermissions.fromString("rw-r--r--"));
    journal.save(STATE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(journal.file()))).isEqualTo("rw-------");
  }

  @Test
  void theApiHasNoPlaceForHeadersOrCredentials() {
    assertThat(Arrays.stream(JournalState.class.getRecordComponents()).map(RecordComponent::getName))
        .containsExactly("url", "validators", "sha256", "plan");
    for (Method m : Journal.class.getMethods()) {
      for (Class<?> p : m.getParameterTypes()) {
        assertThat(p).as("parameter of %s", m).isNotEqualTo(Map.class);
        assertThat(p.getName()).as("parameter of %s", m).doesNotContain("Header");
      }
    }
  }

  @Test
  void statesAreValidated() {
    PlanState plan = new PlanState(1, 1, List.of(), List.of());
    assertThatThrownBy(() -> new JournalState("", Validators.NONE, null, plan)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new JournalState("http://h/\n", Validators.NONE, null, plan)).hasMessageContaining("control");
    assertThatThrownBy(() -> new JournalState("x".repeat(8193), Validators.NONE, null, plan)).hasMessageContaining("8192");
    assertThatThrownBy(() -> new JournalState("http://h/\uD800", Validators.NONE, null, plan)).hasMessageContaining("Unicode");
    assertThatThrownBy(() -> new JournalState("u", Validators.NONE, "abc", plan)).hasMessageContaining("64 hex");
    assertThatThrownBy(() -> new JournalState("u", Validators.NONE, "g".repeat(64), plan)).hasMessageContaining("64 hex");
    assertThatThrownBy(() -> new JournalState(null, Validators.NONE, null, plan)).isInstanceOf(NullPointerException.class);
    assertThat(new JournalState("u", Validators.NONE, SHA.toUpperCase(java.util.Locale.ROOT), plan).sha256()).isEqualTo(SHA);
    assertThat(new JournalState("u", Validators.NONE, SHA, plan).sha256Bytes()).hasValueSatisfying(b -> assertThat(b).hasSize(32));
    assertThat(new JournalState("u", Validators.NONE, null, plan).sha256Bytes()).isEmpty();

    assertThatThrownBy(() -> new Validators("W/\"x\"", null)).hasMessageContaining("weak");
    assertThatThrownBy(() -> new Validators("", null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Validators(null, "a\rb")).hasMessageContaining("control");
    assertThatThrownBy(() -> new Validators("x".repeat(1025), null)).hasMessageContaining("1024");
    assertThat(VALIDATORS.strongEtag()).contains("\"abc-123\"");
    assertThat(Validators.NONE.lastModifiedValue()).isEqualTo(Optional.empty());
  }

  @Test
  void planStatesAreValidated() {
    assertThatThrownBy(() -> new PlanState(100, 10, List.of(new Span(0, 2)), List.of(new Span(15, 18))))
        .hasMessageContaining("overlaps completed pieces");
    assertThatThrownBy(() -> new PlanState(100, 10, List.of(), List.of(new Span(5, 25))))
        .hasMessageContaining("covers whole piece 1");
    assertThatThrownBy(() -> new PlanState(95, 10, List.of(), List.of(new Span(90, 95))))
        .as("the short last piece is whole too").hasMessageContaining("covers whole piece 9");
    assertThatThrownBy(() -> new PlanState(100, 10, List.of(new Span(0, 1), new Span(1, 2)), List.of()))
        .as("adjacent runs are not canonical").hasMessageContaining("with a gap");
    assertThatThrownBy(() -> new PlanState(100, 10, List.of(new Span(3, 3)), List.of())).hasMessageContaining("empty");
    assertThatThrownBy(() -> new PlanState(100, 10, List.of(new Span(3, 11)), List.of())).hasMessageContaining("inside");
    assertThatThrownBy(() -> new Span(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Span(2, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new PlanState(100, 10, List.of(new Span(0, 2)), List.of(new Span(20, 25))).writtenBytes()).isEqualTo(25);
    assertThat(PlanState.pieceCount(Long.MAX_VALUE, Integer.MAX_VALUE)).isEqualTo(Long.MAX_VALUE / Integer.MAX_VALUE + 1);
  }

  private static JournalLoad.Reason reason(JournalLoad load) {
    assertThat(load).isInstanceOf(JournalLoad.Untrusted.class);
    return ((JournalLoad.Untrusted) load).reason();
  }

  private static void assertInvalid(byte[] payload, String detail) {
    JournalLoad load = Journal.decode(frame(payload));
    assertThat(reason(load)).isEqualTo(JournalLoad.Reason.INVALID);
    assertThat(((JournalLoad.Untrusted) load).detail()).contains(detail);
  }

  /** A version 1 payload written field by field, bypassing every validation. */
  private static byte[] payload(int flags, long length, int pieceSize, String url, List<Span> pieces, List<Span> partials) {
    byte[] u = url.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 8 + 4 + 4 + u.length + 8 + 16 * (pieces.size() + partials.size()));
    b.put((byte) flags).putLong(length).putInt(pieceSize).putInt(u.length).put(u);
    b.putInt(pieces.size());
    pieces.forEach(s -> b.putLong(s.start()).putLong(s.end()));
    b.putInt(partials.size());
    partials.forEach(s -> b.putLong(s.start()).putLong(s.end()));
    return b.array();
  }

  /** Frames a payload with magic, version 1, size and a correct CRC32C. */
  private static byte[] frame(byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(Journal.HEADER_SIZE + payload.length + 4);
    b.put(Journal.MAGIC).putShort((short) 1).putInt(payload.length).put(payload).putInt(0);
    return withChecksum(b.array());
  }

  private static byte[] withVersion(byte[] journal, int version) {
    ByteBuffer.wrap(journal).putShort(Journal.MAGIC.length, (short) version);
    return journal;
  }

  private static byte[] withChecksum(byte[] journal) {
    CRC32C crc = new CRC32C();
    crc.update(journal, 0, journal.length - 4);
    ByteBuffer.wrap(journal).putInt(journal.length - 4, (int) crc.getValue());
    return journal;
  }
}
