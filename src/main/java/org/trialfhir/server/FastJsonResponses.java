package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.api.server.IRestfulResponse;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.ETagSupportEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.interceptor.InterceptorOrders;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.util.DateUtils;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.hl7.fhir.instance.model.api.IBaseBinary;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.json.FhirJsonEncoder;
import org.trialfhir.search.StoredJson;

/**
 * Writes JSON answers to reads, searches and paging requests with {@link FhirJsonEncoder} instead
 * of HAPI's parser: the same bytes and the same headers as HAPI's {@code
 * RestfulServerUtils.streamResponseAsResource}, for a fraction of the CPU. A searchset page is
 * written by splicing each entry's JSON into the Bundle's own encoding.
 *
 * <p>It only takes a response where that is provably HAPI's output: JSON, HAPI's default parser
 * options but {@code _pretty} (no {@code _summary} other than {@code false}, no {@code _elements},
 * no {@code _count=0}), no gzip by HAPI, no ETags by HAPI, no other writer hooks. Everything else
 * (XML, the HTML view, which answers before this hook, summaries, elements, operations, errors) is
 * left to HAPI. Registered last on {@code SERVER_OUTGOING_RESPONSE}, after every hook that changes
 * or answers the response itself.
 *
 * <p>Where it will write the answer ({@link #writesUnparsed}), the providers ask the store for its
 * stored JSON unparsed ({@link StoredJson}), which is written as it is: nothing is parsed or
 * encoded but the Bundle's envelope. Should the answer go to HAPI's writer after all, the unparsed
 * resources are parsed just before the first hook that could write it ({@link
 * #parseUnlessWritten}).
 */
@Interceptor
final class FastJsonResponses {
  /** The system property that turns the fast path off ({@code false}); on by default. */
  static final String PROPERTY = "trialfhir.server.fast-json";

  /** After HAPI's response highlighter (HTML view), the last hook that may answer instead. */
  static final int ORDER = InterceptorOrders.RESPONSE_HIGHLIGHTER_INTERCEPTOR + 1000;

  /** Just before HAPI's response highlighter, after the hooks that annotate the answer. */
  static final int PARSE_ORDER = InterceptorOrders.RESPONSE_HIGHLIGHTER_INTERCEPTOR - 1;

  private static final Set<RestOperationTypeEnum> OPERATIONS =
      Set.of(
          RestOperationTypeEnum.READ,
          RestOperationTypeEnum.SEARCH_TYPE,
          RestOperationTypeEnum.GET_PAGE);

  /** Written for each entry resource while the Bundle itself is encoded, then replaced. */
  private static final String SLOT_ID = "trialfhir-fastjson-slot";

  private static final byte[] SLOT =
      ("{\"resourceType\":\"Basic\",\"id\":\"" + SLOT_ID + "\"}").getBytes(StandardCharsets.UTF_8);

  /** Bytes per write: Jetty aggregates writes this small exactly as it does HAPI's writer. */
  private static final int WRITE_SLICE = 4096;

  /** Slices at least this long are written at once (Jetty sends them from the array itself). */
  private static final int DIRECT_WRITE = 64 * 1024;

  private final FhirJsonEncoder encoder;
  private final LongAdder fast = new LongAdder();
  private final LongAdder declined = new LongAdder();
  private final LongAdder unparsed = new LongAdder();

  FastJsonResponses(FhirJsonEncoder encoder) {
    this.encoder = encoder.withPrettyPrint(false);
  }

  /** Whether the fast path is on unless said otherwise: {@link #PROPERTY}, default true. */
  static boolean enabledByDefault() {
    return !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").strip());
  }

  /**
   * Whether the answer to this request will be written by a registered fast path with each
   * resource's JSON as the store holds it: a JSON answer that HAPI's writer would write in its
   * default configuration, compact, not to a browser (HAPI's HTML view answers those).
   */
  static boolean writesUnparsed(RequestDetails request) {
    return request instanceof ServletRequestDetails servlet
        && servlet.getServer() instanceof FhirRestServer server
        && server.fastJson() != null
        && takes(servlet)
        && !RestfulServerUtils.prettyPrintResponse(server, request)
        && !wantsHtml(servlet);
  }

  /** Whether HAPI's HTML view might answer: any mention of HTML in {@code _format} or Accept. */
  private static boolean wantsHtml(ServletRequestDetails request) {
    String[] formats = request.getParameters().get(Constants.PARAM_FORMAT);
    if (formats != null) {
      for (String format : formats) {
        if (format != null && format.toLowerCase(Locale.ROOT).contains("html")) {
          return true;
        }
      }
    }
    for (String accept : request.getHeaders(Constants.HEADER_ACCEPT)) {
      if (accept != null && accept.toLowerCase(Locale.ROOT).contains("html")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Parses the unparsed resources of an answer this fast path will not write, just before HAPI's
   * HTML view (the first hook that may write it) and after the hooks that annotate the Bundle.
   */
  @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = PARSE_ORDER)
  public void parseUnlessWritten(RequestDetails request, ResponseDetails details) {
    if (!writesUnparsed(request)
        || !(details.getResponseResource() instanceof Resource resource)
        || resource instanceof IBaseBinary) {
      parseAll(details);
    }
  }

  /**
   * Replaces every unparsed resource of the answer (itself or a Bundle entry) by the parsed one.
   */
  private static void parseAll(ResponseDetails details) {
    if (!(details.getResponseResource() instanceof Resource resource)) {
      return;
    }
    FhirContext fhir = FhirContext.forR4Cached();
    if (StoredJson.json(resource) != null) {
      details.setResponseResource(StoredJson.parsed(fhir, resource));
    } else if (resource instanceof Bundle bundle) {
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        if (StoredJson.json(entry.getResource()) != null) {
          entry.setResource(StoredJson.parsed(fhir, entry.getResource()));
        }
      }
    }
  }

  @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = ORDER)
  public boolean write(RequestDetails request, ResponseDetails details) throws IOException {
    if (!(request instanceof ServletRequestDetails servlet)
        || !(details.getResponseResource() instanceof Resource resource)
        || !takes(servlet, resource)) {
      // Its unparsed resources, if any, were parsed by parseUnlessWritten.
      declined.increment();
      return true;
    }
    RestfulServer server = servlet.getServer();
    boolean pretty = RestfulServerUtils.prettyPrintResponse(server, request);
    FhirJsonEncoder json =
        encoder.withServerBaseUrl(request.getFhirServerBase()).withPrettyPrint(pretty);
    Body body;
    if (pretty) {
      // Pretty printing indents an entry by its depth: the stored compact JSON does not fit.
      parseAll(details);
      body = Body.of(json.encodeUtf8((Resource) details.getResponseResource()));
    } else if (resource instanceof Bundle bundle) {
      body = spliced(bundle, json);
      if (body == null) {
        declined.increment();
        parseAll(details);
        return true;
      }
    } else {
      body = Body.of(compact(resource, json));
    }
    send(servlet, resource, details.getResponseCode(), body);
    fast.increment();
    return false;
  }

  /**
   * The compact JSON of one resource: the stored JSON of an unparsed one as it is (stored compact,
   * with relative references, so whatever the server base), else encoded.
   */
  private byte[] compact(Resource resource, FhirJsonEncoder json) {
    byte[] stored = StoredJson.json(resource);
    if (stored != null) {
      unparsed.increment();
      return stored;
    }
    return json.encodeUtf8(resource);
  }

  /** Whether HAPI would write this response with a JSON parser in its default configuration. */
  private static boolean takes(ServletRequestDetails request, Resource resource) {
    return !(resource instanceof IBaseBinary) && takes(request);
  }

  /** Whether HAPI would write the answer to this request with a JSON parser in its defaults. */
  private static boolean takes(ServletRequestDetails request) {
    RestfulServer server = request.getServer();
    if (!OPERATIONS.contains(request.getRestOperationType())
        || request.isRespondGzip()
        || server.getETagSupport() == ETagSupportEnum.ENABLED
        || server.getInterceptorService().hasHooks(Pointcut.SERVER_OUTGOING_WRITER_CREATED)
        || encoding(request) != EncodingEnum.JSON
        || !RestfulServerUtils.determineSummaryMode(request).equals(Set.of(SummaryEnum.FALSE))) {
      return false;
    }
    for (Map.Entry<String, String[]> parameter : request.getParameters().entrySet()) {
      String name = parameter.getKey();
      String[] values = parameter.getValue();
      if (name.startsWith(Constants.PARAM_ELEMENTS)
          || name.equals(Constants.PARAM_COUNT)
              && values != null
              && values.length > 0
              && "0".equalsIgnoreCase(values[0])) {
        return false; // HAPI filters elements (_count=0: only total and type)
      }
    }
    return true;
  }

  private static EncodingEnum encoding(RequestDetails request) {
    RestfulServerUtils.ResponseEncoding encoding =
        RestfulServerUtils.determineResponseEncodingWithDefault(request);
    return encoding.getEncoding();
  }

  /**
   * The compact JSON of a Bundle with each entry's resource spliced in: the Bundle is encoded with
   * a placeholder in every entry (restored afterwards), whose JSON is then replaced by the entry's.
   * The pieces are not copied into one array (a page of studies with many sites weighs megabytes):
   * they are written one after the other. Null if a placeholder is not where it must be (then HAPI
   * writes the Bundle).
   */
  private Body spliced(Bundle bundle, FhirJsonEncoder json) {
    List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
    Resource[] resources = new Resource[entries.size()];
    byte[][] parts = new byte[entries.size()][];
    Basic slot = new Basic();
    slot.setId(SLOT_ID);
    byte[] envelope;
    try {
      for (int i = 0; i < resources.length; i++) {
        Bundle.BundleEntryComponent entry = entries.get(i);
        Resource resource = entry.getResource();
        resources[i] = resource;
        if (resource != null) {
          parts[i] = compact(resource, json);
          entry.setResource(slot);
        }
      }
      envelope = json.encodeUtf8(bundle);
    } finally {
      for (int i = 0; i < resources.length; i++) {
        if (resources[i] != null) {
          entries.get(i).setResource(resources[i]);
        }
      }
    }
    Body body = new Body(2 * parts.length + 1);
    int from = 0;
    for (byte[] part : parts) {
      if (part == null) {
        continue;
      }
      int at = indexOf(envelope, SLOT, from);
      if (at < 0) {
        return null;
      }
      body.add(envelope, from, at - from);
      body.add(part, 0, part.length);
      from = at + SLOT.length;
    }
    if (indexOf(envelope, SLOT, from) >= 0) {
      return null;
    }
    body.add(envelope, from, envelope.length - from);
    return body;
  }

  /** An answer's bytes as the slices of arrays it is written from, in order. */
  static final class Body {
    private final byte[][] arrays;
    private final int[] offsets;
    private final int[] lengths;
    private int size;

    Body(int capacity) {
      arrays = new byte[capacity][];
      offsets = new int[capacity];
      lengths = new int[capacity];
    }

    static Body of(byte[] bytes) {
      Body body = new Body(1);
      body.add(bytes, 0, bytes.length);
      return body;
    }

    void add(byte[] array, int offset, int length) {
      if (length > 0) {
        arrays[size] = array;
        offsets[size] = offset;
        lengths[size] = length;
        size++;
      }
    }

    /**
     * Writes the slices: small ones in pieces Jetty aggregates (as it does HAPI's writer), large
     * ones as they are, which Jetty sends without copying them into its buffer.
     */
    void writeTo(OutputStream out) throws IOException {
      for (int i = 0; i < size; i++) {
        int end = offsets[i] + lengths[i];
        if (lengths[i] >= DIRECT_WRITE) {
          out.write(arrays[i], offsets[i], lengths[i]);
          continue;
        }
        for (int at = offsets[i]; at < end; at += WRITE_SLICE) {
          out.write(arrays[i], at, Math.min(WRITE_SLICE, end - at));
        }
      }
    }
  }

  /**
   * The first occurrence of {@code pattern} at or after {@code from}. The placeholder cannot occur
   * inside a JSON string (its quotes would be escaped there), only as an entry's resource.
   */
  static int indexOf(byte[] data, byte[] pattern, int from) {
    byte first = pattern[0];
    outer:
    for (int i = from, last = data.length - pattern.length; i <= last; i++) {
      if (data[i] != first) {
        continue;
      }
      for (int j = 1; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * What {@code RestfulServerUtils.streamResponseAsResource} and {@code
   * ServletRestfulResponse.getResponseWriter} do for a JSON resource (Content-Location,
   * Last-Modified, HAPI's response headers, charset, status, content type), with the body written
   * as bytes.
   */
  private static void send(ServletRequestDetails request, Resource resource, int status, Body body)
      throws IOException {
    RestfulServer server = request.getServer();
    IRestfulResponse response = request.getResponse();
    if (request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE) {
      // HAPI's search binding alone leaves out Content-Location (reads and pages carry it).
      IIdType fullId =
          resource.getIdElement() == null
              ? null
              : RestfulServerUtils.fullyQualifyResourceIdOrReturnNull(
                  server, resource, request.getFhirServerBase(), resource.getIdElement());
      if (fullId != null) {
        if (request.getRequestType() == RequestTypeEnum.POST) {
          response.addHeader(Constants.HEADER_LOCATION, fullId.getValue());
        }
        response.addHeader(Constants.HEADER_CONTENT_LOCATION, fullId.getValue());
      }
    }
    IPrimitiveType<Date> lastUpdated = RestfulServerUtils.extractLastUpdatedFromResource(resource);
    if (lastUpdated != null && !lastUpdated.isEmpty()) {
      response.addHeader(
          Constants.HEADER_LAST_MODIFIED, DateUtils.formatDate(lastUpdated.getValue()));
    }
    String contentType =
        RestfulServerUtils.determineResponseEncodingWithDefault(request).getResourceContentType();

    HttpServletResponse http = request.getServletResponse();
    server.addHeadersToResponse(http);
    for (Map.Entry<String, List<String>> header : response.getHeaders().entrySet()) {
      String name = sanitized(header.getKey());
      boolean first = true;
      for (String value : header.getValue()) {
        if (first) {
          http.setHeader(name, sanitized(value));
          first = false;
        } else {
          http.addHeader(name, sanitized(value));
        }
      }
    }
    http.setCharacterEncoding(Constants.CHARSET_NAME_UTF8);
    http.setStatus(status);
    http.setContentType(contentType);
    try (OutputStream out = http.getOutputStream()) {
      body.writeTo(out);
      // HAPI's parser flushes its writer when done, which commits the response before it is
      // closed: never with a Content-Length, whatever the size. So does this.
      out.flush();
    }
  }

  /** As HAPI's {@code ServletRestfulResponse.sanitizeHeaderField}: no CR or LF. */
  private static String sanitized(String field) {
    return field == null ? null : field.replace("\r", "").replace("\n", "");
  }

  /** Responses written by this fast path so far. */
  long fastCount() {
    return fast.sum();
  }

  /** Resources written from their stored JSON so far (as the store holds it, unparsed). */
  long unparsedCount() {
    return unparsed.sum();
  }

  /** Responses left to HAPI so far. */
  long declinedCount() {
    return declined.sum();
  }
}
