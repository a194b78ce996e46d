/**
 * The FHIR REST server: HAPI's plain server with our resource providers, paging, conformance and
 * transport (gzip, CORS, conditional requests, errors) on embedded Jetty 12.
 */
package org.trialfhir.server;
