package dev.haul.download.internal;

import java.util.Objects;

/** What {@link Journal#load} found: a state to resume from, or why there is none to trust. */
public sealed interface JournalLoad {

  /** Why a journal is not trusted; every one of them means: start over from byte 0. */
  enum Reason {
    /** There is no journal. */
    MISSING,
    /** The journal could not be read (an I/O error other than its absence). */
    UNREADABLE,
    /** The journal does not start with the journal magic: not a journal. */
    BAD_MAGIC,
    /** The journal was written by a newer format version. */
    FUTURE_VERSION,
    /** The journal is shorter or longer than its header says (a torn write), or larger than any valid journal. */
    TRUNCATED,
    /** The CRC32C does not match the content. */
    CHECKSUM,
    /** The content is well formed but inconsistent (ranges outside the length, overlaps, ...). */
    INVALID,
    /** The journal belongs to another URL. */
    URL_MISMATCH,
    /** The remote length differs from the journal's. */
    LENGTH_MISMATCH,
    /** The remote validators differ from the journal's. */
    VALIDATOR_MISMATCH
  }

  /**
   * A journal that passed every check.
   *
   * @param state what it recorded
   */
  record Trusted(JournalState state) implements JournalLoad {
    /** Validates. */
    public Trusted {
      Objects.requireNonNull(state, "state is null");
    }
  }

  /**
   * A journal not to trust.
   *
   * @param reason the kind of failure
   * @param detail a human-readable detail (never the URL: it could be sensitive)
   */
  record Untrusted(Reason reason, String detail) implements JournalLoad {
    /** Validates. */
    public Untrusted {
      Objects.requireNonNull(reason, "reason is null");
      Objects.requireNonNull(detail, "detail is null");
    }
  }
}
