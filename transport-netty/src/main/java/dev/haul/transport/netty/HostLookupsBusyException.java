package dev.haul.transport.netty;

import dev.haul.ConnectFailedException;
import dev.haul.SendState;
import java.net.URI;

/**
 * No connect was attempted because every host lookup thread is taken by a lookup that has not
 * answered and the lookup queue is full (see {@link HostResolver}). A local condition, not the
 * origin's: it is not {@linkplain #isTransient() transient}, so retry policies do not retry it
 * and circuit breakers do not count it against the origin. Always {@link SendState#NOT_SENT}.
 */
public final class HostLookupsBusyException extends ConnectFailedException {
  private static final long serialVersionUID = 1L;

  public HostLookupsBusyException(String detail, URI uri, Throwable cause) {
    super(detail, uri, SendState.NOT_SENT, cause);
  }

  @Override
  public boolean isTransient() {
    return false;
  }
}
