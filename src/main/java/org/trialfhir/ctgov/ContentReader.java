package org.trialfhir.ctgov;

import com.fasterxml.jackson.core.JsonFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads one file or ZIP member, choosing how from its first bytes and its name: a ZIP archive, JSON
 * Lines ({@code .ndjson}, {@code .jsonl}), or else a JSON document.
 */
final class ContentReader {
  /** Opens the content from its start; may be called more than once. */
  @FunctionalInterface
  interface Opener {
    InputStream open() throws IOException;
  }

  private static final byte[][] ZIP_SIGNATURES = {{'P', 'K', 3, 4}, {'P', 'K', 5, 6}};

  private final RecordSink sink;
  private final JsonLinesInput lines;
  private final JsonDocumentInput documents;
  private final ZipInput archives;

  ContentReader(JsonFactory factory, RecordSink sink) {
    this.sink = sink;
    this.lines = new JsonLinesInput(factory, sink);
    this.documents = new JsonDocumentInput(factory, sink, lines);
    this.archives = new ZipInput(sink, this::readMember);
  }

  /** Reads a file, named as given. */
  void readFile(Path file) {
    String source = file.toString();
    read(
        source,
        file.getFileName().toString(),
        () -> Files.newInputStream(file),
        () -> archives.read(file, source));
  }

  /** Reads a member of a ZIP archive; archives inside archives are not read. */
  void readMember(String source, String name, Opener opener) {
    read(
        source,
        name,
        opener,
        () -> sink.error(source, null, null, "a ZIP archive inside a ZIP archive is not read"));
  }

  private void read(String source, String name, Opener opener, Runnable whenZip) {
    boolean zip;
    try {
      zip = isZip(opener);
    } catch (IOException e) {
      sink.cannotRead(source, e);
      return;
    }
    String lowerCase = name.toLowerCase(Locale.ROOT);
    if (zip) {
      whenZip.run();
    } else if (lowerCase.endsWith(".ndjson") || lowerCase.endsWith(".jsonl")) {
      lines.read(source, opener);
    } else {
      documents.read(source, opener);
    }
  }

  private static boolean isZip(Opener opener) throws IOException {
    byte[] start;
    try (InputStream in = opener.open()) {
      start = in.readNBytes(4);
    }
    for (byte[] signature : ZIP_SIGNATURES) {
      if (Arrays.equals(start, signature)) {
        return true;
      }
    }
    return false;
  }
}
