package org.trialfhir.ctgov;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;

/**
 * Copies one JSON object from a streaming parser into a {@link TokenBuffer}, up to a size limit.
 *
 * <p>The size is measured with the parser's offset from the object's first byte. Once the object is
 * over the limit the buffer is dropped and the rest of the object is skipped, so memory stays
 * bounded by the limit whatever the object's size. The study's NCT id is noted when it streams
 * past, so that a problem with the record can still name it.
 */
final class BoundedCopy {
  /** A copied object: its tokens (null when it was over the limit) and what was seen of it. */
  record CopiedRecord(TokenBuffer tokens, String nctId, int firstLine, int lastLine) {
    boolean oversize() {
      return tokens == null;
    }
  }

  private final JsonParser parser;
  private final long maxBytes;
  private final long start;
  private final int firstLine;
  private final int depth;
  private TokenBuffer tokens;
  private String nctId;

  /** Starts a copy at the parser's current START_OBJECT token (not yet copied). */
  BoundedCopy(JsonParser parser, long maxBytes) {
    this.parser = parser;
    this.maxBytes = maxBytes;
    JsonLocation at = parser.currentTokenLocation();
    this.start = offset(at);
    this.firstLine = at.getLineNr();
    this.depth = parser.getParsingContext().getNestingDepth();
    this.tokens = new TokenBuffer(parser);
  }

  /** Copies the current token alone (a field name, or the object's own start or end). */
  void copyToken() throws IOException {
    if (tokens != null) {
      tokens.copyCurrentEvent(parser);
      if (offset(parser.currentLocation()) - start > maxBytes) {
        tokens = null;
      }
    }
  }

  /** Copies the value at the current token: a scalar, or an object or array through its end. */
  void copyValue() throws IOException {
    int open = 0;
    do {
      JsonToken token = parser.currentToken();
      if (tokens == null && token.isStructStart()) {
        parser.skipChildren();
        continue;
      }
      if (token.isStructStart()) {
        open++;
      } else if (token.isStructEnd()) {
        open--;
      } else if (token == JsonToken.VALUE_STRING && isNctId()) {
        nctId = parser.getText();
      }
      copyToken();
    } while (open > 0 && parser.nextToken() != null);
  }

  /** The NCT id seen so far, or null. */
  String nctId() {
    return nctId;
  }

  CopiedRecord result() {
    return new CopiedRecord(tokens, nctId, firstLine, parser.currentLocation().getLineNr());
  }

  /** True at {@code protocolSection.identificationModule.nctId} of this object. */
  private boolean isNctId() {
    JsonStreamContext module = parser.getParsingContext();
    if (module.getNestingDepth() != depth + 2 || !"nctId".equals(module.getCurrentName())) {
      return false;
    }
    JsonStreamContext section = module.getParent();
    return "identificationModule".equals(section.getCurrentName())
        && "protocolSection".equals(section.getParent().getCurrentName());
  }

  private static long offset(JsonLocation location) {
    long bytes = location.getByteOffset();
    return bytes >= 0 ? bytes : location.getCharOffset();
  }
}
