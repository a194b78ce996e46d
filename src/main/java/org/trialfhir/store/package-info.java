/**
 * The search index: an embedded Apache Lucene index on disk with one document per resource (its
 * search fields and its stored JSON), written as immutable generations that an import switches in
 * atomically, and the {@link org.trialfhir.search.TrialStore} that reads and searches it.
 */
package org.trialfhir.store;
