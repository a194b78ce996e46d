package org.trialfhir.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.trialfhir.mapping.StudyMapper;
import org.trialfhir.testing.SharedData;

/**
 * Maps every real record in the shared corpus ({@code v2/} and {@code v2-partial/}) and validates
 * every resulting resource against R4 core and our profiles: zero errors. A Location or
 * Organization shared by several studies is validated once.
 */
class CorpusValidationTest {

  @Test
  void everyMappedResourceIsValid() throws Exception {
    TrialValidator validator = SharedValidator.get();
    List<Path> files = SharedData.recordFiles();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    Map<String, Integer> warnings = Collections.synchronizedMap(new TreeMap<>());
    AtomicInteger validated = new AtomicInteger();
    ForkJoinPool pool = new ForkJoinPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
    try {
      pool.submit(
              () ->
                  files.parallelStream()
                      .forEach(
                          file -> {
                            for (Resource resource :
                                StudyMapper.map(SharedData.study(file)).resources()) {
                              if (!seen.add(resource.fhirType() + "/" + resource.getIdPart())) {
                                continue;
                              }
                              validated.incrementAndGet();
                              for (ValidationIssue issue : validator.validate(resource)) {
                                if (issue.isError()) {
                                  errors.add(
                                      file.getFileName()
                                          + " "
                                          + resource.fhirType()
                                          + "/"
                                          + resource.getIdPart()
                                          + " "
                                          + issue.location()
                                          + ": "
                                          + issue.message());
                                } else if (issue.severity() == ValidationIssue.Severity.WARNING) {
                                  warnings.merge(
                                      issue
                                          .message()
                                          .replaceAll("\\d+", "#")
                                          .replaceAll("'[^']*'", "'…'"),
                                      1,
                                      Integer::sum);
                                }
                              }
                            }
                          }))
          .get();
    } finally {
      pool.shutdown();
    }
    System.out.printf(
        "validated %,d resources from %,d records: %,d errors%n",
        validated.get(), files.size(), errors.size());
    warnings.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(15)
        .forEach(w -> System.out.printf("  warning x%,d: %s%n", w.getValue(), w.getKey()));
    assertThat(errors.stream().limit(40)).isEmpty();
    assertThat(errors).isEmpty();
  }
}
