package org.trialfhir.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 requests written byte for byte, for the malformed requests that well-behaved clients
 * refuse to send (bad percent-encoding, odd methods).
 */
final class RawHttp {
  record Response(int status, String headers, String body) {
    String header(String name) {
      for (String line : headers.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          return line.substring(colon + 1).strip();
        }
      }
      return null;
    }
  }

  private RawHttp() {}

  static Response send(int port, String method, String target, String... headerLines)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      StringBuilder request = new StringBuilder();
      request.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
      request.append("Host: 127.0.0.1:").append(port).append("\r\n");
      request.append("Connection: close\r\n");
      for (String line : headerLines) {
        request.append(line).append("\r\n");
      }
      request.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      String head = end < 0 ? text : text.substring(0, end);
      String body = end < 0 ? "" : text.substring(end + 4);
      int status = Integer.parseInt(head.substring(9, 12));
      if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
        body = dechunk(body);
      }
      return new Response(status, head, body);
    }
  }

  private static String dechunk(String body) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (at < body.length()) {
      int lineEnd = body.indexOf("\r\n", at);
      if (lineEnd < 0) {
        break;
      }
      int size = Integer.parseInt(body.substring(at, lineEnd).split(";")[0].strip(), 16);
      if (size == 0) {
        break;
      }
      out.append(body, lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
    return out.toString();
  }
}
