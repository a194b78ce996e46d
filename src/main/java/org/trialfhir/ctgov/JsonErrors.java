package org.trialfhir.ctgov;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;
import java.util.Collection;

/** Turns Jackson's exceptions into field paths and messages for a person. */
final class JsonErrors {
  private JsonErrors() {}

  /**
   * Describes a syntax problem: what is wrong and where.
   *
   * @param withLine whether Jackson's line number means something (false when each line of a JSON
   *     Lines file is parsed on its own and the source already names the line)
   */
  static String syntax(JsonProcessingException e, boolean withLine) {
    String what;
    if (e instanceof JsonEOFException) {
      what = "truncated JSON: unexpected end of input";
    } else if (e instanceof StreamConstraintsException) {
      what = "a value is over the reader's limit: " + e.getOriginalMessage();
    } else {
      what = "malformed JSON: " + e.getOriginalMessage();
    }
    return what + where(e.getLocation(), withLine);
  }

  /** Describes why content that should have started a JSON value did not. */
  static String notJson(IOException e) {
    if (e instanceof JsonProcessingException json) {
      return "not a JSON file: " + json.getOriginalMessage() + where(json.getLocation(), true);
    }
    return "not a JSON file: " + e.getMessage();
  }

  /**
   * The API v2 field path of a mapping problem, e.g. {@code
   * protocolSection.designModule.phases[1]}.
   */
  static String fieldPath(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference step : e.getPath()) {
      if (step.getFieldName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(step.getFieldName());
      } else if (step.getIndex() >= 0) {
        path.append('[').append(step.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? null : path.toString();
  }

  /** Says which JSON type was expected and which was found, in JSON terms rather than Java's. */
  static String mapping(JsonMappingException e) {
    if (!(e instanceof MismatchedInputException mismatch) || mismatch.getTargetType() == null) {
      return e.getOriginalMessage();
    }
    JsonToken found = mismatch.getCurrentToken();
    if (found == null && e.getProcessor() instanceof JsonParser parser) {
      found = parser.currentToken();
    }
    return "expected " + expected(mismatch.getTargetType()) + " but found " + kind(found);
  }

  private static String where(JsonLocation location, boolean withLine) {
    if (location == null || location.getColumnNr() < 1) {
      return "";
    }
    return withLine && location.getLineNr() > 0
        ? " at line " + location.getLineNr() + ", column " + location.getColumnNr()
        : " at column " + location.getColumnNr();
  }

  private static String expected(Class<?> type) {
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    } else if (CharSequence.class.isAssignableFrom(type)) {
      return "a string";
    } else if (Number.class.isAssignableFrom(type)) {
      return "a number";
    } else if (type == Boolean.class) {
      return "true or false";
    }
    return "an object";
  }

  /** The JSON type of a token, e.g. "a string". */
  static String kind(JsonToken token) {
    if (token == null) {
      return "nothing";
    }
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.asString() == null ? token.name() : token.asString();
    };
  }
}
