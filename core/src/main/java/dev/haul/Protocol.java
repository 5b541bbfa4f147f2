package dev.haul;

/** The wire protocol a response arrived on. */
public enum Protocol {
  HTTP_1_0("HTTP/1.0"),
  HTTP_1_1("HTTP/1.1"),
  HTTP_2("HTTP/2");

  private final String text;

  Protocol(String text) {
    this.text = text;
  }

  /** The protocol as it appears on a status line, such as {@code HTTP/1.1}. */
  public String text() {
    return text;
  }
}
