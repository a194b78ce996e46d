package org.trialfhir.search;

/**
 * A search the server cannot answer as asked: an unknown parameter, modifier, value or combination.
 * The server answers 400 with an OperationOutcome carrying this message.
 */
public class InvalidSearchException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String parameter;

  public InvalidSearchException(String parameter, String message) {
    super(message);
    this.parameter = parameter;
  }

  /** The parameter concerned, as written in the request, or null. */
  public String parameter() {
    return parameter;
  }
}
