package org.trialfhir.mapping;

import org.hl7.fhir.r4.model.ContactDetail;
import org.hl7.fhir.r4.model.ContactPoint;
import org.trialfhir.ctgov.Study;

/** Registry contacts (central and per site) → ContactDetail. */
final class Contacts {
  private Contacts() {}

  /** The contact's name, phone (with extension) and email; null when it has none of them. */
  static ContactDetail detail(Study.Contact contact) {
    ContactDetail detail = new ContactDetail();
    if (contact.name() != null && !contact.name().isBlank()) {
      detail.setName(contact.name());
    }
    if (contact.phone() != null && !contact.phone().isBlank()) {
      String phone =
          contact.phoneExt() == null || contact.phoneExt().isBlank()
              ? contact.phone()
              : contact.phone() + " ext. " + contact.phoneExt();
      detail.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone);
    }
    if (contact.email() != null && !contact.email().isBlank()) {
      detail
          .addTelecom()
          .setSystem(ContactPoint.ContactPointSystem.EMAIL)
          .setValue(contact.email());
    }
    return detail.isEmpty() ? null : detail;
  }
}
