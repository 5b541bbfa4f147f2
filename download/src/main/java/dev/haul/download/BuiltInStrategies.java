package dev.haul.download;

import static java.util.Objects.requireNonNull;

/** The built-in strategies of {@link DownloadStrategy}. */
enum BuiltInStrategies implements DownloadStrategy {
  SINGLE {
    @Override
    public int connections(RemoteFile remote, DownloadConfig config) {
      return 1;
    }
  },
  ADAPTIVE {
    @Override
    public int connections(RemoteFile remote, DownloadConfig config) {
      requireNonNull(remote, "remote is null");
      if (!remote.canSegment() || remote.length().getAsLong() < config.segmentThreshold()) {
        return 1;
      }
      long bySize = Math.max(1, remote.length().getAsLong() / config.minSplit());
      return (int) Math.min(config.maxSegments(), bySize);
    }
  }
}
