package org.trialfhir.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trialfhir.search.TrialStore;

/**
 * {@code GET /health}: 200 {@code {"status":"UP","storeVersion":…,"startedAt":…}} when the store
 * answers, else 503 {@code {"status":"DOWN"}}. For load balancers and orchestrators; never cached.
 */
final class HealthServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(HealthServlet.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final transient TrialStore store;
  private final Instant startedAt;

  HealthServlet(TrialStore store, Instant startedAt) {
    this.store = store;
    this.startedAt = startedAt;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    int status;
    try {
      String version = store.version();
      body.put("status", "UP");
      body.put("storeVersion", version);
      status = HttpServletResponse.SC_OK;
    } catch (RuntimeException e) {
      LOG.error("health check: the store does not answer", e);
      body.put("status", "DOWN");
      status = HttpServletResponse.SC_SERVICE_UNAVAILABLE;
    }
    body.put("startedAt", startedAt.toString());
    response.setStatus(status);
    response.setHeader("Cache-Control", "no-store");
    response.setContentType(Media.JSON_UTF8);
    response.getOutputStream().write(JSON.writeValueAsBytes(body));
  }
}
