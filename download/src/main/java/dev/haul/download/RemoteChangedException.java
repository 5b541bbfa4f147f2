package dev.haul.download;

import dev.haul.HaulException;
import dev.haul.SendState;
import java.net.URI;

/**
 * The remote file kept changing (another validator or length) or kept refusing ranges after
 * {@code haul.download.max-restarts} restarts from zero. Nothing was renamed into place.
 */
public class RemoteChangedException extends HaulException {

  private static final long serialVersionUID = 1L;

  public RemoteChangedException(String detail, URI uri, int restarts) {
    super(detail + " (after " + restarts + " restarts)", uri, SendState.RESPONSE_STARTED, null);
  }

  @Override
  public boolean isTransient() {
    return false;
  }
}
