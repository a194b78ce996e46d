package org.trialfhir.server;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ResearchStudy;

/** Read and search of ResearchStudy, and {@code ResearchStudy/$match}. */
public final class ResearchStudyResourceProvider extends StoreResourceProvider {
  private final MatchOperation match;

  ResearchStudyResourceProvider(SearchBackend backend, MatchOperation match) {
    super(ResearchStudy.class, "ResearchStudy", backend);
    this.match = match;
  }

  /**
   * {@code POST [base]/ResearchStudy/$match}: the body is read by {@link MatchOperation} so that
   * every malformed input is a 400 with a precise OperationOutcome.
   */
  @Operation(
      name = MatchOperation.NAME,
      type = ResearchStudy.class,
      idempotent = false,
      manualRequest = true,
      canonicalUrl = MatchOperation.DEFINITION)
  public Bundle match(RequestDetails request) {
    return match.handle(request);
  }
}
