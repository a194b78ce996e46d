package org.trialfhir.server;

/** Search results that can be found again from a paging link alone. */
interface StatelessResults {
  /** The token for {@code _getpages}: the query, never state held by this server. */
  PageToken pageToken();
}
