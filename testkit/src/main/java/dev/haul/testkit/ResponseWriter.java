package dev.haul.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes one {@link MockResponse} as raw bytes, honouring channel writability (so a multi-GB body
 * never piles up in memory), pacing, framing and the scripted fault. Runs on the channel's loop.
 */
final class ResponseWriter {

  private static final int PIECE = 64 * 1024;
  /** The generated pattern over PIECE + one period: any piece is a slice of it, never a copy. */
  private static final byte[] PATTERN = new byte[PIECE + MockResponse.GENERATED_PERIOD];

  static {
    for (int i = 0; i < PATTERN.length; i++) {
      PATTERN[i] = MockResponse.generatedByte(i);
    }
  }

  private final ChannelHandlerContext ctx;
  private final MockResponse r;
  private final boolean sendBody;
  private final Runnable onDone;
  private final long limit;
  private long sent;
  private FileChannel file;
  private boolean waitingForWritability;
  private boolean finished;

  ResponseWriter(ChannelHandlerContext ctx, MockResponse r, boolean isHead, Runnable onDone) {
    this.ctx = ctx;
    this.r = r;
    this.sendBody = !isHead && !r.headOnly;
    this.onDone = onDone;
    boolean cut = r.fault == Fault.CLOSE_DURING_BODY || r.fault == Fault.RESET_DURING_BODY
        || r.fault == Fault.STALL_DURING_BODY || r.fault == Fault.CORRUPT_TLS_DURING_BODY;
    this.limit = cut ? Math.min(r.faultAfterBytes, r.length) : r.length;
  }

  void start() {
    if (r.headersDelay.isZero()) {
      writeHead();
    } else {
      ctx.executor().schedule(this::writeHead, r.headersDelay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** The channel became writable again. */
  void resume() {
    if (waitingForWritability) {
      waitingForWritability = false;
      pump();
    }
  }

  /** The connection closed: release what is held. */
  void abort() {
    finished = true;
    closeFile();
  }

  private void writeHead() {
    if (!ctx.channel().isActive()) {
      return;
    }
    if (r.raw != null) {
      writeBytes(r.raw, this::finishResponse);
      return;
    }
    writeBytes(head().getBytes(StandardCharsets.ISO_8859_1), this::pump);
  }

  private String head() {
    StringBuilder sb = new StringBuilder(256);
    String reason = r.reason != null ? r.reason : Reasons.of(r.status);
    sb.append("HTTP/1.1 ").append(r.status).append(' ').append(reason).append("\r\n");
    boolean hasLength = false;
    boolean hasEncoding = false;
    boolean hasConnection = false;
    for (Map.Entry<String, String> h : r.headers) {
      sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
      hasLength |= h.getKey().equalsIgnoreCase("Content-Length");
      hasEncoding |= h.getKey().equalsIgnoreCase("Transfer-Encoding");
      hasConnection |= h.getKey().equalsIgnoreCase("Connection");
    }
    if (r.chunked && !hasEncoding) {
      sb.append("Transfer-Encoding: chunked\r\n");
    } else if (r.contentLength && !hasLength && !r.chunked) {
      sb.append("Content-Length: ").append(r.length).append("\r\n");
    }
    if (r.closeConnection && !hasConnection) {
      sb.append("Connection: close\r\n");
    }
    return sb.append("\r\n").toString();
  }

  private void pump() {
    while (ctx.channel().isActive() && !finished) {
      if (!sendBody || sent >= limit) {
        finishBody();
        return;
      }
      if (!ctx.channel().isWritable()) {
        waitingForWritability = true;
        ctx.flush();
        return;
      }
      long n = Math.min(limit - sent, r.throttleBytes > 0 ? r.throttleBytes : PIECE);
      if (r.generated) {
        n = Math.min(n, PIECE); // a slice of PATTERN
      }
      if (r.chunked) {
        n = Math.min(n, r.chunkSize);
      }
      ByteBuf piece;
      try {
        piece = read(sent, (int) n);
      } catch (IOException e) {
        ctx.close();
        return;
      }
      sent += n;
      if (r.chunked) {
        piece = Unpooled.wrappedBuffer(
            Unpooled.copiedBuffer(Long.toHexString(n) + "\r\n", StandardCharsets.US_ASCII),
            piece, Unpooled.copiedBuffer("\r\n", StandardCharsets.US_ASCII));
      }
      if (r.oneBytePerSegment) {
        byte[] bytes = new byte[piece.readableBytes()];
        piece.readBytes(bytes);
        piece.release();
        writeBytes(bytes, this::pump);
        return;
      }
      if (r.throttleBytes > 0) {
        ctx.writeAndFlush(piece).addListener(f -> {
          if (f.isSuccess()) {
            ctx.executor().schedule(this::pump, r.throttlePeriod.toNanos(), TimeUnit.NANOSECONDS);
          }
        });
        return;
      }
      ctx.write(piece);
    }
    closeFile();
  }

  private ByteBuf read(long offset, int n) throws IOException {
    if (r.generated) {
      return Unpooled.wrappedBuffer(PATTERN, (int) (offset % MockResponse.GENERATED_PERIOD), n);
    }
    if (r.file == null) {
      return Unpooled.wrappedBuffer(r.body, (int) offset, n);
    }
    if (file == null) {
      // Never through a link at the last component (a served file swapped for one after lookup).
      file = FileChannel.open(r.file, StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      checkVersion();
    }
    ByteBuf buf = ctx.alloc().buffer(n);
    long pos = r.fileOffset + offset;
    while (buf.readableBytes() < n) {
      int got = buf.writeBytes(file, pos + buf.readableBytes(), n - buf.readableBytes());
      if (got < 0) {
        buf.release();
        throw new IOException("file ended early: " + r.file);
      }
    }
    return buf;
  }

  /**
   * The file just opened must still be the one the headers describe (same key, size and
   * modification time at the path, same size through the channel): a file renamed into place or
   * rewritten since the lookup is not sent under the old validators. A change between the open
   * and this check fails closed too.
   */
  private void checkVersion() throws IOException {
    java.nio.file.attribute.BasicFileAttributes expected = r.fileVersion;
    if (expected == null) {
      return;
    }
    java.nio.file.attribute.BasicFileAttributes now = java.nio.file.Files.readAttributes(r.file,
        java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    if (!java.util.Objects.equals(now.fileKey(), expected.fileKey()) || now.size() != expected.size()
        || !now.lastModifiedTime().equals(expected.lastModifiedTime()) || file.size() != expected.size()) {
      throw new IOException(r.file + " changed after its headers were computed");
    }
  }

  private void finishBody() {
    closeFile();
    switch (r.fault) {
      case CLOSE_DURING_BODY -> {
        finished = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      case RESET_DURING_BODY -> {
        finished = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> reset(ctx));
        return;
      }
      case CORRUPT_TLS_DURING_BODY -> {
        finished = true;
        ctx.flush();
        // Written from the first handler's context (TLS), so the bytes skip the encryption.
        ctx.pipeline().firstContext().writeAndFlush(Unpooled.copiedBuffer(
            "this is not a TLS record\r\n".repeat(4), StandardCharsets.US_ASCII));
        return;
      }
      case STALL_DURING_BODY -> {
        finished = true;
        ctx.flush();
        return; // the connection stays open; nothing more is sent
      }
      default -> { }
    }
    if (sendBody && r.chunked) {
      ctx.write(Unpooled.copiedBuffer("0\r\n\r\n", StandardCharsets.US_ASCII));
    }
    if (!r.closeConnection && r.trailingBytes == null) {
      // The connection counts as idle before its last bytes leave: a client that has seen the
      // whole response must never find the server still busy with it (closeIdleConnections).
      finished = true;
      onDone.run();
      ctx.flush();
      return;
    }
    ctx.flush();
    finishResponse();
  }

  private void finishResponse() {
    if (finished) {
      return;
    }
    finished = true;
    if (r.closeConnection) {
      Duration d = r.closeDelay;
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f ->
          ctx.executor().schedule(() -> ctx.close(), d.toNanos(), TimeUnit.NANOSECONDS));
    } else if (r.trailingBytes != null) {
      // The stray bytes go out after a pause, so they arrive in a segment of their own.
      ctx.executor().schedule(() -> {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(r.trailingBytes)).addListener(f -> {
          r.trailingSent.complete(null);
          onDone.run();
        });
      }, r.trailingDelay.toNanos(), TimeUnit.NANOSECONDS);
    } else {
      onDone.run();
    }
  }

  /** Writes bytes; one flush per byte with a millisecond between when the response asks. */
  private void writeBytes(byte[] bytes, Runnable then) {
    if (!r.oneBytePerSegment) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(f -> {
        if (f.isSuccess()) {
          then.run();
        }
      });
      return;
    }
    writeOneByOne(bytes, 0, then);
  }

  private void writeOneByOne(byte[] bytes, int i, Runnable then) {
    if (i >= bytes.length) {
      then.run();
      return;
    }
    ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes, i, 1)).addListener(f -> {
      if (f.isSuccess()) {
        ctx.executor().schedule(() -> writeOneByOne(bytes, i + 1, then), 1, TimeUnit.MILLISECONDS);
      }
    });
  }

  private void closeFile() {
    if (file != null) {
      try {
        file.close();
      } catch (IOException ignored) {
        // The file was only read.
      }
      file = null;
    }
  }

  /** Closes with SO_LINGER 0, so the peer sees a TCP reset. */
  static void reset(ChannelHandlerContext ctx) {
    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
    ctx.channel().close();
  }

  /** Shuts down the output side only (a TLS connection sends close_notify first). */
  static void halfClose(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl != null) {
      ssl.closeOutbound();
    }
    if (ctx.channel() instanceof DuplexChannel d) {
      d.shutdownOutput();
    } else {
      ctx.close();
    }
  }
}
