package dev.haul.download;

import static java.util.Objects.requireNonNull;

import dev.haul.Headers;
import java.net.URI;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What to download and where. The URL is the original one (an API URL that may redirect to
 * presigned storage): every request of the download goes to it and follows its redirects, so an
 * expired presigned URL is simply resolved again. Credentials come from the client (its
 * origin-scoped Bearer auth), never from the journal.
 */
public final class DownloadRequest {

  /** What to do when the final file already exists. */
  public enum Overwrite {
    /** Fail with {@link DownloadFileException} (the default: no clobber). */
    NEVER,
    /** Replace it atomically once the new file is complete and verified. */
    REPLACE
  }

  private final URI uri;
  private final Path file;
  private final Path directory;
  private final String sha256;
  private final long expectedSize;
  private final Headers headers;
  private final Overwrite overwrite;
  private final DownloadStrategy strategy;

  private DownloadRequest(Builder b) {
    this.uri = b.uri;
    this.file = b.file;
    this.directory = b.directory;
    this.sha256 = b.sha256;
    this.expectedSize = b.expectedSize;
    this.headers = b.headers.build();
    this.overwrite = b.overwrite;
    this.strategy = b.strategy;
  }

  /** A download of {@code uri}; say where with {@link Builder#toFile} or {@link Builder#toDirectory}. */
  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /** A download of {@code uri} (parsed strictly). */
  public static Builder builder(String uri) {
    return new Builder(URI.create(requireNonNull(uri, "uri is null")));
  }

  public URI uri() {
    return uri;
  }

  /** The target file, when one was given. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** The target directory, when the name is to come from the response or the URL. */
  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  /** The expected SHA-256, lower-case hex, if given. */
  public Optional<String> sha256() {
    return Optional.ofNullable(sha256);
  }

  /** The expected size, if given. */
  public OptionalLong expectedSize() {
    return expectedSize < 0 ? OptionalLong.empty() : OptionalLong.of(expectedSize);
  }

  /** Extra headers sent with every request of the download. */
  public Headers headers() {
    return headers;
  }

  public Overwrite overwrite() {
    return overwrite;
  }

  /** The strategy for this download, overriding the downloader's. */
  public Optional<DownloadStrategy> strategy() {
    return Optional.ofNullable(strategy);
  }

  @Override
  public String toString() {
    // The query of a URL can hold a signature: never print it.
    // Neither user-info (a password) nor the query (a key, a signature) is printed.
    return "DownloadRequest{" + uri.getScheme() + "://" + uri.getHost()
        + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + uri.getRawPath()
        + (uri.getRawQuery() != null ? "?…" : "") + "}";
  }

  /** Builds a {@link DownloadRequest}. */
  public static final class Builder {
    private final URI uri;
    private Path file;
    private Path directory;
    private String sha256;
    private long expectedSize = -1;
    private final Headers.Builder headers = Headers.builder();
    private Overwrite overwrite = Overwrite.NEVER;
    private DownloadStrategy strategy;

    private Builder(URI uri) {
      this.uri = requireNonNull(uri, "uri is null");
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        throw new IllegalArgumentException("not an absolute http(s) URL: " + scheme + "://…");
      }
    }

    /** Writes to {@code file} (through {@code file.part} until it is complete and verified). */
    public Builder toFile(Path file) {
      this.file = requireNonNull(file, "file is null");
      this.directory = null;
      return this;
    }

    /**
     * Writes into {@code directory}, under the name the response's {@code Content-Disposition}
     * gives (RFC 6266), else the last segment of the URL's path, made safe ({@link FileNames}).
     */
    public Builder toDirectory(Path directory) {
      this.directory = requireNonNull(directory, "directory is null");
      this.file = null;
      return this;
    }

    /** The expected SHA-256 (64 hex digits): a mismatch fails with {@code IntegrityException}. */
    public Builder sha256(String hex) {
      requireNonNull(hex, "hex is null");
      String h = hex.trim().toLowerCase(Locale.ROOT);
      if (h.length() != 64) {
        throw new IllegalArgumentException("sha256: expected 64 hex digits, got " + h.length() + " characters");
      }
      HexFormat.of().parseHex(h); // throws on a non-hex digit
      this.sha256 = h;
      return this;
    }

    /** The expected size in bytes: a remote file of another size fails the download. */
    public Builder expectedSize(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("expectedSize: " + bytes + " (expected: >= 0)");
      }
      this.expectedSize = bytes;
      return this;
    }

    /** A header sent with every request of the download (not {@code Range} or {@code If-Range}). */
    public Builder header(String name, String value) {
      String n = requireNonNull(name, "name is null").toLowerCase(Locale.ROOT);
      if (n.equals("range") || n.equals("if-range")) {
        throw new IllegalArgumentException(name + " is set by the downloader");
      }
      headers.add(name, value);
      return this;
    }

    public Builder overwrite(Overwrite policy) {
      this.overwrite = requireNonNull(policy, "policy is null");
      return this;
    }

    /** The strategy for this download only. */
    public Builder strategy(DownloadStrategy strategy) {
      this.strategy = requireNonNull(strategy, "strategy is null");
      return this;
    }

    public DownloadRequest build() {
      if (file == null && directory == null) {
        throw new IllegalStateException("no target: call toFile(...) or toDirectory(...)");
      }
      return new DownloadRequest(this);
    }
  }
}
