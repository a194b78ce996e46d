/**
 * Reproducible benchmarks: a deterministic scale-corpus generator and the measurements that the
 * README's Performance section records.
 */
package org.trialfhir.bench;
