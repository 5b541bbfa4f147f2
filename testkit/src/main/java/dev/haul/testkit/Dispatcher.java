package dev.haul.testkit;

/** Chooses the response to each request the origin server receives. */
@FunctionalInterface
public interface Dispatcher {

  /** The response to {@code request}. Called on a server I/O thread; must not block long. */
  MockResponse dispatch(RecordedRequest request);

  /**
   * A response whose fault applies as soon as a connection is accepted, before any request is
   * read ({@link Fault#CLOSE_AT_START}), or null. The default never has one.
   */
  default MockResponse atConnect() {
    return null;
  }
}
