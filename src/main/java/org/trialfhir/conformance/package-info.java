/**
 * Our FHIR R4 conformance resources, generated from the mapping's enums and published in {@code
 * profiles/}, and the offline validator that checks resources against R4 core and them.
 */
package org.trialfhir.conformance;
