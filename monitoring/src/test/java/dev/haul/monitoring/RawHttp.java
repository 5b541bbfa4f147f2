package dev.haul.monitoring;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A minimal HTTP/1.1 client for the dashboard tests: full control of the request line and headers. */
final class RawHttp {

  record Reply(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private RawHttp() {}

  static Reply get(int port, String path, String... headers) throws IOException {
    return send(port, "GET", path, "127.0.0.1:" + port, headers);
  }

  static Reply send(int port, String method, String path, String host, String... headers) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(10_000);
      StringBuilder req = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
      if (host != null) {
        req.append("Host: ").append(host).append("\r\n");
      }
      for (String h : headers) {
        req.append(h).append("\r\n");
      }
      req.append("Connection: close\r\n\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      String head = end >= 0 ? text.substring(0, end) : text;
      String body = end >= 0 ? text.substring(end + 4) : "";
      String[] lines = head.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> h = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        h.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
            (a, b) -> a + ", " + b);
      }
      if ("chunked".equalsIgnoreCase(h.get("transfer-encoding"))) {
        body = dechunk(body);
      }
      return new Reply(status, h, body);
    }
  }

  private static String dechunk(String body) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < body.length()) {
      int eol = body.indexOf("\r\n", i);
      int size = Integer.parseInt(body.substring(i, eol).trim(), 16);
      if (size == 0) {
        break;
      }
      // sizes count bytes; the bodies here are ASCII, so bytes and chars agree
      out.append(body, eol + 2, eol + 2 + size);
      i = eol + 2 + size + 2;
    }
    return out.toString();
  }
}
