package dev.haul.transport.netty.internal;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponseDecoder;

/**
 * Netty's response decoder in its strictest setting (strict line parsing, RFC 9112 rules for
 * Transfer-Encoding with Content-Length, no duplicate lengths), told per exchange whether the
 * request was a HEAD, and able to say whether bytes are left over after a complete response.
 */
public final class StrictResponseDecoder extends HttpResponseDecoder {

  private boolean headRequest;

  public StrictResponseDecoder(int maxInitialLine, int maxHeaderSize) {
    super(new HttpDecoderConfig()
        .setMaxInitialLineLength(maxInitialLine)
        .setMaxHeaderSize(maxHeaderSize)
        .setMaxChunkSize(64 * 1024)
        .setStrictLineParsing(true)
        .setUseRfc9112TransferEncoding(true)
        .setAllowDuplicateContentLengths(true)
        .setValidateHeaders(true)
        .setChunkedSupported(true));
  }

  /** Whether the current exchange is a HEAD, whose response never has a body. */
  public void headRequest(boolean head) {
    this.headRequest = head;
  }

  /** Bytes received but not yet decoded: after a complete response there must be none (B13). */
  public int leftover() {
    return actualReadableBytes();
  }

  @Override
  protected boolean isContentAlwaysEmpty(HttpMessage msg) {
    return headRequest || super.isContentAlwaysEmpty(msg);
  }
}
