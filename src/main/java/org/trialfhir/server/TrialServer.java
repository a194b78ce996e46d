package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.CrossOriginHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TrialFHIR HTTP server: the FHIR API at {@code /fhir} (HAPI's RestfulServer), CDS Hooks at
 * {@code /cds-services}, {@code /health}, on embedded Jetty 12 with gzip, CORS and graceful
 * shutdown. {@code trialfhir serve} and the integration tests start it the same way.
 *
 * <pre>{@code
 * try (TrialServer server = new TrialServer(backend, TrialServer.Settings.local(0))) {
 *   server.start();
 *   String base = server.fhirBaseUrl(); // http://127.0.0.1:<port>/fhir
 * }
 * }</pre>
 */
public final class TrialServer implements AutoCloseable {
  /** Where the FHIR API lives. */
  public static final String FHIR_PATH = "/fhir";

  /** Where the health check lives. */
  public static final String HEALTH_PATH = "/health";

  private static final Logger LOG = LoggerFactory.getLogger(TrialServer.class);

  /** Request line and headers: long enough for a search URL with a 10,000-character value. */
  private static final int REQUEST_HEADER_BYTES = 32 * 1024;

  /**
   * The largest request body accepted (413 beyond): far above any search form; room for a patient's
   * data posted to an operation.
   */
  private static final long MAX_REQUEST_BODY_BYTES = 10L * 1024 * 1024;

  /** Responses smaller than this are not worth compressing. */
  private static final int MIN_GZIP_BYTES = 1024;

  private final SearchBackend backend;
  private final Settings settings;
  private final FhirContext fhir = UnparsedBundleFactory.context();
  private Server jetty;
  private ServerConnector connector;
  private FhirRestServer fhirServlet;

  /**
   * How the server listens.
   *
   * @param host the address to bind ({@code 127.0.0.1} by default: only this machine; {@code
   *     0.0.0.0} for every interface)
   * @param port the TCP port, 0 for any free one
   * @param publicBaseUrl the FHIR base URL clients see (behind a proxy), or null to derive it from
   *     each request
   * @param stopTimeout how long stopping waits for requests in flight
   * @param fastJson whether JSON answers are written by TrialFHIR's encoder with stored entries
   *     (byte for byte HAPI's output, much cheaper) rather than by HAPI's parser; see {@link
   *     FastJsonResponses}
   */
  public record Settings(
      String host, int port, String publicBaseUrl, Duration stopTimeout, boolean fastJson) {
    /**
     * Settings with the fast JSON path as the system property {@code trialfhir.server.fast-json}
     * says (on by default).
     */
    public Settings(String host, int port, String publicBaseUrl, Duration stopTimeout) {
      this(host, port, publicBaseUrl, stopTimeout, FastJsonResponses.enabledByDefault());
    }

    public Settings {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(stopTimeout, "stopTimeout");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535: " + port);
      }
    }

    /** Loopback only, derived base URL, 10 s to drain requests on stop. */
    public static Settings local(int port) {
      return new Settings("127.0.0.1", port, null, Duration.ofSeconds(10));
    }

    /** These settings with the fast JSON path on or off. */
    public Settings withFastJson(boolean on) {
      return new Settings(host, port, publicBaseUrl, stopTimeout, on);
    }
  }

  public TrialServer(SearchBackend backend, Settings settings) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** Starts listening; returns once requests are answered. */
  public synchronized void start() throws Exception {
    if (jetty != null) {
      throw new IllegalStateException("already started");
    }
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("http");
    Server server = new Server(threads);
    server.setStopTimeout(settings.stopTimeout().toMillis());
    server.setStopAtShutdown(false);
    server.setErrorHandler(new OperationOutcomeErrorHandler(fhir));

    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(REQUEST_HEADER_BYTES);
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    ServerConnector listener = new ServerConnector(server, new HttpConnectionFactory(http));
    listener.setHost(settings.host());
    listener.setPort(settings.port());
    server.addConnector(listener);

    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    context.setContextPath("/");
    // Jetty stops reading a form at 200,000 bytes and answers 400 with the rest unread; closing a
    // connection with unread input resets it, and the client may never see that answer. Reading
    // forms up to the body limit lets the search parser reject them with a proper 400.
    context.setMaxFormContentSize((int) MAX_REQUEST_BODY_BYTES);
    context.setErrorHandler(new OperationOutcomeErrorHandler(fhir));
    TrialMatching matching = new TrialMatching(backend);
    fhirServlet =
        new FhirRestServer(fhir, backend, matching, settings.publicBaseUrl(), settings.fastJson());
    ServletHolder fhirHolder = new ServletHolder("fhir", fhirServlet);
    fhirHolder.setInitOrder(1);
    context.addServlet(fhirHolder, FHIR_PATH + "/*");
    context.addFilter(
        new FilterHolder(new MalformedRequestFilter(fhir)),
        "/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(
        new ServletHolder("health", new HealthServlet(backend.store(), Instant.now())),
        HEALTH_PATH);
    ServletHolder cds =
        new ServletHolder(
            "cds-hooks",
            new CdsHooksServlet(
                fhir, matching, java.time.Clock.systemUTC(), settings.publicBaseUrl()));
    // "/cds-services/*" also maps "/cds-services" itself (discovery).
    context.addServlet(cds, CdsHooksServlet.PATH + "/*");
    context.addServlet(new ServletHolder("other", new NotFoundServlet(fhir)), "/");

    SizeLimitHandler limit = new SizeLimitHandler(MAX_REQUEST_BODY_BYTES, -1);
    limit.setHandler(context);
    server.setHandler(new GracefulHandler(crossOrigin(gzip(limit))));
    server.start();
    this.jetty = server;
    this.connector = listener;
    LOG.info("FHIR server listening on {}", fhirBaseUrl());
  }

  /**
   * Stops accepting connections, lets requests in flight finish (up to the stop timeout), then
   * stops. Does not close the backend: its owner does.
   */
  public synchronized void stop() {
    if (jetty == null) {
      return;
    }
    try {
      jetty.stop();
      LOG.info("FHIR server stopped");
    } catch (Exception e) {
      LOG.warn("stopping the HTTP server failed: {}", e.toString());
    } finally {
      jetty = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** The port listened on (the actual one when started with port 0). */
  /** The fast JSON path of the running server, or null when it is off (or not started). */
  synchronized FastJsonResponses fastJson() {
    return fhirServlet == null ? null : fhirServlet.fastJson();
  }

  public synchronized int port() {
    if (connector == null) {
      throw new IllegalStateException("not started");
    }
    return connector.getLocalPort();
  }

  /** {@code http://<host>:<port>/fhir} as reachable from this machine. */
  public String fhirBaseUrl() {
    String host = settings.host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
      host = "127.0.0.1";
    } else if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port() + FHIR_PATH;
  }

  private static GzipHandler gzip(Handler context) {
    GzipHandler gzip = new GzipHandler(context);
    gzip.setMinGzipSize(MIN_GZIP_BYTES);
    gzip.setIncludedMethods("GET", "POST");
    return gzip;
  }

  /**
   * CORS for browser apps on any origin (the API is read-only and takes no cookies): simple and
   * preflight requests, the FHIR headers clients send, and the headers they need to read.
   */
  private static CrossOriginHandler crossOrigin(GzipHandler next) {
    CrossOriginHandler cors = new CrossOriginHandler();
    cors.setHandler(next);
    cors.setAllowedOriginPatterns(Set.of("*"));
    cors.setAllowedMethods(Set.of("GET", "HEAD", "POST", "OPTIONS"));
    cors.setAllowedHeaders(
        Set.of(
            "Accept",
            "Accept-Encoding",
            "Authorization",
            "Content-Type",
            "If-Modified-Since",
            "If-None-Match",
            "Prefer",
            "X-Requested-With",
            "X-Request-ID"));
    cors.setExposedHeaders(
        Set.of(
            "Content-Location",
            "ETag",
            "Last-Modified",
            "Location",
            "X-Request-ID",
            "X-Correlation-ID"));
    cors.setAllowCredentials(false);
    cors.setPreflightMaxAge(Duration.ofHours(1));
    return cors;
  }
}
