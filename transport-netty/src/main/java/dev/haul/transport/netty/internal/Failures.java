package dev.haul.transport.netty.internal;

import dev.haul.ConnectFailedException;
import dev.haul.ConnectTimeoutException;
import dev.haul.ConnectionClosedException;
import dev.haul.HaulException;
import dev.haul.ProtocolException;
import dev.haul.SendState;
import dev.haul.TlsException;
import dev.haul.TlsHandshakeTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** Maps what Netty and the JDK throw to Haul's typed failures. */
public final class Failures {

  private Failures() {}

  /** The typed failure for {@code t}, which happened at {@code state}. */
  public static HaulException map(Throwable t, URI uri, SendState state, Duration connectTimeout,
      Duration tlsTimeout) {
    Throwable c = t;
    if (c instanceof HaulException h) {
      return h;
    }
    if (c instanceof DecoderException && c.getCause() instanceof SSLException) {
      c = c.getCause();
    }
    if (c instanceof ResponseHeadValidator.HeadViolation || c instanceof DecodeLimits.LimitExceeded) {
      return new ProtocolException(c.getMessage(), uri, SendState.RESPONSE_STARTED, null);
    }
    if (c instanceof io.netty.channel.ConnectTimeoutException) {
      return new ConnectTimeoutException(uri, SendState.NOT_SENT, connectTimeout, c);
    }
    if (c instanceof SslHandshakeTimeoutException) {
      return new TlsHandshakeTimeoutException(uri, SendState.NOT_SENT, tlsTimeout, c);
    }
    if (c instanceof SSLException) {
      // Mapped by what was sent: a TLS error mid-exchange (a bad record in the response) is no
      // proof that the request never reached the server.
      String what = state == SendState.NOT_SENT ? "TLS handshake failed: " : "TLS failure on the connection: ";
      return new TlsException(what + c.getMessage(), uri, state, c);
    }
    if (c instanceof java.net.ConnectException || c instanceof UnknownHostException
        || c instanceof java.net.NoRouteToHostException) {
      return new ConnectFailedException("connect failed: " + c.getMessage(), uri, SendState.NOT_SENT, c);
    }
    if (c instanceof PrematureChannelClosureException) {
      return new ConnectionClosedException("connection closed before the response was complete",
          uri, state, c);
    }
    if (c instanceof TooLongFrameException) {
      return new ProtocolException("response " + c.getMessage(), uri, SendState.RESPONSE_STARTED, c);
    }
    if (c instanceof DecoderException || c instanceof IllegalArgumentException) {
      Throwable root = c.getCause() != null ? c.getCause() : c;
      return new ProtocolException("malformed response: " + root.getMessage(), uri,
          SendState.RESPONSE_STARTED, c);
    }
    if (c instanceof ClosedChannelException) {
      return new ConnectionClosedException("connection closed", uri, state, c);
    }
    if (c instanceof IOException) {
      String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
      String what = m.contains("reset") ? "connection reset by peer" : "connection failed: " + c.getMessage();
      return new ConnectionClosedException(what, uri, state, c);
    }
    return new HaulException("exchange failed: " + c, uri, state, c);
  }
}
