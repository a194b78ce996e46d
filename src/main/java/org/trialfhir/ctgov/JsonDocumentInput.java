package org.trialfhir.ctgov;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a JSON document: one study object, an array of studies, a page of the API, or several
 * top-level values in sequence.
 *
 * <p>A lone study is named by the file ({@code file.json}); studies in a sequence by the line where
 * they start ({@code file.json:12}). A sequence whose first study fits on its first line is JSON
 * Lines under another name, and is read again as such so that a bad line does not end the file.
 */
final class JsonDocumentInput {
  private final JsonFactory factory;
  private final RecordSink sink;
  private final TopLevelValues values;
  private final JsonLinesInput lines;

  JsonDocumentInput(JsonFactory factory, RecordSink sink, JsonLinesInput lines) {
    this.factory = factory;
    this.sink = sink;
    this.values = new TopLevelValues(sink, true);
    this.lines = lines;
  }

  void read(String source, ContentReader.Opener opener) {
    boolean jsonLines;
    try (InputStream in = opener.open();
        JsonParser parser = factory.createParser(in)) {
      jsonLines = readDocument(parser, source);
    } catch (MalformedJsonException e) {
      sink.report(e.problem());
      return;
    } catch (JsonProcessingException e) {
      sink.error(source, null, null, JsonErrors.syntax(e, true));
      return;
    } catch (IOException e) {
      sink.cannotRead(source, e);
      return;
    }
    if (jsonLines) {
      lines.read(source, opener);
    }
  }

  /** Reads the document; true when it turns out to be JSON Lines and must be read as such. */
  private boolean readDocument(JsonParser parser, String source) throws IOException {
    JsonToken first;
    try {
      first = parser.nextToken();
    } catch (IOException e) {
      sink.error(source, null, null, JsonErrors.notJson(e));
      return false;
    }
    if (first == null) {
      sink.error(source, null, null, "empty: no JSON value");
      return false;
    }
    if (first.isScalarValue()) {
      sink.error(
          source,
          null,
          null,
          "not a study file: the top-level JSON value is " + JsonErrors.kind(first));
      return false;
    }
    BoundedCopy.CopiedRecord study = values.read(parser, source);
    JsonToken next;
    try {
      next = parser.nextToken();
    } catch (JsonProcessingException e) {
      submit(source, study);
      throw e;
    }
    if (next == null) {
      submit(source, study);
      return false;
    }
    if (study != null
        && study.firstLine() == study.lastLine()
        && parser.currentTokenLocation().getLineNr() > study.lastLine()) {
      return true;
    }
    if (study != null) {
      submit(source + ":" + study.firstLine(), study);
    }
    do {
      String value = source + ":" + parser.currentTokenLocation().getLineNr();
      submit(value, values.read(parser, value));
    } while (parser.nextToken() != null);
    return false;
  }

  private void submit(String source, BoundedCopy.CopiedRecord study) {
    if (study != null) {
      sink.submit(source, study);
    }
  }
}
