package dev.haul.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ByteProcessor;

/**
 * Checks the raw bytes of each response head before Netty's decoder sees them, where the decoder
 * is lenient or loses the evidence: the status line must be {@code HTTP/1.0|1.1 SP 3DIGIT}
 * with a code of 100..999 (B1, B2); header lines must be {@code token ":" value CRLF} with no
 * whitespace before the colon, no obs-fold and no control characters (B4, B5); bare LF is
 * rejected; the head has size and field-count limits (B2, B3); and Content-Length must be plain
 * digits with no list and no trailing whitespace (B6, B8). After the head the bytes pass through
 * untouched until {@link #expectHead()} is called for the next exchange.
 */
public final class ResponseHeadValidator extends ChannelInboundHandlerAdapter {

  /** The head violated HTTP; the message names the rule and never the header value. */
  public static final class HeadViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HeadViolation(String message) {
      super(message, null, false, false);
    }
  }

  private final int maxStatusLine;
  private final int maxHeaderSize;
  private final int maxHeaderCount;
  private final Runnable onBytes;
  private final Scanner scanner = new Scanner();
  private boolean inHead;

  public ResponseHeadValidator(int maxStatusLine, int maxHeaderSize, int maxHeaderCount, Runnable onBytes) {
    this.maxStatusLine = maxStatusLine;
    this.maxHeaderSize = maxHeaderSize;
    this.maxHeaderCount = maxHeaderCount;
    this.onBytes = onBytes;
  }

  /** The next bytes start a response head. */
  public void expectHead() {
    inHead = true;
    scanner.reset();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      if (buf.isReadable()) {
        onBytes.run();
      }
      if (inHead && buf.isReadable()) {
        try {
          int from = buf.readerIndex();
          int to = buf.writerIndex();
          while (inHead && from < to) {
            int end = buf.forEachByte(from, to - from, scanner);
            if (end < 0) {
              break; // the head continues in the next buffer
            }
            if (scanner.expectAnotherHead) {
              scanner.reset(); // an interim 1xx response; the final head follows
              from = end + 1;
            } else {
              inHead = false;
            }
          }
        } catch (HeadViolation v) {
          buf.release();
          inHead = false;
          ctx.fireExceptionCaught(v);
          return;
        }
      }
    }
    ctx.fireChannelRead(msg);
  }

  /** A byte-at-a-time state machine over one head; throws {@link HeadViolation}. */
  private final class Scanner implements ByteProcessor {
    private final byte[] line = new byte[8192];
    private int lineLength;
    private int lineStoredLength;
    private boolean sawCr;
    private boolean statusLine;
    private int headBytes;
    private int fields;
    private int status;
    boolean expectAnotherHead;

    void reset() {
      lineLength = 0;
      lineStoredLength = 0;
      sawCr = false;
      statusLine = true;
      headBytes = 0;
      fields = 0;
      status = 0;
      expectAnotherHead = false;
    }

    @Override
    public boolean process(byte b) {
      headBytes++;
      if (statusLine ? headBytes > maxStatusLine + 2 : headBytes > maxHeaderSize) {
        throw new HeadViolation(statusLine
            ? "response status line exceeded " + maxStatusLine + " bytes (limit: haul.transport.max-status-line-length)"
            : "response headers exceeded " + maxHeaderSize + " bytes (limit: haul.transport.max-header-size)");
      }
      if (sawCr) {
        if (b != '\n') {
          throw new HeadViolation("CR not followed by LF in the response head");
        }
        sawCr = false;
        return endOfLine();
      }
      if (b == '\r') {
        sawCr = true;
        return true;
      }
      if (b == '\n') {
        throw new HeadViolation("bare LF in the response head (lines must end with CRLF)");
      }
      if (lineStoredLength < line.length) {
        line[lineStoredLength++] = b;
      }
      lineLength++;
      return true;
    }

    /** Returns false (stop scanning) when the head is complete. */
    private boolean endOfLine() {
      if (statusLine) {
        checkStatusLine();
        statusLine = false;
        headBytes = 0;
      } else if (lineLength == 0) {
        expectAnotherHead = status >= 100 && status < 200 && status != 101;
        return false;
      } else {
        if (++fields > maxHeaderCount) {
          throw new HeadViolation("response has more than " + maxHeaderCount
              + " header fields (limit: haul.transport.max-header-count)");
        }
        checkField();
      }
      lineLength = 0;
      lineStoredLength = 0;
      return true;
    }

    private void checkStatusLine() {
      int n = lineStoredLength;
      // HTTP/1.x SP DIGIT DIGIT DIGIT [SP reason]
      if (n < 12 || line[0] != 'H' || line[1] != 'T' || line[2] != 'T' || line[3] != 'P' || line[4] != '/'
          || line[5] != '1' || line[6] != '.' || (line[7] != '0' && line[7] != '1') || line[8] != ' ') {
        throw new HeadViolation("malformed response status line (expected: HTTP/1.0 or HTTP/1.1, a space and a 3-digit status)");
      }
      int code = 0;
      for (int i = 9; i < 12; i++) {
        if (line[i] < '0' || line[i] > '9') {
          throw new HeadViolation("malformed response status code (expected: 3 digits)");
        }
        code = code * 10 + (line[i] - '0');
      }
      if (n > 12 && line[12] != ' ') {
        throw new HeadViolation("malformed response status code (expected: 3 digits)");
      }
      if (code < 100) {
        throw new HeadViolation("response status code " + code + " (expected: 100..999)");
      }
      for (int i = 13; i < n; i++) {
        if (isControl(line[i])) {
          throw new HeadViolation("control character in the response reason phrase");
        }
      }
      status = code;
    }

    private void checkField() {
      if (lineLength > lineStoredLength) {
        // Longer than our line buffer: still bounded by the header size limit; check what we kept.
        checkFieldBytes(lineStoredLength, false);
        return;
      }
      checkFieldBytes(lineStoredLength, true);
    }

    private void checkFieldBytes(int n, boolean complete) {
      if (line[0] == ' ' || line[0] == '\t') {
        throw new HeadViolation("obsolete line folding in the response headers");
      }
      int colon = -1;
      for (int i = 0; i < n; i++) {
        byte c = line[i];
        if (c == ':') {
          colon = i;
          break;
        }
        if (c == ' ' || c == '\t') {
          throw new HeadViolation("whitespace in or after a response header name");
        }
        if (!isTokenChar(c)) {
          throw new HeadViolation("invalid character in a response header name");
        }
      }
      if (colon <= 0) {
        throw new HeadViolation(colon == 0 ? "empty response header name" : "response header line without a colon");
      }
      for (int i = colon + 1; i < n; i++) {
        if (isControl(line[i]) && line[i] != '\t') {
          throw new HeadViolation("control character in the value of response header '"
              + new String(line, 0, colon, java.nio.charset.StandardCharsets.ISO_8859_1) + "'");
        }
      }
      if (complete && colon == 14 && regionIgnoreCase("content-length")) {
        checkContentLength(colon + 1, n);
      }
    }

    private void checkContentLength(int from, int to) {
      int i = from;
      while (i < to && (line[i] == ' ' || line[i] == '\t')) {
        i++;
      }
      int digits = 0;
      for (; i < to; i++) {
        if (line[i] < '0' || line[i] > '9') {
          throw new HeadViolation("malformed Content-Length (expected: digits only)");
        }
        digits++;
      }
      if (digits == 0) {
        throw new HeadViolation("empty Content-Length");
      }
      if (digits > 18) {
        throw new HeadViolation("Content-Length too large");
      }
    }

    private boolean regionIgnoreCase(String name) {
      for (int i = 0; i < name.length(); i++) {
        int c = line[i] | 0x20;
        if (c != name.charAt(i)) {
          return false;
        }
      }
      return true;
    }
  }

  static boolean isControl(byte b) {
    return (b >= 0 && b < 0x20) || b == 0x7f;
  }

  static boolean isTokenChar(byte b) {
    char c = (char) (b & 0xff);
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
