package dev.haul.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The progress event a metrics sink hears through the client's listeners. */
class DownloadEventTest {

  @Test
  void progressCarriesTheSnapshotsNumbers() {
    DownloadProgress p = new DownloadProgress(DownloadProgress.State.RUNNING, OptionalLong.of(1000), 400, 300,
        List.of(new DownloadProgress.Segment(0, 500, 200, 10, false),
            new DownloadProgress.Segment(500, 1000, 200, 12, false)),
        22.5, Optional.of(Duration.ofSeconds(27)));

    DownloadEvent.Progress e = DownloadEvent.Progress.of("d1", p);

    assertThat(e).isEqualTo(new DownloadEvent.Progress("d1", 1000, 400, 300, 2, 22.5));
    assertThat(e.module()).isEqualTo("download");
  }

  @Test
  void anUnknownTotalIsMinusOne() {
    DownloadProgress p = new DownloadProgress(DownloadProgress.State.STARTING, OptionalLong.empty(), 0, 0,
        List.of(), 0, Optional.empty());
    assertThat(DownloadEvent.Progress.of("d2", p).total()).isEqualTo(-1);
  }
}
