package dev.haul.transport.netty.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Transparent gzip/deflate decoding with the caps of B18: decoded bytes per response, and the
 * ratio of decoded to received bytes (past a 1 MiB floor, so small bodies never trip it). Stacked
 * codings are refused. Decoding is enabled per exchange, only when Haul itself asked for it, and
 * the caps count only the bodies Haul actually decodes: a plain, ranged or caller-negotiated body
 * passes through uncounted, whatever its size.
 */
public final class DecodeLimits {

  /** A decoding limit was hit. */
  public static final class LimitExceeded extends DecoderException {
    private static final long serialVersionUID = 1L;

    LimitExceeded(String message) {
      super(message);
    }
  }

  private static final long RATIO_FLOOR = 1 << 20;

  private final long maxDecoded;
  private final int maxRatio;
  private final boolean decompress;
  private boolean enabled;
  private boolean decoding; // the current response is being decoded by us
  private long received;
  private long decoded;

  /** {@code decompress}: haul.transport.decompress; when false nothing is ever decoded. */
  public DecodeLimits(long maxDecoded, int maxRatio, boolean decompress) {
    this.maxDecoded = maxDecoded;
    this.maxRatio = maxRatio;
    this.decompress = decompress;
  }

  /** Whether transparent decoding is switched on for this transport. */
  public boolean decompress() {
    return decompress;
  }

  /** Starts a new exchange; {@code transparent} when Haul added Accept-Encoding itself. */
  public void reset(boolean transparent) {
    this.enabled = transparent && decompress;
    this.decoding = false;
    this.received = 0;
    this.decoded = 0;
  }

  /** Counts body bytes as received, before decoding. */
  public ChannelInboundHandlerAdapter receivedCounter() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpResponse) {
          // A new head (interim or final): the decompressor decides again whether to decode.
          decoding = false;
          received = 0;
          decoded = 0;
        }
        if (msg instanceof HttpContent c) {
          received += c.content().readableBytes();
        }
        ctx.fireChannelRead(msg);
      }
    };
  }

  /** The decompressor: decodes only when enabled, refuses stacked codings, caps each chunk. */
  public HttpContentDecompressor decompressor() {
    int perChunk = (int) Math.min(Integer.MAX_VALUE, Math.max(RATIO_FLOOR, 64L * 1024 * maxRatio));
    return new HttpContentDecompressor(false, perChunk) {
      @Override
      protected EmbeddedChannel newContentDecoder(String contentEncoding) throws Exception {
        if (!enabled) {
          return null;
        }
        if (contentEncoding.indexOf(',') >= 0) {
          throw new LimitExceeded("stacked content codings are not supported: " + contentEncoding);
        }
        EmbeddedChannel decoder = super.newContentDecoder(contentEncoding);
        decoding = decoder != null;
        return decoder;
      }
    };
  }

  /** Counts decoded bytes and enforces both caps. */
  public ChannelInboundHandlerAdapter decodedCounter() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpContent c && decoding) {
          decoded += c.content().readableBytes();
          if (decoded > maxDecoded) {
            ReferenceCountUtil.release(msg);
            throw new LimitExceeded("decoded body exceeded " + maxDecoded
                + " bytes (limit: haul.transport.max-decoded-bytes)");
          }
          if (decoded > RATIO_FLOOR && decoded > received * maxRatio) {
            ReferenceCountUtil.release(msg);
            throw new LimitExceeded("decoded body exceeded " + maxRatio
                + " times the bytes received (limit: haul.transport.max-compression-ratio)");
          }
        }
        ctx.fireChannelRead(msg);
      }
    };
  }
}
