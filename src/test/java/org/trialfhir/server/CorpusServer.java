package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.trialfhir.store.Importer;
import org.trialfhir.testing.SharedData;

/**
 * The server as {@code trialfhir serve --index} runs it ({@link EngineBackend} + {@link
 * TrialServer}, on a free port), over an index of every record in {@code ../shared/data/ctgov/v2}.
 * Built once per test JVM and shared by the ITs; stopped and deleted when the JVM exits.
 */
final class CorpusServer {
  static final FhirContext FHIR = FhirContext.forR4Cached();
  private static CorpusServer instance;

  final Path index;
  final EngineBackend backend;
  final TrialServer server;
  final String base;
  final long studies;

  private CorpusServer(Path index, EngineBackend backend, TrialServer server, long studies) {
    this.index = index;
    this.backend = backend;
    this.server = server;
    this.base = server.fhirBaseUrl();
    this.studies = studies;
  }

  static synchronized CorpusServer get() {
    if (instance == null) {
      try {
        instance = start();
      } catch (Exception e) {
        throw new IllegalStateException("could not start the corpus server", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(instance::shutdown, "corpus-server-stop"));
    }
    return instance;
  }

  private static CorpusServer start() throws Exception {
    Path index = Files.createTempDirectory("trialfhir-it-index");
    Importer.Summary summary = new Importer().importInto(index, List.of(SharedData.ctgov("v2")));
    if (summary.failed() > 0 || summary.imported() == 0) {
      throw new IllegalStateException("the corpus did not import cleanly: " + summary);
    }
    EngineBackend backend = EngineBackend.open(index);
    TrialServer server = new TrialServer(backend, TrialServer.Settings.local(0));
    server.start();
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    return new CorpusServer(index, backend, server, summary.imported());
  }

  /** A HAPI generic client of the server (JSON). */
  IGenericClient client() {
    return FHIR.newRestfulGenericClient(base);
  }

  /** The Bundle of {@code GET [base]/<pathAndQuery>}. */
  Bundle search(String pathAndQuery) {
    return client().search().byUrl(base + "/" + pathAndQuery).returnBundle(Bundle.class).execute();
  }

  /** {@code total} of {@code GET [base]/<pathAndQuery>&_summary=count}. */
  int count(String pathAndQuery) {
    String separator = pathAndQuery.contains("?") ? "&" : "?";
    return search(pathAndQuery + separator + "_summary=count").getTotal();
  }

  private void shutdown() {
    server.stop();
    backend.close();
    try (Stream<Path> files = Files.walk(index)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
