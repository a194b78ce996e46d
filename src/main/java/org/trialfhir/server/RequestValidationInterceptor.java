package org.trialfhir.server;

import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Closes the holes HAPI's plain server leaves in the parameters it applies itself: an unknown
 * {@code _format}, {@code _pretty}, {@code _summary} or {@code _elements} value, and any parameter
 * on a read, {@code metadata} or paging request, would otherwise be silently ignored. Each is a 400
 * naming it, or with {@code Prefer: handling=lenient} is dropped before HAPI sees it. Search
 * parameters are the search engine's business ({@link StoreResourceProvider}).
 */
@Interceptor
final class RequestValidationInterceptor {
  static final int MAX_COUNT = 500;

  private static final Set<String> FORMATS =
      Set.of(
          "json",
          "xml",
          "html",
          "html/json",
          "html/xml",
          "text/html",
          "application/fhir+json",
          "application/json+fhir",
          "application/json",
          "text/json",
          "application/fhir+xml",
          "application/xml+fhir",
          "application/xml",
          "text/xml");
  private static final Set<String> SUMMARY_READ = Set.of("true", "false", "text", "data");
  private static final Set<String> SUMMARY_SEARCH =
      Set.of("true", "false", "text", "data", "count");
  private static final Set<String> PAGING =
      Set.of(
          Constants.PARAM_PAGINGACTION,
          Constants.PARAM_PAGINGOFFSET,
          Constants.PARAM_COUNT,
          Constants.PARAM_BUNDLETYPE);

  private final FhirContext fhir;
  private final Set<String> trialTypes;

  RequestValidationInterceptor(FhirContext fhir, Set<String> trialTypes) {
    this.fhir = fhir;
    this.trialTypes = Set.copyOf(trialTypes);
  }

  private boolean isTrialSearch(RequestDetails request) {
    return trialTypes.contains(request.getResourceName());
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
  public void validate(RequestDetails request) {
    RestOperationTypeEnum operation = request.getRestOperationType();
    boolean lenient = RequestParameters.lenient(request);
    List<String> drop = new ArrayList<>();
    for (String name : List.copyOf(request.getParameters().keySet())) {
      try {
        check(request, operation, name);
      } catch (InvalidRequestException e) {
        if (!lenient) {
          throw e;
        }
        drop.add(name);
      }
    }
    drop.forEach(request::removeParameter);
  }

  private void check(RequestDetails request, RestOperationTypeEnum operation, String name) {
    String[] values = request.getParameters().get(name);
    switch (name) {
      case Constants.PARAM_FORMAT -> {
        single(name, values);
        String format = values[0].replace(' ', '+').split(";", 2)[0].strip();
        if (!FORMATS.contains(format.toLowerCase(Locale.ROOT))) {
          throw Outcomes.badParameter(
              name, "_format: unsupported value \"" + values[0] + "\" (use json, xml or html)");
        }
      }
      case Constants.PARAM_PRETTY -> {
        single(name, values);
        if (!values[0].equals("true") && !values[0].equals("false")) {
          throw Outcomes.badParameter(
              name, "_pretty: must be true or false, not \"" + values[0] + "\"");
        }
      }
      case Constants.PARAM_SUMMARY -> {
        if (operation == RestOperationTypeEnum.SEARCH_TYPE && isTrialSearch(request)) {
          return; // part of the query: the search engine validates it
        }
        single(name, values);
        Set<String> allowed = isSearch(operation) ? SUMMARY_SEARCH : SUMMARY_READ;
        if (!allowed.contains(values[0])) {
          throw Outcomes.badParameter(
              name,
              "_summary: unsupported value \"" + values[0] + "\" (one of " + sorted(allowed) + ")");
        }
      }
      case Constants.PARAM_ELEMENTS -> {
        if (!(operation == RestOperationTypeEnum.SEARCH_TYPE && isTrialSearch(request))) {
          checkElements(request, values);
        }
      }
      default -> checkOther(request, operation, name, values);
    }
  }

  private void checkOther(
      RequestDetails request, RestOperationTypeEnum operation, String name, String[] values) {
    if (operation == null || isSearch(operation) && operation != RestOperationTypeEnum.GET_PAGE) {
      return; // the search engine owns search parameters
    }
    if (operation == RestOperationTypeEnum.GET_PAGE && PAGING.contains(name)) {
      single(name, values);
      if (name.equals(Constants.PARAM_PAGINGOFFSET)) {
        nonNegative(name, values[0], Integer.MAX_VALUE);
      } else if (name.equals(Constants.PARAM_COUNT)) {
        nonNegative(name, values[0], MAX_COUNT);
      } else if (name.equals(Constants.PARAM_BUNDLETYPE) && !values[0].equals("searchset")) {
        throw Outcomes.badParameter(name, "_bundletype: only searchset pages exist");
      }
      return;
    }
    throw Outcomes.badParameter(
        name, "parameter \"" + name + "\" is not supported on this interaction");
  }

  private void checkElements(RequestDetails request, String[] values) {
    String type = request.getResourceName();
    BaseRuntimeElementCompositeDefinition<?> definition =
        type == null || !fhir.getResourceTypes().contains(type)
            ? null
            : fhir.getResourceDefinition(type);
    for (String value : values) {
      for (String element : value.split(",")) {
        String name = element.strip();
        if (definition != null && name.startsWith(type + ".")) {
          name = name.substring(type.length() + 1);
        }
        if (name.isEmpty()
            || name.contains(".")
            || definition != null
                && definition.getChildByName(name) == null
                && !isChoice(definition, name)) {
          throw Outcomes.badParameter(
              Constants.PARAM_ELEMENTS,
              "_elements: \""
                  + element.strip()
                  + "\" is not an element of "
                  + (type == null ? "the resource" : type));
        }
      }
    }
  }

  /** {@code value} for a choice element {@code value[x]}. */
  private static boolean isChoice(
      BaseRuntimeElementCompositeDefinition<?> definition, String name) {
    return definition.getChildByName(name + "[x]") != null;
  }

  private static boolean isSearch(RestOperationTypeEnum operation) {
    return operation == RestOperationTypeEnum.SEARCH_TYPE
        || operation == RestOperationTypeEnum.SEARCH_SYSTEM
        || operation == RestOperationTypeEnum.GET_PAGE;
  }

  private static void single(String name, String[] values) {
    if (values.length != 1) {
      throw Outcomes.badParameter(name, name + ": give it once, not " + values.length + " times");
    }
  }

  static int nonNegative(String name, String value, int max) {
    int number;
    try {
      number = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw Outcomes.badParameter(name, name + ": not a whole number: \"" + value + "\"");
    }
    if (number < 0 || number > max) {
      throw Outcomes.badParameter(name, name + ": must be 0 to " + max + ", not " + number);
    }
    return number;
  }

  private static String sorted(Set<String> values) {
    return String.join(", ", values.stream().sorted().toList());
  }
}
