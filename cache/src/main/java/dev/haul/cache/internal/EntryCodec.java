package dev.haul.cache.internal;

import dev.haul.Headers;
import dev.haul.cache.StoredResponse;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The binary form of a {@link StoredResponse} (the disk store's entry heads) and its weight. */
final class EntryCodec {

  private static final int VERSION = 1;
  /** A head larger than this is refused on read (a corrupted length). */
  static final int MAX_HEAD = 1024 * 1024;

  private EntryCodec() {}

  /** Bytes a stored head is counted as: its fields plus a fixed overhead. */
  static long headWeight(StoredResponse r) {
    long w = 96 + r.method().length() + r.uri().toString().length();
    for (int i = 0; i < r.headers().size(); i++) {
      w += r.headers().name(i).length() + r.headers().value(i).length() + 16;
    }
    for (int i = 0; i < r.varyHeaders().size(); i++) {
      w += r.varyHeaders().name(i).length() + r.varyHeaders().value(i).length() + 16;
    }
    return w;
  }

  static byte[] encode(StoredResponse r) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(VERSION);
      writeString(out, r.method(), true);
      writeString(out, r.uri().toString(), true);
      out.writeInt(r.status());
      out.writeLong(r.requestTime().toEpochMilli());
      out.writeLong(r.responseTime().toEpochMilli());
      writeHeaders(out, r.headers());
      writeHeaders(out, r.varyHeaders());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The head in {@code bytes}; any inconsistency throws {@link IOException} (or an unchecked one from the model's checks). */
  static StoredResponse decode(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException("unknown entry version " + version);
    }
    String method = readString(in, true);
    URI uri = URI.create(readString(in, true));
    int status = in.readInt();
    Instant requestTime = Instant.ofEpochMilli(in.readLong());
    Instant responseTime = Instant.ofEpochMilli(in.readLong());
    Headers headers = readHeaders(in);
    Headers vary = readHeaders(in);
    if (in.available() != 0) {
      throw new IOException("trailing bytes after the entry head");
    }
    return new StoredResponse(method, uri, status, headers, vary, requestTime, responseTime);
  }

  private static void writeHeaders(DataOutputStream out, Headers h) throws IOException {
    out.writeInt(h.size());
    for (int i = 0; i < h.size(); i++) {
      writeString(out, h.name(i), false);
      writeString(out, h.value(i), false);
    }
  }

  private static Headers readHeaders(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 10_000) {
      throw new IOException("bad header count " + n);
    }
    Headers.Builder b = Headers.builder();
    for (int i = 0; i < n; i++) {
      b.add(readString(in, false), readString(in, false));
    }
    return b.build();
  }

  private static void writeString(DataOutputStream out, String s, boolean utf8) throws IOException {
    byte[] b = s.getBytes(utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in, boolean utf8) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_HEAD) {
      throw new IOException("bad string length " + n);
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
  }
}
