package dev.haul.testkit;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * A scripted response: status, headers, a body from bytes or a file region, framing (length,
 * chunked, or close-delimited), pacing (throttle, header delay, one byte per segment) and a
 * {@link Fault} at a defined point. Or raw bytes written exactly as given, for malformed input.
 *
 * <p>Headers are written as given, without validation, so tests can send anything.
 */
public final class MockResponse {

  final int status;
  final String reason;
  final List<Map.Entry<String, String>> headers;
  final byte[] body;
  final Path file;
  final long fileOffset;
  /**
   * The attributes the file had when the headers were computed (StaticContent), or null: the file
   * is sent only if, once opened, it still has them.
   */
  final java.nio.file.attribute.BasicFileAttributes fileVersion;
  final long length;
  final boolean chunked;
  final int chunkSize;
  final boolean contentLength;
  final boolean closeConnection;
  final long throttleBytes;
  final Duration throttlePeriod;
  final Duration headersDelay;
  final Duration closeDelay;
  final boolean oneBytePerSegment;
  final Fault fault;
  final long faultAfterBytes;
  final byte[] raw;
  final boolean headOnly;
  final boolean generated;
  final byte[] trailingBytes;
  final Duration trailingDelay;
  final java.util.concurrent.CompletableFuture<Void> trailingSent;

  private MockResponse(Builder b) {
    this.status = b.status;
    this.reason = b.reason;
    this.headers = List.copyOf(b.headers);
    this.body = b.body;
    this.file = b.file;
    this.fileOffset = b.fileOffset;
    this.fileVersion = b.file != null ? b.fileVersion : null;
    this.length = b.generated ? b.generatedLength : b.file != null ? b.fileLength : b.body.length;
    this.chunked = b.chunked;
    this.chunkSize = b.chunkSize;
    this.contentLength = b.contentLength;
    this.closeConnection = b.closeConnection;
    this.throttleBytes = b.throttleBytes;
    this.throttlePeriod = b.throttlePeriod;
    this.headersDelay = b.headersDelay;
    this.closeDelay = b.closeDelay;
    this.oneBytePerSegment = b.oneBytePerSegment;
    this.fault = b.fault;
    this.faultAfterBytes = b.faultAfterBytes;
    this.raw = b.raw;
    this.headOnly = b.headOnly;
    this.generated = b.generated;
    this.trailingBytes = b.trailingBytes;
    this.trailingDelay = b.trailingDelay;
    this.trailingSent = new java.util.concurrent.CompletableFuture<>();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** 200 with this UTF-8 body. */
  public static MockResponse ok(String body) {
    return builder().body(body).build();
  }

  /** A response of exactly these bytes (then the connection is closed unless told otherwise). */
  public static MockResponse raw(String ascii) {
    return builder().raw(ascii.getBytes(StandardCharsets.ISO_8859_1)).build();
  }

  /**
   * 200 with a generated body of {@code length} bytes (any size, even many GiB): byte {@code i} is
   * {@link #generatedByte(long) generatedByte(i)}. It is produced as it is sent, with the
   * connection's backpressure, never held in memory; {@code Content-Length} is set.
   */
  public static MockResponse generated(long length) {
    return builder().generatedBody(length).build();
  }

  /** The byte at {@code offset} of a {@link #generated(long)} body: {@code offset % 251}. */
  public static byte generatedByte(long offset) {
    return (byte) (offset % GENERATED_PERIOD);
  }

  /** The period of the generated pattern: a prime, so it never lines up with buffer sizes. */
  static final int GENERATED_PERIOD = 251;

  /** This fault, with an otherwise default response. */
  public static MockResponse fault(Fault fault) {
    return builder().fault(fault, 0).build();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public int status() {
    return status;
  }

  public Fault faultKind() {
    return fault;
  }

  /**
   * Completes when the bytes of {@link Builder#trailingBytes} were written (after the response,
   * in their own segment), so a test knows when they are on their way.
   */
  public java.util.concurrent.CompletableFuture<Void> trailingBytesSent() {
    return trailingSent;
  }

  /** The body length in bytes. */
  public long length() {
    return length;
  }

  @Override
  public String toString() {
    return raw != null ? "MockResponse{raw " + raw.length + " bytes}"
        : "MockResponse{" + status + ", " + length + " bytes, fault " + fault + "}";
  }

  /** Builds a {@link MockResponse}. */
  public static final class Builder {
    private int status = 200;
    private String reason;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private byte[] body = new byte[0];
    private Path file;
    private long fileOffset;
    private long fileLength;
    private java.nio.file.attribute.BasicFileAttributes fileVersion;
    private boolean chunked;
    private int chunkSize = 8192;
    private boolean contentLength = true;
    private boolean closeConnection;
    private long throttleBytes;
    private Duration throttlePeriod = Duration.ZERO;
    private Duration headersDelay = Duration.ZERO;
    private Duration closeDelay = Duration.ZERO;
    private boolean oneBytePerSegment;
    private Fault fault = Fault.NONE;
    private long faultAfterBytes;
    private byte[] raw;
    private boolean headOnly;
    private boolean generated;
    private long generatedLength;
    private byte[] trailingBytes;
    private Duration trailingDelay = Duration.ZERO;

    private Builder() {}

    private Builder(MockResponse r) {
      status = r.status;
      reason = r.reason;
      headers.addAll(r.headers);
      body = r.body;
      file = r.file;
      fileOffset = r.fileOffset;
      fileLength = r.file != null ? r.length : 0;
      fileVersion = r.fileVersion;
      chunked = r.chunked;
      chunkSize = r.chunkSize;
      contentLength = r.contentLength;
      closeConnection = r.closeConnection;
      throttleBytes = r.throttleBytes;
      throttlePeriod = r.throttlePeriod;
      headersDelay = r.headersDelay;
      closeDelay = r.closeDelay;
      oneBytePerSegment = r.oneBytePerSegment;
      fault = r.fault;
      faultAfterBytes = r.faultAfterBytes;
      raw = r.raw;
      headOnly = r.headOnly;
      generated = r.generated;
      generatedLength = r.generated ? r.length : 0;
      trailingBytes = r.trailingBytes;
      trailingDelay = r.trailingDelay;
    }

    public Builder status(int status) {
      this.status = status;
      return this;
    }

    /** The reason phrase; by default a standard one for the status. */
    public Builder reason(String reason) {
      this.reason = reason;
      return this;
    }

    /** Adds a header exactly as given (no validation). */
    public Builder header(String name, String value) {
      headers.add(Map.entry(name, value));
      return this;
    }

    /** Removes every header of that name added so far. */
    public Builder removeHeader(String name) {
      headers.removeIf(e -> e.getKey().equalsIgnoreCase(name));
      return this;
    }

    public Builder body(byte[] bytes) {
      this.body = bytes.clone();
      this.file = null;
      this.generated = false;
      return this;
    }

    /** A generated body of {@code length} bytes; see {@link MockResponse#generated(long)}. */
    public Builder generatedBody(long length) {
      if (length < 0) {
        throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
      }
      this.generated = true;
      this.generatedLength = length;
      this.file = null;
      return this;
    }

    /**
     * After the complete response, waits {@code delay} and then writes {@code bytes} on the same
     * connection, in a segment of their own: stray bytes a client must never take for the next
     * response (response desync).
     */
    public Builder trailingBytes(byte[] bytes, Duration delay) {
      this.trailingBytes = bytes.clone();
      this.trailingDelay = requireNonNull(delay, "delay is null");
      return this;
    }

    public Builder body(String utf8) {
      return body(utf8.getBytes(StandardCharsets.UTF_8));
    }

    /** The whole file as the body, streamed from disk. */
    public Builder body(Path path) {
      try {
        return body(path, 0, Files.size(path));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** A region of a file as the body. */
    public Builder body(Path path, long offset, long length) {
      this.file = requireNonNull(path, "path is null");
      this.generated = false;
      this.fileOffset = offset;
      this.fileLength = length;
      this.fileVersion = null;
      return this;
    }

    /**
     * A region of the file that had attributes {@code version} (file key, size, modification
     * time) when the headers were computed. If, when it is opened to send the body, the file at
     * {@code path} is another one or has changed, the connection is closed before a body byte is
     * sent: new bytes are never served under old validators.
     */
    Builder body(Path path, long offset, long length, java.nio.file.attribute.BasicFileAttributes version) {
      body(path, offset, length);
      this.fileVersion = requireNonNull(version, "version is null");
      return this;
    }

    /** Compresses the current byte body with gzip and sets {@code Content-Encoding: gzip}. */
    public Builder gzip() {
      if (file != null || generated) {
        throw new IllegalStateException("gzip works on byte bodies");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      body = out.toByteArray();
      return header("Content-Encoding", "gzip");
    }

    /** Sends the body with chunked transfer coding, in chunks of this size. */
    public Builder chunked(int chunkSize) {
      if (chunkSize < 1) {
        throw new IllegalArgumentException("chunkSize: " + chunkSize + " (expected: >= 1)");
      }
      this.chunked = true;
      this.chunkSize = chunkSize;
      return this;
    }

    /** Sends no Content-Length: the body ends when the server closes the connection (F9). */
    public Builder closeDelimited() {
      this.contentLength = false;
      this.closeConnection = true;
      return this;
    }

    /** Adds no Content-Length header automatically (for raw framing tests). */
    public Builder noContentLength() {
      this.contentLength = false;
      return this;
    }

    /** Sends {@code Connection: close} and closes after the response, after {@code delay} (F15). */
    public Builder closeConnection(Duration delay) {
      this.closeConnection = true;
      this.closeDelay = requireNonNull(delay, "delay is null");
      return header("Connection", "close");
    }

    /** Sends at most {@code bytes} of body per {@code period} (F13). */
    public Builder throttle(long bytes, Duration period) {
      if (bytes < 1) {
        throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 1)");
      }
      this.throttleBytes = bytes;
      this.throttlePeriod = requireNonNull(period, "period is null");
      return this;
    }

    /** Waits this long after the request before sending the headers. */
    public Builder headersDelay(Duration delay) {
      this.headersDelay = requireNonNull(delay, "delay is null");
      return this;
    }

    /** Writes every byte of the response in its own flush, so it arrives in tiny segments (F14). */
    public Builder oneBytePerSegment() {
      this.oneBytePerSegment = true;
      return this;
    }

    /** Misbehaves at {@code fault}; for the DURING_BODY faults, after {@code afterBytes} of body. */
    public Builder fault(Fault fault, long afterBytes) {
      this.fault = requireNonNull(fault, "fault is null");
      this.faultAfterBytes = afterBytes;
      return this;
    }

    /** Writes exactly these bytes as the response, then closes the connection. */
    public Builder raw(byte[] bytes) {
      this.raw = bytes.clone();
      this.closeConnection = true;
      return this;
    }

    /** Keeps the connection open after raw bytes (for tests of what a client does with leftovers). */
    public Builder keepOpen() {
      this.closeConnection = false;
      return this;
    }

    /** Sends the headers only (as for HEAD), whatever the method. */
    public Builder headOnly() {
      this.headOnly = true;
      return this;
    }

    public MockResponse build() {
      return new MockResponse(this);
    }
  }
}
