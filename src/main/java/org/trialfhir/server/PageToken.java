package org.trialfhir.server;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The {@code _getpages} value of a paging link: which kind of search and its canonical form,
 * base64url-encoded so that it survives any URL handling. It holds the whole query and nothing
 * else: any server (after a restart, or another replica) answers the next page by running it again
 * at the link's offset. A token is a query like any other: decoding re-validates it, and a forged
 * one is a 400, never more than the search its text asks for.
 */
record PageToken(Kind kind, String query) {
  /** A token longer than this is refused before decoding. */
  static final int MAX_LENGTH = 24 * 1024;

  enum Kind {
    /** A search of the trial store: the search engine's canonical query. */
    TRIAL('t'),
    /** A search of our conformance resources: {@link ConformanceSearch#canonical()}. */
    CONFORMANCE('c');

    private final char tag;

    Kind(char tag) {
      this.tag = tag;
    }
  }

  String encode() {
    byte[] bytes = (kind.tag + query).getBytes(StandardCharsets.UTF_8);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * @throws IllegalArgumentException if the text is not a token this server wrote
   */
  static PageToken decode(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("empty or over-long paging token");
    }
    String text;
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(token);
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("paging token is not UTF-8", e);
    }
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty paging token");
    }
    for (Kind kind : Kind.values()) {
      if (text.charAt(0) == kind.tag) {
        return new PageToken(kind, text.substring(1));
      }
    }
    throw new IllegalArgumentException("unknown paging token kind");
  }
}
