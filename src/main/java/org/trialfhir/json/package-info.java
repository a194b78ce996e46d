/** Fast FHIR JSON encoding of HAPI R4 resources, byte for byte what HAPI's JSON parser writes. */
package org.trialfhir.json;
