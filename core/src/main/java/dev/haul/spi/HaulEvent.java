package dev.haul.spi;

/**
 * An event a module above the client publishes to the client's listeners through
 * {@code HaulClient.events().moduleEvent(...)}: the downloader's download and segment events, for
 * example. Modules declare their events as records implementing this; a listener tells them apart
 * by type. Events must not carry secrets (no header values, no query strings).
 */
public interface HaulEvent {

  /** The module that published it, such as {@code download}. */
  String module();
}
