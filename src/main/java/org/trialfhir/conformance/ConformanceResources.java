package org.trialfhir.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.CodeSystemContentMode;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.ElementDefinition.DiscriminatorType;
import org.hl7.fhir.r4.model.ElementDefinition.SlicingRules;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Enumerations.BindingStrength;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.StructureDefinition.ExtensionContextType;
import org.hl7.fhir.r4.model.StructureDefinition.StructureDefinitionKind;
import org.hl7.fhir.r4.model.StructureDefinition.TypeDerivationRule;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.trialfhir.ctgov.CtgovVocabulary;
import org.trialfhir.mapping.Canonical;
import org.trialfhir.mapping.LocalCode;
import org.trialfhir.mapping.TrialExtension;
import org.trialfhir.mapping.TrialProfile;
import org.trialfhir.search.ParamType;
import org.trialfhir.search.SearchParam;
import org.trialfhir.search.SearchParameters;

/**
 * Generates our FHIR R4 conformance resources from the enums that the mapping uses ({@link
 * TrialExtension}, {@link TrialProfile}, {@link CtgovVocabulary}, {@link LocalCode}), and reads the
 * published copies back from the classpath.
 *
 * <p>{@code profiles/} at the repository root holds the generated resources as {@code
 * <Type>-<id>.json}, a {@code README.md} and an {@code index.txt}, all produced by {@link
 * #publishedFiles} and kept equal to it by {@code ConformanceResourcesTest}. Files whose names
 * start with {@code OperationDefinition-} are written by hand; the README and the index list them
 * too. The build copies {@code profiles/} into the jar under the same name, and {@link
 * #loadPublished()} reads every file the index names, so the server serves exactly what is
 * published (hand-written files included) without needing the checkout.
 *
 * <p>Output is deterministic: no dates, versions or anything else that changes per run.
 */
public final class ConformanceResources {
  /** The folder at the repository root, and the classpath folder in the jar. */
  public static final String DIRECTORY = "profiles";

  /** The generated list of every published JSON file, one file name a line. */
  public static final String INDEX = "index.txt";

  public static final String README = "README.md";

  private static final String CORE = "http://hl7.org/fhir/StructureDefinition/";
  private static final String PUBLISHER = "TrialFHIR";
  private static final List<String> HAND_WRITTEN_PREFIXES = List.of("OperationDefinition-");

  private ConformanceResources() {}

  /**
   * Every generated resource, in a fixed order: profiles, extensions, each code system followed by
   * its value set, then the SearchParameters of our own search parameters.
   */
  public static List<MetadataResource> generate() {
    List<MetadataResource> all = new ArrayList<>();
    for (TrialProfile profile : TrialProfile.values()) {
      all.add(profile(profile));
    }
    for (TrialExtension extension : TrialExtension.values()) {
      all.add(extension(extension));
    }
    for (CtgovVocabulary vocabulary : CtgovVocabulary.values()) {
      all.add(codeSystem(vocabulary));
      all.add(valueSet(vocabulary.id(), vocabulary.title()));
    }
    for (LocalCode local : LocalCode.values()) {
      all.add(codeSystem(local));
      all.add(valueSet(local.id(), local.title()));
    }
    for (SearchParam param : SearchParameters.custom()) {
      all.add(searchParameter(param));
    }
    return all;
  }

  /**
   * The SearchParameter resource of one of our own search parameters, from the registry: url, code,
   * base, type, FHIRPath expression, modifiers and (for the quantity) comparators; {@code near} is
   * published in the style of R4's Location-near ({@code xpathUsage} nearby).
   */
  public static SearchParameter searchParameter(SearchParam param) {
    if (!param.custom()) {
      throw new IllegalArgumentException(param.code() + " is an R4 core parameter");
    }
    SearchParameter sp = new SearchParameter();
    sp.setId(param.code());
    sp.setUrl(param.definition());
    sp.setName(pascalCase(param.code()));
    sp.setStatus(PublicationStatus.ACTIVE);
    sp.setExperimental(false);
    sp.setPublisher(PUBLISHER);
    sp.setDescription(param.description());
    sp.setCode(param.code());
    sp.addBase(param.base());
    sp.setType(Enumerations.SearchParamType.fromCode(param.type().code()));
    sp.setExpression(param.expression());
    sp.setXpathUsage(
        param.type() == ParamType.SPECIAL
            ? SearchParameter.XPathUsageType.NEARBY
            : SearchParameter.XPathUsageType.NORMAL);
    param.targets().forEach(sp::addTarget);
    sp.setMultipleOr(true);
    sp.setMultipleAnd(true);
    if (param.type() == ParamType.QUANTITY) {
      for (SearchParameter.SearchComparator comparator :
          List.of(
              SearchParameter.SearchComparator.EQ,
              SearchParameter.SearchComparator.NE,
              SearchParameter.SearchComparator.GT,
              SearchParameter.SearchComparator.LT,
              SearchParameter.SearchComparator.GE,
              SearchParameter.SearchComparator.LE,
              SearchParameter.SearchComparator.SA,
              SearchParameter.SearchComparator.EB,
              SearchParameter.SearchComparator.AP)) {
        sp.addComparator(comparator);
      }
    }
    param.modifiers().stream()
        .sorted()
        .forEach(m -> sp.addModifier(SearchParameter.SearchModifierCode.fromCode(m.code())));
    return sp;
  }

  /** The StructureDefinition of one of our extensions (differential only). */
  public static StructureDefinition extension(TrialExtension extension) {
    StructureDefinition sd =
        structureDefinition(
            extension.id(), extension.url(), extension.title(), extension.description());
    sd.setKind(StructureDefinitionKind.COMPLEXTYPE);
    for (String context : extension.contexts()) {
      sd.addContext().setType(ExtensionContextType.ELEMENT).setExpression(context);
    }
    sd.setType("Extension");
    sd.setBaseDefinition(CORE + "Extension");
    sd.setDerivation(TypeDerivationRule.CONSTRAINT);

    List<ElementDefinition> elements = sd.getDifferential().getElement();
    elements.add(
        element("Extension").setShort(extension.title()).setDefinition(extension.description()));
    if (extension.isComplex()) {
      ElementDefinition parts = element("Extension.extension");
      parts.getSlicing().addDiscriminator().setType(DiscriminatorType.VALUE).setPath("url");
      parts.getSlicing().setOrdered(false).setRules(SlicingRules.CLOSED);
      elements.add(parts);
      for (TrialExtension.Part part : extension.parts()) {
        String slice = "Extension.extension:" + part.name();
        elements.add(
            element(slice, "Extension.extension")
                .setSliceName(part.name())
                .setShort(part.name())
                .setMin(part.min())
                .setMax(part.repeats() ? "*" : "1"));
        elements.add(element(slice + ".extension", "Extension.extension.extension").setMax("0"));
        elements.add(
            element(slice + ".url", "Extension.extension.url").setFixed(new UriType(part.name())));
        elements.add(value(slice + ".value[x]", "Extension.extension.value[x]", part.value()));
      }
      elements.add(element("Extension.url").setFixed(new UriType(extension.url())));
      elements.add(element("Extension.value[x]").setMax("0"));
    } else {
      elements.add(element("Extension.extension").setMax("0"));
      elements.add(element("Extension.url").setFixed(new UriType(extension.url())));
      elements.add(value("Extension.value[x]", "Extension.value[x]", extension.value()));
    }
    return sd;
  }

  /** The StructureDefinition of one of our resource profiles (differential only). */
  public static StructureDefinition profile(TrialProfile profile) {
    String type = profile.type();
    StructureDefinition sd =
        structureDefinition(
            profile.id(), profile.url(), "TrialFHIR " + type, profile.description());
    sd.setKind(StructureDefinitionKind.RESOURCE);
    sd.setType(type);
    sd.setBaseDefinition(CORE + type);
    sd.setDerivation(TypeDerivationRule.CONSTRAINT);

    List<ElementDefinition> elements = sd.getDifferential().getElement();
    elements.add(element(type).setShort(sd.getTitle()).setDefinition(profile.description()));
    switch (profile) {
      case RESEARCH_STUDY -> {
        elements.add(
            element("ResearchStudy.identifier")
                .setMin(1)
                .setShort("The NCT id (official), then the org study id and secondary ids"));
        elements.add(element("ResearchStudy.title").setMin(1).setShort("The brief title"));
        ElementDefinition enrollment =
            element("ResearchStudy.enrollment")
                .setMax("1")
                .setShort("The eligibility Group of the study");
        enrollment
            .addType()
            .setCode("Reference")
            .addTargetProfile(TrialProfile.ELIGIBILITY_GROUP.url());
        elements.add(enrollment);
      }
      case ELIGIBILITY_GROUP -> {
        elements.add(element("Group.type").setFixed(new CodeType("person")));
        elements.add(
            element("Group.actual")
                .setFixed(new BooleanType(false))
                .setShort("A definition of who may enrol, not a list of members"));
      }
      case ARM_PLAN -> {
        CodeableConcept clinicalProtocol = new CodeableConcept();
        clinicalProtocol
            .addCoding()
            .setSystem(Canonical.PLAN_DEFINITION_TYPE)
            .setCode("clinical-protocol");
        elements.add(element("PlanDefinition.type").setMin(1).setPattern(clinicalProtocol));
      }
      case SITE_LOCATION -> elements.add(element("Location.name").setMin(1));
      case ORGANIZATION -> elements.add(element("Organization.name").setMin(1));
      case PRACTITIONER -> elements.add(element("Practitioner.name").setMin(1));
    }
    return sd;
  }

  /** The CodeSystem of a ClinicalTrials.gov enumeration. */
  public static CodeSystem codeSystem(CtgovVocabulary vocabulary) {
    CodeSystem cs =
        codeSystemHeader(
            vocabulary.id(),
            vocabulary.title(),
            "The values of the ClinicalTrials.gov API v2 field `"
                + vocabulary.field()
                + "`, with the registry's display texts.");
    for (CtgovVocabulary.Code code : vocabulary.codes()) {
      cs.addConcept()
          .setCode(code.code())
          .setDisplay(code.display())
          .setDefinition(
              code.display()
                  + " (ClinicalTrials.gov "
                  + code.code()
                  + ", from "
                  + vocabulary.field()
                  + ").");
    }
    return cs.setCount(cs.getConcept().size());
  }

  /** The CodeSystem of one of our own code lists. */
  public static CodeSystem codeSystem(LocalCode local) {
    CodeSystem cs = codeSystemHeader(local.id(), local.title(), local.title() + ".");
    for (LocalCode.Code code : local.codes()) {
      cs.addConcept()
          .setCode(code.code())
          .setDisplay(code.display())
          .setDefinition(code.definition());
    }
    return cs.setCount(cs.getConcept().size());
  }

  /** The ValueSet of every code of the code system with the same id. */
  public static ValueSet valueSet(String id, String title) {
    ValueSet vs = new ValueSet();
    vs.setId(id);
    vs.setUrl(Canonical.valueSet(id));
    vs.setName(pascalCase(id));
    vs.setTitle(title);
    vs.setStatus(PublicationStatus.ACTIVE);
    vs.setExperimental(false);
    vs.setPublisher(PUBLISHER);
    vs.setDescription("All codes of the code system " + Canonical.codeSystem(id) + ".");
    vs.getCompose().addInclude().setSystem(Canonical.codeSystem(id));
    return vs;
  }

  /** {@code <Type>-<id>.json}. */
  public static String fileName(IBaseResource resource) {
    return resource.fhirType() + "-" + resource.getIdElement().getIdPart() + ".json";
  }

  /** True for files in {@code profiles/} that are written by hand, not generated. */
  public static boolean isHandWritten(String fileName) {
    return HAND_WRITTEN_PREFIXES.stream().anyMatch(fileName::startsWith);
  }

  /** Pretty-printed JSON with a final newline, exactly as published. */
  public static String toJson(IBaseResource resource) {
    return fhirContext().newJsonParser().setPrettyPrint(true).encodeResourceToString(resource)
        + "\n";
  }

  /**
   * Every generated file of {@code profiles/}: file name to content, sorted by name. The README and
   * the index also list the hand-written resources given (their files are not included).
   */
  public static SortedMap<String, String> publishedFiles(
      Collection<? extends MetadataResource> handWritten) {
    SortedMap<String, String> files = new TreeMap<>();
    SortedMap<String, String> purposes = new TreeMap<>();
    for (MetadataResource resource : generate()) {
      files.put(fileName(resource), toJson(resource));
      purposes.put(fileName(resource), purpose(resource));
    }
    for (MetadataResource resource : handWritten) {
      purposes.put(fileName(resource), purpose(resource));
    }
    files.put(
        INDEX, purposes.keySet().stream().map(name -> name + "\n").collect(Collectors.joining()));
    files.put(README, readme(purposes));
    return files;
  }

  /**
   * Reads every resource that {@code profiles/index.txt} names from the classpath (the jar carries
   * {@code profiles/}), in index order.
   *
   * @throws IllegalStateException if the index or a file it names is missing or unreadable
   */
  public static List<MetadataResource> loadPublished() {
    ClassLoader loader = ConformanceResources.class.getClassLoader();
    List<MetadataResource> resources = new ArrayList<>();
    for (String line : readClasspath(loader, INDEX).split("\n")) {
      String name = line.strip();
      if (name.isEmpty()) {
        continue;
      }
      try {
        IBaseResource parsed =
            fhirContext().newJsonParser().parseResource(readClasspath(loader, name));
        resources.add((MetadataResource) parsed);
      } catch (DataFormatException | ClassCastException e) {
        throw new IllegalStateException(
            DIRECTORY + "/" + name + " is not a FHIR R4 conformance resource", e);
      }
    }
    return resources;
  }

  static FhirContext fhirContext() {
    return FhirContext.forR4Cached();
  }

  private static String readClasspath(ClassLoader loader, String name) {
    String path = DIRECTORY + "/" + name;
    try (InputStream in = loader.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(path, e);
    }
  }

  private static String readme(Map<String, String> purposes) {
    StringBuilder out = new StringBuilder();
    out.append("# TrialFHIR conformance resources (FHIR R4)\n\n");
    out.append(
        "Generated from the enums `TrialProfile`, `TrialExtension`, `LocalCode` (package"
            + " `org.trialfhir.mapping`) and `CtgovVocabulary` (package `org.trialfhir.ctgov`) by"
            + " `org.trialfhir.conformance.ConformanceResources`; do not edit them here. Files"
            + " named `OperationDefinition-*` are written by hand; the `SearchParameter-*` files"
            + " are generated from the search parameter registry (`SearchParameters`, package"
            + " `org.trialfhir.search`)."
            + " `ConformanceResourcesTest` fails when this folder differs from what the enums"
            + " give; `mvn test -Dtest=ConformanceResourcesTest -Dtrialfhir.update=true` rewrites"
            + " it for review. The build packs this folder into the jar as `profiles/`, where"
            + " the server reads the files that `index.txt` lists.\n\n");
    out.append("- `").append(README).append("`: this list.\n");
    out.append("- `")
        .append(INDEX)
        .append("`: the names of the JSON files below, one a line, read at run time from the")
        .append(" classpath.\n");
    purposes.forEach(
        (name, purpose) ->
            out.append("- `").append(name).append("`: ").append(purpose).append('\n'));
    return out.toString();
  }

  /** One line saying what a published resource is for. */
  private static String purpose(MetadataResource resource) {
    if (resource instanceof SearchParameter sp) {
      return "search parameter `"
          + sp.getCode()
          + "` ("
          + sp.getType().toCode()
          + ") on "
          + sp.getBase().stream().map(CodeType::getValue).collect(Collectors.joining(", "))
          + ": "
          + oneLine(sp.getDescription());
    }
    if (resource instanceof StructureDefinition sd && "Extension".equals(sd.getType())) {
      String contexts =
          sd.getContext().stream()
              .map(StructureDefinition.StructureDefinitionContextComponent::getExpression)
              .collect(Collectors.joining(", "));
      return "extension on " + contexts + ": " + oneLine(sd.getDescription());
    }
    if (resource instanceof StructureDefinition sd) {
      return "profile of " + sd.getType() + ": " + oneLine(sd.getDescription());
    }
    if (resource instanceof CodeSystem cs && cs.getUrl().startsWith(Canonical.BASE)) {
      String id = cs.getIdElement().getIdPart();
      String field =
          Stream.of(CtgovVocabulary.values())
              .filter(v -> v.id().equals(id))
              .map(v -> ", the values of `" + v.field() + "`")
              .findFirst()
              .orElse("");
      return "code system: " + oneLine(cs.getTitle()) + field + ".";
    }
    if (resource instanceof ValueSet vs && vs.getUrl().startsWith(Canonical.BASE)) {
      String id = vs.getIdElement().getIdPart();
      String users =
          Stream.of(TrialExtension.values())
              .filter(e -> bindsTo(e, id))
              .map(TrialExtension::id)
              .collect(Collectors.joining(", "));
      return "value set of all codes of `CodeSystem-"
          + id
          + ".json`"
          + (users.isEmpty() ? "." : "; bound (required) by the extension(s) " + users + ".");
    }
    String text =
        resource.hasDescription()
            ? resource.getDescription()
            : resource.hasTitle() ? resource.getTitle() : resource.getName();
    return resource.fhirType() + ": " + oneLine(text);
  }

  private static boolean bindsTo(TrialExtension extension, String codeSystemId) {
    Stream<TrialExtension.Value> values =
        extension.isComplex()
            ? extension.parts().stream().map(TrialExtension.Part::value)
            : Stream.of(extension.value());
    return values.anyMatch(v -> codeSystemId.equals(v.valueSet()));
  }

  private static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    String first = text.strip().lines().findFirst().orElse("");
    return first.replaceAll("\\s+", " ");
  }

  private static StructureDefinition structureDefinition(
      String id, String url, String title, String description) {
    StructureDefinition sd = new StructureDefinition();
    sd.setId(id);
    sd.setUrl(url);
    sd.setName(pascalCase(id));
    sd.setTitle(title);
    sd.setStatus(PublicationStatus.ACTIVE);
    sd.setExperimental(false);
    sd.setPublisher(PUBLISHER);
    sd.setDescription(description);
    sd.setFhirVersion(FHIRVersion._4_0_1);
    sd.setAbstract(false);
    return sd;
  }

  private static CodeSystem codeSystemHeader(String id, String title, String description) {
    CodeSystem cs = new CodeSystem();
    cs.setId(id);
    cs.setUrl(Canonical.codeSystem(id));
    cs.setName(pascalCase(id));
    cs.setTitle(title);
    cs.setStatus(PublicationStatus.ACTIVE);
    cs.setExperimental(false);
    cs.setPublisher(PUBLISHER);
    cs.setDescription(description);
    cs.setCaseSensitive(true);
    cs.setValueSet(Canonical.valueSet(id));
    cs.setContent(CodeSystemContentMode.COMPLETE);
    return cs;
  }

  private static ElementDefinition element(String path) {
    return element(path, path);
  }

  private static ElementDefinition element(String id, String path) {
    ElementDefinition element = new ElementDefinition();
    element.setId(id);
    element.setPath(path);
    return element;
  }

  /** The value[x] element of a simple extension or of one part: required, one type. */
  private static ElementDefinition value(String id, String path, TrialExtension.Value value) {
    ElementDefinition element = element(id, path).setMin(1);
    ElementDefinition.TypeRefComponent type = element.addType().setCode(value.type());
    if (value.targetType() != null) {
      type.addTargetProfile(CORE + value.targetType());
    }
    if (value.valueSet() != null) {
      element
          .getBinding()
          .setStrength(BindingStrength.REQUIRED)
          .setValueSet(Canonical.valueSet(value.valueSet()));
    }
    return element;
  }

  /** {@code ctgov-overall-status} → {@code CtgovOverallStatus}. */
  static String pascalCase(String id) {
    StringBuilder out = new StringBuilder();
    for (String word : id.split("[^A-Za-z0-9]+")) {
      if (!word.isEmpty()) {
        out.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
      }
    }
    return out.toString();
  }
}
