package org.trialfhir.ctgov;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reads one top-level JSON value: a study object, an array of studies, or a page of the API ({@code
 * {"studies":[…],"nextPageToken":…}}). Arrays are streamed element by element, so only one record
 * is in memory at a time.
 */
final class TopLevelValues {
  private static final String PAGE_FIELD = "studies";
  private static final String STUDY_FIELD = "protocolSection";

  private final RecordSink sink;
  private final boolean lineNumbersMeaningful;

  /**
   * @param lineNumbersMeaningful false when every line is parsed on its own and the parser's line
   *     numbers are always 1
   */
  TopLevelValues(RecordSink sink, boolean lineNumbersMeaningful) {
    this.sink = sink;
    this.lineNumbersMeaningful = lineNumbersMeaningful;
  }

  /**
   * Reads the value at the parser's current token. Studies of an array or a page are submitted as
   * they stream by, named {@code source[i]}; a study object is returned unsubmitted, so that the
   * caller can name it once it knows whether more values follow; anything else is reported.
   *
   * @return the study object, or null when there was none to submit
   * @throws MalformedJsonException when a syntax error inside a record ends the input
   */
  BoundedCopy.CopiedRecord read(JsonParser parser, String source) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_OBJECT) {
      return readObject(parser, source);
    }
    if (token == JsonToken.START_ARRAY) {
      readElements(parser, source);
    } else {
      sink.error(
          source,
          null,
          null,
          "the top-level JSON value is "
              + JsonErrors.kind(token)
              + ", not a study object, an array of studies or a page of studies");
    }
    return null;
  }

  private BoundedCopy.CopiedRecord readObject(JsonParser parser, String source) throws IOException {
    BoundedCopy copy = new BoundedCopy(parser, sink.maxRecordBytes());
    boolean study = false;
    try {
      copy.copyToken();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        copy.copyToken();
        if (parser.nextToken() == JsonToken.START_ARRAY && PAGE_FIELD.equals(name)) {
          readElements(parser, source);
          skipOtherFields(parser);
          return null;
        }
        study |= STUDY_FIELD.equals(name);
        copy.copyValue();
      }
      copy.copyToken();
    } catch (JsonProcessingException e) {
      throw malformed(source, copy.nctId(), e, false);
    }
    if (!study) {
      sink.error(
          source,
          copy.nctId(),
          null,
          "an object that is neither a study (no protocolSection) nor a page (no studies array)");
      return null;
    }
    return copy.result();
  }

  private void readElements(JsonParser parser, String source) throws IOException {
    int index = 0;
    for (JsonToken token = parser.nextToken();
        token != JsonToken.END_ARRAY && token != null;
        token = parser.nextToken(), index++) {
      String element = source + "[" + index + "]";
      if (token == JsonToken.START_OBJECT) {
        sink.submit(element, copyElement(parser, element));
      } else {
        sink.error(
            element, null, null, "array element is " + JsonErrors.kind(token) + ", not a study");
        parser.skipChildren();
      }
    }
  }

  private BoundedCopy.CopiedRecord copyElement(JsonParser parser, String source)
      throws IOException {
    BoundedCopy copy = new BoundedCopy(parser, sink.maxRecordBytes());
    try {
      copy.copyValue();
    } catch (JsonProcessingException e) {
      throw malformed(source, copy.nctId(), e, lineNumbersMeaningful);
    }
    return copy.result();
  }

  /** Skips what follows a page's studies array, such as {@code nextPageToken}. */
  private static void skipOtherFields(JsonParser parser) throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      parser.nextToken();
      parser.skipChildren();
    }
  }

  /**
   * @param restLost whether the records after this one are lost with it (elements of an array or
   *     page, except on a line of JSON Lines, which ends with the line)
   */
  private MalformedJsonException malformed(
      String source, String nctId, JsonProcessingException e, boolean restLost) {
    String message = JsonErrors.syntax(e, lineNumbersMeaningful);
    if (restLost) {
      message += "; the records after it are not read";
    }
    return new MalformedJsonException(RecordProblem.error(source, nctId, null, message), e);
  }
}
