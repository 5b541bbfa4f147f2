package dev.haul.spi;

import dev.haul.Origin;
import java.util.Map;

/**
 * A snapshot of one origin's connection pool.
 *
 * @param origin the origin
 * @param leased connections in use by a call
 * @param idle connections waiting in the pool
 * @param pending acquires waiting for a connection
 * @param created connections opened since the start
 * @param closedByReason connections closed since the start, by reason (idle, lifetime, error...)
 */
public record PoolStats(Origin origin, int leased, int idle, int pending, long created,
    Map<String, Long> closedByReason) {

  public PoolStats {
    closedByReason = Map.copyOf(closedByReason);
  }

  /** Connections closed for any reason. */
  public long closed() {
    return closedByReason.values().stream().mapToLong(Long::longValue).sum();
  }
}
