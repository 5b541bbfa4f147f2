package dev.haul.download;

import dev.haul.config.AbstractConfig;
import dev.haul.config.ConfigKey;
import dev.haul.config.ConfigSource;
import dev.haul.config.ConfigType;
import dev.haul.config.ConfigValues;
import dev.haul.config.Validator;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The downloader's settings ({@code haul.download.*}). Immutable; built with {@link #builder()},
 * read with {@link #from(ConfigSource)}. The keys below are the one place their defaults, ranges
 * and documentation are written; the README's table is checked against them.
 */
public final class DownloadConfig extends AbstractConfig {

  private static final long MIB = 1024L * 1024;

  /** Connections per download at most (segmented downloads). */
  public static final ConfigKey<Integer> MAX_SEGMENTS = ConfigKey.of("haul.download.max-segments",
      ConfigType.INTEGER, 8, Validator.between(1, 64),
      "connections per download at most; the adaptive strategy uses up to this many");
  /** The unit of the plan and of the journal. */
  public static final ConfigKey<Long> PIECE_SIZE = ConfigKey.of("haul.download.piece-size",
      ConfigType.DATA_SIZE, 4 * MIB, Validator.sizeBetween(64 * 1024, 64 * MIB),
      "unit of the segment plan and the journal (less, down to 64 KiB, for a file too small to give "
          + "each connection a piece); idle connections split ranges at piece boundaries");
  /** The smallest range an idle connection takes from a busy one. */
  public static final ConfigKey<Long> MIN_SPLIT = ConfigKey.of("haul.download.min-split",
      ConfigType.DATA_SIZE, 4 * MIB, Validator.sizeBetween(64 * 1024, 1024 * MIB),
      "an idle connection splits a range only when at least twice this much of it is left");
  /** Below this size a download uses one connection. */
  public static final ConfigKey<Long> SEGMENT_THRESHOLD = ConfigKey.of("haul.download.segment-threshold",
      ConfigType.DATA_SIZE, 16 * MIB, Validator.atLeast(0),
      "the adaptive strategy segments only files at least this large");
  /** Downloads running at once; more are queued. */
  public static final ConfigKey<Integer> MAX_CONCURRENT = ConfigKey.of("haul.download.max-concurrent",
      ConfigType.INTEGER, 3, Validator.between(1, 256), "downloads running at once; the rest wait in order");
  /** The memory all downloads may hold in buffers at once. */
  public static final ConfigKey<Long> MAX_BUFFER_MEMORY = ConfigKey.of("haul.download.max-buffer-memory",
      ConfigType.DATA_SIZE, 64 * MIB, Validator.atLeast(2 * MIB),
      "buffers of all downloads at once (about 2 MiB per connection); under heap or direct-memory "
          + "pressure, downloads start no connection beyond their first and read ahead 64 KiB instead of 1 MiB");
  /** Failed requests of one download retried before it fails. */
  public static final ConfigKey<Integer> MAX_RETRIES = ConfigKey.of("haul.download.max-retries",
      ConfigType.INTEGER, 5, Validator.between(0, 1000),
      "failed range requests retried per download (each connection's failures count) before it fails");
  /** The first pause before retrying a failed range request. */
  public static final ConfigKey<Duration> RETRY_DELAY = ConfigKey.of("haul.download.retry-delay",
      ConfigType.DURATION, Duration.ofSeconds(1), Validator.nonNegative(),
      "first pause before a failed range request is retried; doubles up to 30 s");
  /** Restarts from zero when the remote file changed or ignores ranges. */
  public static final ConfigKey<Integer> MAX_RESTARTS = ConfigKey.of("haul.download.max-restarts",
      ConfigType.INTEGER, 3, Validator.between(0, 100),
      "restarts from zero when the remote file changed (validator or length) or a range was refused");
  /** The deadline of a whole download; 0s: none. */
  public static final ConfigKey<Duration> TIMEOUT = ConfigKey.of("haul.download.timeout",
      ConfigType.DURATION, Duration.ZERO, Validator.nonNegative(), "deadline of a whole download; 0s: none");
  /** A connection that delivers nothing for this long is dropped and its range returned. */
  public static final ConfigKey<Duration> STALL_TIMEOUT = ConfigKey.of("haul.download.stall-timeout",
      ConfigType.DURATION, Duration.ofSeconds(30), Validator.positive(),
      "a connection that delivers nothing for this long is dropped and its range handed out again");
  /** Whether to keep the journal and resume from it. */
  public static final ConfigKey<Boolean> RESUME = ConfigKey.of("haul.download.resume",
      ConfigType.BOOLEAN, true, "keep a journal beside the `.part` file and resume from it");
  /** Whether to check the SHA-256 when one is given. */
  public static final ConfigKey<Boolean> VERIFY_CHECKSUM = ConfigKey.of("haul.download.verify-checksum",
      ConfigType.BOOLEAN, true, "check the expected SHA-256 when the request gives one");
  /** How often the journal is saved, in time. */
  public static final ConfigKey<Duration> JOURNAL_INTERVAL = ConfigKey.of("haul.download.journal-interval",
      ConfigType.DURATION, Duration.ofSeconds(5), Validator.positive(), "the journal is saved at least this often...");
  /** How often the journal is saved, in bytes. */
  public static final ConfigKey<Long> JOURNAL_BYTES = ConfigKey.of("haul.download.journal-bytes",
      ConfigType.DATA_SIZE, 64 * MIB, Validator.atLeast(1), "...and after this many new bytes");

  /** Every key, in documentation order. */
  public static final List<ConfigKey<?>> KEYS = List.of(MAX_SEGMENTS, PIECE_SIZE, MIN_SPLIT,
      SEGMENT_THRESHOLD, MAX_CONCURRENT, MAX_BUFFER_MEMORY, MAX_RETRIES, RETRY_DELAY, MAX_RESTARTS, TIMEOUT,
      STALL_TIMEOUT, RESUME, VERIFY_CHECKSUM, JOURNAL_INTERVAL, JOURNAL_BYTES);

  private static final DownloadConfig DEFAULTS = builder().build();

  private DownloadConfig(ConfigValues values) {
    super(values);
  }

  /** Every key at its default. */
  public static DownloadConfig defaults() {
    return DEFAULTS;
  }

  /** A builder at the defaults. */
  public static Builder builder() {
    return new Builder(null);
  }

  /** Defaults overridden by every {@code haul.download.*} key {@code source} sets. */
  public static DownloadConfig from(ConfigSource source) {
    return builder().read(source).build();
  }

  /** A builder that starts from these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public int maxSegments() {
    return get(MAX_SEGMENTS);
  }

  public int pieceSize() {
    return (int) (long) get(PIECE_SIZE);
  }

  public long minSplit() {
    return get(MIN_SPLIT);
  }

  public long segmentThreshold() {
    return get(SEGMENT_THRESHOLD);
  }

  public int maxConcurrent() {
    return get(MAX_CONCURRENT);
  }

  public long maxBufferMemory() {
    return get(MAX_BUFFER_MEMORY);
  }

  public int maxRetries() {
    return get(MAX_RETRIES);
  }

  public Duration retryDelay() {
    return get(RETRY_DELAY);
  }

  public int maxRestarts() {
    return get(MAX_RESTARTS);
  }

  /** The deadline of a whole download, if one is set. */
  public Optional<Duration> timeout() {
    Duration d = get(TIMEOUT);
    return d.isZero() ? Optional.empty() : Optional.of(d);
  }

  public Duration stallTimeout() {
    return get(STALL_TIMEOUT);
  }

  public boolean resume() {
    return get(RESUME);
  }

  public boolean verifyChecksum() {
    return get(VERIFY_CHECKSUM);
  }

  public Duration journalInterval() {
    return get(JOURNAL_INTERVAL);
  }

  public long journalBytes() {
    return get(JOURNAL_BYTES);
  }

  /** Builds a {@link DownloadConfig}; setters check their value at once. */
  public static final class Builder extends AbstractConfig.Builder<Builder> {
    private Builder(DownloadConfig from) {
      super(KEYS, from);
    }

    public Builder maxSegments(int n) {
      return set(MAX_SEGMENTS, n);
    }

    public Builder pieceSize(long bytes) {
      return set(PIECE_SIZE, bytes);
    }

    public Builder minSplit(long bytes) {
      return set(MIN_SPLIT, bytes);
    }

    public Builder segmentThreshold(long bytes) {
      return set(SEGMENT_THRESHOLD, bytes);
    }

    public Builder maxConcurrent(int n) {
      return set(MAX_CONCURRENT, n);
    }

    public Builder maxBufferMemory(long bytes) {
      return set(MAX_BUFFER_MEMORY, bytes);
    }

    public Builder maxRetries(int n) {
      return set(MAX_RETRIES, n);
    }

    public Builder retryDelay(Duration d) {
      return set(RETRY_DELAY, d);
    }

    public Builder maxRestarts(int n) {
      return set(MAX_RESTARTS, n);
    }

    public Builder timeout(Duration d) {
      return set(TIMEOUT, d);
    }

    public Builder stallTimeout(Duration d) {
      return set(STALL_TIMEOUT, d);
    }

    public Builder resume(boolean on) {
      return set(RESUME, on);
    }

    public Builder verifyChecksum(boolean on) {
      return set(VERIFY_CHECKSUM, on);
    }

    public Builder journalInterval(Duration d) {
      return set(JOURNAL_INTERVAL, d);
    }

    public Builder journalBytes(long bytes) {
      return set(JOURNAL_BYTES, bytes);
    }

    /** The settings. */
    public DownloadConfig build() {
      return new DownloadConfig(values());
    }
  }
}
