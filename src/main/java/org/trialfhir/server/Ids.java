package org.trialfhir.server;

import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IIdType;

/** Resource ids in request paths. */
final class Ids {
  /** FHIR R4 id: 1 to 64 of {@code A-Z a-z 0-9 - .}. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private Ids() {}

  /**
   * The id part of a read's id.
   *
   * @throws ca.uhn.fhir.rest.server.exceptions.InvalidRequestException when it is not a FHIR id
   */
  static String checked(IIdType id) {
    String idPart = id == null ? null : id.getIdPart();
    if (idPart == null || !ID.matcher(idPart).matches()) {
      throw Outcomes.badParameter(
          null, "not a valid FHIR id (1-64 characters of A-Z, a-z, 0-9, '-' and '.')");
    }
    return idPart;
  }
}
