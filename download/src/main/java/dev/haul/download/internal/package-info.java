/** The download engine: no compatibility promise; use {@link dev.haul.download} instead. */
package dev.haul.download.internal;
