package dev.haul.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A request as the origin server received it: method, target, headers in order, body, and which
 * connection carried it (so tests can prove connection reuse).
 */
public final class RecordedRequest {
  private final String method;
  private final String target;
  private final List<Map.Entry<String, String>> headers;
  private final byte[] body;
  private final int connectionId;
  private final int sequenceOnConnection;
  private final boolean tls;

  public RecordedRequest(String method, String target, List<Map.Entry<String, String>> headers,
      byte[] body, int connectionId, int sequenceOnConnection, boolean tls) {
    this.method = method;
    this.target = target;
    this.headers = List.copyOf(headers);
    this.body = body.clone();
    this.connectionId = connectionId;
    this.sequenceOnConnection = sequenceOnConnection;
    this.tls = tls;
  }

  public String method() {
    return method;
  }

  /** The request target as sent: path and query. */
  public String target() {
    return target;
  }

  /** The path without the query. */
  public String path() {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  /** The first value of the named header (case-insensitive), or null. */
  public String header(String name) {
    for (Map.Entry<String, String> e : headers) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** Every value of the named header. */
  public List<String> headers(String name) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : headers) {
      if (e.getKey().equalsIgnoreCase(name)) {
        out.add(e.getValue());
      }
    }
    return out;
  }

  /** All header fields in order. */
  public List<Map.Entry<String, String>> headerList() {
    return headers;
  }

  public byte[] body() {
    return body.clone();
  }

  public String bodyAsString() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** 1 for the first connection the server accepted, 2 for the second... */
  public int connectionId() {
    return connectionId;
  }

  /** 0 for the first request on its connection, 1 for the second... */
  public int sequenceOnConnection() {
    return sequenceOnConnection;
  }

  public boolean isTls() {
    return tls;
  }

  @Override
  public String toString() {
    return method + " " + target + " (connection " + connectionId + "#" + sequenceOnConnection + ")";
  }
}
