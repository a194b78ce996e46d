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
 * refuse to send (bad percent-encoding, odd methods), and responses read byte for byte (the exact
 * header block; the body dechunked and, when gzipped, unzipped).
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
    return sendWithBody(port, method, target, null, headerLines);
  }

  /** A request with a body (sent with its Content-Length) when {@code body} is not null. */
  static Response sendWithBody(
      int port, String method, String target, String body, String... headerLines)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      byte[] content = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
      StringBuilder request = new StringBuilder();
      request.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
      request.append("Host: 127.0.0.1:").append(port).append("\r\n");
      request.append("Connection: close\r\n");
      for (String line : headerLines) {
        request.append(line).append("\r\n");
      }
      if (content != null) {
        request.append("Content-Length: ").append(content.length).append("\r\n");
      }
      request.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (content != null) {
        out.write(content);
      }
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      byte[] bytes = all.toByteArray();
      int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      String head = new String(bytes, 0, end < 0 ? bytes.length : end, StandardCharsets.ISO_8859_1);
      byte[] payload =
          end < 0 ? new byte[0] : java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
      int status = Integer.parseInt(head.substring(9, 12));
      if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
        payload = dechunk(payload);
      }
      if (head.toLowerCase(Locale.ROOT).contains("content-encoding: gzip") && payload.length > 0) {
        try (java.util.zip.GZIPInputStream gunzip =
            new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(payload))) {
          payload = gunzip.readAllBytes();
        }
      }
      return new Response(status, head, new String(payload, StandardCharsets.UTF_8));
    }
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The content of a chunked body (chunk sizes count bytes). */
  private static byte[] dechunk(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (at < body.length) {
      int lineEnd = at;
      while (lineEnd + 1 < body.length && !(body[lineEnd] == '\r' && body[lineEnd + 1] == '\n')) {
        lineEnd++;
      }
      if (lineEnd + 1 >= body.length) {
        break;
      }
      String sizeLine = new String(body, at, lineEnd - at, StandardCharsets.ISO_8859_1);
      int size = Integer.parseInt(sizeLine.split(";")[0].strip(), 16);
      if (size == 0) {
        break;
      }
      out.write(body, lineEnd + 2, size);
      at = lineEnd + 2 + size + 2;
    }
    return out.toByteArray();
  }
}
