package dev.haul.download;

import static java.util.Objects.requireNonNull;

import dev.haul.HaulClient;
import dev.haul.download.internal.DefaultDownloader;

/**
 * Downloads files over a {@link HaulClient}: segmented when the server allows it, resumable across
 * process restarts, verified, in bounded memory. Thread-safe; one per application. At most
 * {@code haul.download.max-concurrent} downloads run at once, the others wait in order.
 *
 * <pre>{@code
 * Downloader downloader = Downloader.builder(client).config(DownloadConfig.from(ConfigSource.system())).build();
 * DownloadResult r = downloader.start(DownloadRequest.builder(url).toFile(Path.of("model.safetensors"))
 *     .sha256(expected).build()).result().join();
 * }</pre>
 */
public interface Downloader extends AutoCloseable {

  /** A downloader over {@code client} with the default settings. */
  static Downloader create(HaulClient client) {
    return builder(client).build();
  }

  /** A builder over {@code client} (which the downloader uses but does not close). */
  static Builder builder(HaulClient client) {
    return new Builder(client);
  }

  /** Starts (or queues) a download. */
  Download start(DownloadRequest request);

  /** The settings. */
  DownloadConfig config();

  /**
   * Cancels every download (their {@code .part} files and journals stay, so starting the same
   * downloads again resumes them) and stops the downloader's threads. Idempotent.
   */
  @Override
  void close();

  /** Builds a {@link Downloader}. */
  final class Builder {
    private final HaulClient client;
    private DownloadConfig config = DownloadConfig.defaults();
    private DownloadStrategy strategy = DownloadStrategy.adaptive();
    private DownloadListener listener = new DownloadListener() {};

    private Builder(HaulClient client) {
      this.client = requireNonNull(client, "client is null");
    }

    public Builder config(DownloadConfig config) {
      this.config = requireNonNull(config, "config is null");
      return this;
    }

    /** How many connections each download uses; by default {@link DownloadStrategy#adaptive()}. */
    public Builder strategy(DownloadStrategy strategy) {
      this.strategy = requireNonNull(strategy, "strategy is null");
      return this;
    }

    /** Hears every download's events and progress. */
    public Builder listener(DownloadListener listener) {
      this.listener = requireNonNull(listener, "listener is null");
      return this;
    }

    public Downloader build() {
      return new DefaultDownloader(client, config, strategy, listener);
    }
  }
}
