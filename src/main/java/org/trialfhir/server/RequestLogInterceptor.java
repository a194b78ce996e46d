package org.trialfhir.server;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per FHIR request: method, interaction, resource type, id (reads), the names (never
 * the values) of the parameters, status, entry counts and time. Parameter values may be derived
 * from a patient (a condition, an age), so they are never logged.
 */
@Interceptor
final class RequestLogInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger("org.trialfhir.server.requests");
  private static final String ENTRIES = RequestLogInterceptor.class.getName() + ".entries";

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public void count(RequestDetails request, IBaseResource response) {
    if (response instanceof Bundle bundle) {
      long matches =
          bundle.getEntry().stream()
              .filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH)
              .count();
      request
          .getUserData()
          .put(
              ENTRIES,
              "entries="
                  + bundle.getEntry().size()
                  + " matches="
                  + matches
                  + (bundle.hasTotal() ? " total=" + bundle.getTotal() : ""));
    }
  }

  @Hook(Pointcut.SERVER_PROCESSING_COMPLETED)
  public void log(RequestDetails request, ServletRequestDetails servlet) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    int status = servlet == null ? 0 : servlet.getServletResponse().getStatus();
    StringBuilder line = new StringBuilder();
    line.append(request.getRequestType()).append(' ');
    line.append(
        request.getRestOperationType() == null ? "-" : request.getRestOperationType().getCode());
    if (request.getResourceName() != null) {
      line.append(' ').append(request.getResourceName());
    }
    if (request.getId() != null && request.getId().hasIdPart()) {
      line.append('/').append(request.getId().getIdPart());
    }
    if (!request.getParameters().isEmpty()) {
      TreeSet<String> names = new TreeSet<>();
      for (String name : request.getParameters().keySet()) {
        names.add(name.length() > 40 ? name.substring(0, 40) + "…" : name);
      }
      line.append(" params=").append(names);
    }
    line.append(" → ").append(status);
    Object entries = request.getUserData().get(ENTRIES);
    if (entries != null) {
      line.append(' ').append(entries);
    }
    line.append(' ').append(request.getRequestStopwatch().getMillis()).append(" ms");
    line.append(" req=").append(request.getRequestId());
    LOG.info(line.toString());
  }
}
