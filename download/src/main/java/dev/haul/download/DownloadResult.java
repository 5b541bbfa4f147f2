package dev.haul.download;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A finished download.
 *
 * @param file the final file (complete and verified)
 * @param size its size in bytes
 * @param sha256 its SHA-256, lower-case hex
 * @param resumedFrom bytes already on disk from an earlier run (0 for a fresh download)
 * @param restarts times the download started over because the remote changed or refused ranges
 * @param connections the most connections used at once
 * @param elapsed how long it took
 */
public record DownloadResult(Path file, long size, String sha256, long resumedFrom, int restarts,
    int connections, Duration elapsed) {}
