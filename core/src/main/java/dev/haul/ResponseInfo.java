package dev.haul;

/** What is known of a response before its body is read. */
public interface ResponseInfo {
  /** The status code. */
  int status();

  /** The response headers. */
  Headers headers();

  /** The protocol the response arrived on. */
  Protocol protocol();

  /** The request that produced this response (after redirects, the last one). */
  Request request();
}
