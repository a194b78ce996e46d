package org.trialfhir.server;

import ca.uhn.fhir.rest.client.api.IGenericClient;

/**
 * The server as {@code trialfhir serve} runs it without an index ({@link EngineBackend#examples()}
 * + {@link TrialServer}, on a free port): the bundled example studies, NCT05939167 among them.
 * Built once per test JVM and shared by the ITs; stopped when the JVM exits.
 */
final class ExampleServer {
  private static ExampleServer instance;

  final EngineBackend backend;
  final TrialServer server;
  final String base;

  private ExampleServer(EngineBackend backend, TrialServer server) {
    this.backend = backend;
    this.server = server;
    this.base = server.fhirBaseUrl();
  }

  static synchronized ExampleServer get() {
    if (instance == null) {
      try {
        EngineBackend backend = EngineBackend.examples();
        TrialServer server = new TrialServer(backend, TrialServer.Settings.local(0));
        server.start();
        instance = new ExampleServer(backend, server);
      } catch (Exception e) {
        throw new IllegalStateException("could not start the example server", e);
      }
      ExampleServer started = instance;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    started.server.stop();
                    started.backend.close();
                  },
                  "example-server-stop"));
    }
    return instance;
  }

  /** {@code http://127.0.0.1:<port>}: the root, where {@code /cds-services} lives. */
  String root() {
    return base.substring(0, base.length() - TrialServer.FHIR_PATH.length());
  }

  IGenericClient client() {
    return CorpusServer.FHIR.newRestfulGenericClient(base);
  }
}
