/**
 * Segmented, parallel, resumable, verified downloads in bounded memory, on any {@code HaulClient}.
 * The API and the module's own SPI live here; the engine is in {@code dev.haul.download.internal}.
 */
package dev.haul.download;
