package dev.haul.internal;

import dev.haul.Request;
import dev.haul.spi.Call;

/**
 * A call's public identity. It holds only the original request, never the call's response or
 * body: listeners and the transport (which keeps a connection's last listener) may hold it long.
 */
record CallHandle(long id, Request request, long startNanos) implements Call {
  @Override
  public String toString() {
    return "Call#" + id + "(" + request + ")"; // Request's own toString redacts secrets
  }
}
