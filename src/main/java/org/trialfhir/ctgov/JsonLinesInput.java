package org.trialfhir.ctgov;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads JSON Lines (NDJSON): one study, array or page per line, each parsed on its own, so that a
 * bad line is reported as {@code file.ndjson:12} and the following lines still load.
 */
final class JsonLinesInput {
  private final JsonFactory factory;
  private final RecordSink sink;
  private final TopLevelValues values;

  JsonLinesInput(JsonFactory factory, RecordSink sink) {
    this.factory = factory;
    this.sink = sink;
    this.values = new TopLevelValues(sink, false);
  }

  void read(String source, ContentReader.Opener opener) {
    try (InputStream in = opener.open()) {
      LineSplitter lines = new LineSplitter(in);
      while (lines.next()) {
        readLine(source + ":" + lines.lineNumber(), lines.line());
      }
    } catch (IOException e) {
      sink.cannotRead(source, e);
    }
  }

  private void readLine(String source, InputStream line) throws IOException {
    try (JsonParser parser = factory.createParser(line)) {
      if (parser.nextToken() == null) {
        return;
      }
      BoundedCopy.CopiedRecord study = values.read(parser, source);
      if (parser.nextToken() != null) {
        String nctId = study == null ? null : study.nctId();
        sink.error(source, nctId, null, "more than one JSON value on the line");
      } else if (study != null) {
        sink.submit(source, study);
      }
    } catch (MalformedJsonException e) {
      sink.report(e.problem());
    } catch (JsonProcessingException e) {
      sink.error(source, null, null, JsonErrors.syntax(e, false));
    } catch (CharConversionException e) {
      sink.error(source, null, null, "not text in a Unicode encoding: " + e.getMessage());
    }
  }
}
