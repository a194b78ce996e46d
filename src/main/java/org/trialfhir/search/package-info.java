/**
 * FHIR search semantics, independent of storage: the supported search parameters, the parsed form
 * of a search request, and the store interface that executes it.
 */
package org.trialfhir.search;
