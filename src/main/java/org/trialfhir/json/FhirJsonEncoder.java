package org.trialfhir.json;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.context.api.AddProfileTagEnum;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;
import org.trialfhir.json.ModelTables.ChildType;
import org.trialfhir.json.ModelTables.Composite;
import org.trialfhir.json.ModelTables.Slot;

/**
 * Encodes HAPI R4 resources to FHIR JSON byte for byte as HAPI's own JSON parser does ({@code
 * context.newJsonParser().encodeResourceToString(resource)}, compact or pretty), at a fraction of
 * its cost: per-class child tables computed once from HAPI's runtime model, direct field reads, no
 * per-element bookkeeping, and a reusable UTF-8 buffer per thread.
 *
 * <p>A resource that uses something this encoder does not write itself (contained resources,
 * references HAPI would rewrite, extensions HAPI would report as invalid, custom model classes, a
 * context with a narrative generator or that adds profile tags, a lone surrogate in a string, …) is
 * encoded by HAPI instead, so the output is always HAPI's; {@link #fallbackCount()} counts those
 * resources. Summary and element filtering ({@code _summary}, {@code _elements}) are HAPI parser
 * options and are not offered here. Unlike HAPI's parser, the encoder never changes the resource it
 * encodes.
 *
 * <p>Thread-safe; build one per FhirContext and share it.
 */
public final class FhirJsonEncoder {
  private static final byte[] RESOURCE_TYPE = ModelTables.quoted("resourceType");
  private static final byte[] ID = ModelTables.quoted("id");
  private static final byte[] UNDERSCORE_ID = ModelTables.quoted("_id");
  private static final byte[] URL = ModelTables.quoted("url");
  private static final byte[] EXTENSION = ModelTables.quoted("extension");
  private static final byte[] MODIFIER_EXTENSION = ModelTables.quoted("modifierExtension");

  private static final ThreadLocal<JsonBuffer> BUFFERS = ThreadLocal.withInitial(JsonBuffer::new);

  private final ModelTables tables;
  private final FhirVersionEnum version;
  private final boolean pretty;
  private final String serverBaseUrl;
  private final LongAdder fallbacks;

  /** A compact encoder for the resources of this (R4) context. */
  public FhirJsonEncoder(FhirContext context) {
    this(
        new ModelTables(Objects.requireNonNull(context, "context")),
        context.getVersion().getVersion(),
        false,
        null,
        new LongAdder());
  }

  private FhirJsonEncoder(
      ModelTables tables,
      FhirVersionEnum version,
      boolean pretty,
      String serverBaseUrl,
      LongAdder fallbacks) {
    if (version != FhirVersionEnum.R4) {
      throw new IllegalArgumentException("FhirJsonEncoder encodes R4 resources, not " + version);
    }
    this.tables = tables;
    this.version = version;
    this.pretty = pretty;
    this.serverBaseUrl = serverBaseUrl;
    this.fallbacks = fallbacks;
  }

  /**
   * This encoder, pretty-printing as HAPI's {@code setPrettyPrint(true)} does or compact; both
   * share the class tables and the fallback count.
   */
  public FhirJsonEncoder withPrettyPrint(boolean prettyPrint) {
    return prettyPrint == pretty
        ? this
        : new FhirJsonEncoder(tables, version, prettyPrint, serverBaseUrl, fallbacks);
  }

  /**
   * This encoder, writing as HAPI's parser does after {@code setServerBaseUrl(url)} (as a HAPI
   * server configures it for every response): absolute references on that base become relative, and
   * relative extension URLs get the base. Resources where that changes anything are encoded by HAPI
   * (with the base set), so the output is HAPI's either way. Null or blank: no base.
   */
  public FhirJsonEncoder withServerBaseUrl(String url) {
    String base = isBlank(url) ? null : url;
    return Objects.equals(base, serverBaseUrl)
        ? this
        : new FhirJsonEncoder(tables, version, pretty, base, fallbacks);
  }

  /** The base set by {@link #withServerBaseUrl}, or null. */
  public String serverBaseUrl() {
    return serverBaseUrl;
  }

  public boolean isPrettyPrint() {
    return pretty;
  }

  /** The JSON of a resource, as HAPI's {@code encodeResourceToString} writes it. */
  public String encode(IBaseResource resource) {
    JsonBuffer buffer = BUFFERS.get();
    if (write(resource, buffer)) {
      return buffer.toString();
    }
    return hapi(resource);
  }

  /** The JSON of a resource in UTF-8. */
  public byte[] encodeUtf8(IBaseResource resource) {
    JsonBuffer buffer = BUFFERS.get();
    if (write(resource, buffer)) {
      return buffer.toByteArray();
    }
    return hapi(resource).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Writes the JSON of a resource to a stream in UTF-8 (the stream is neither flushed nor closed).
   */
  public void encode(IBaseResource resource, OutputStream out) throws IOException {
    JsonBuffer buffer = BUFFERS.get();
    if (write(resource, buffer)) {
      out.write(buffer.array(), 0, buffer.size());
    } else {
      out.write(hapi(resource).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Writes the JSON of a resource to a writer (which is neither flushed nor closed). */
  public void encode(IBaseResource resource, Writer out) throws IOException {
    out.write(encode(resource));
  }

  /** How many resources were handed to HAPI's parser because they use something unsupported. */
  public long fallbackCount() {
    return fallbacks.sum();
  }

  /** HAPI's encoding of a resource this encoder does not write itself. */
  private String hapi(IBaseResource resource) {
    fallbacks.increment();
    return tables
        .context()
        .newJsonParser()
        .setPrettyPrint(pretty)
        .setServerBaseUrl(serverBaseUrl)
        .encodeResourceToString(resource);
  }

  /** Writes the resource into the buffer; false if HAPI must encode it instead. */
  private boolean write(IBaseResource resource, JsonBuffer out) {
    Objects.requireNonNull(resource, "resource");
    out.reset(pretty);
    FhirContext context = tables.context();
    if (context.getNarrativeGenerator() != null
        || context.getAddProfileTagWhenEncoding() == AddProfileTagEnum.ALWAYS) {
      return false;
    }
    try {
      resource(resource, null, out);
      return true;
    } catch (RuntimeException e) {
      // Unsupported, or a model HAPI itself would fail on: HAPI encodes it (or fails) instead.
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Resources

  /**
   * A resource: resourceType, id, then its children. Returns false (and writes nothing) if it is an
   * empty resource under a name, which HAPI skips.
   */
  private boolean resource(IBaseResource value, byte[] name, JsonBuffer out) {
    if (!(value instanceof Resource resource) || value.getStructureFhirVersionEnum() != version) {
      throw Unsupported.INSTANCE;
    }
    Composite table = tables.composite(resource);
    if (!table.supported || table.resourceName == null) {
      throw Unsupported.INSTANCE;
    }
    if (table.containedField != null
        && ModelTables.read(table.containedField, resource) instanceof List<?> contained
        && !contained.isEmpty()) {
      throw Unsupported.INSTANCE;
    }
    // hasIdElement first: getIdElement would create an id on a resource that has none.
    IdType id = resource.hasIdElement() ? resource.getIdElement() : null;
    boolean writeId = id != null && !isBlank(id.getIdPart()) && !id.getValue().startsWith("urn:");
    if (writeId && id.hasExtension()) {
      throw Unsupported.INSTANCE;
    }
    long mark = out.mark();
    if (name != null) {
      out.name(name);
    }
    out.beginObject();
    out.name(RESOURCE_TYPE);
    out.stringValue(table.resourceName);
    if (writeId) {
      out.name(ID);
      out.stringValue(id.getIdPart());
      if (id.hasFormatComment()) {
        // HAPI opens _id for the id's comments, which R4 JSON does not carry: an empty object.
        out.name(UNDERSCORE_ID);
        out.beginObject();
        out.endObject();
      }
    }
    children(resource, table, resource, out);
    if (name != null && out.entries() == 1 && resource.isEmpty()) {
      out.dropObject(mark);
      return false;
    }
    out.endObject();
    return true;
  }

  /**
   * Resource.meta as HAPI encodes it: with the id's version as versionId when meta has none, and
   * without tags or security labels that have neither system nor code.
   */
  private static Object meta(Resource resource, Object value) {
    Meta meta = value instanceof Meta m ? m : null;
    if (value != null && meta == null) {
      throw Unsupported.INSTANCE;
    }
    String version = resource.hasIdElement() ? resource.getIdElement().getVersionIdPart() : null;
    boolean addVersion = !isBlank(version) && (meta == null || isBlank(meta.getVersionId()));
    boolean filter =
        meta != null
            && (meta.hasTag() && hasUncodedCoding(meta.getTag())
                || meta.hasSecurity() && hasUncodedCoding(meta.getSecurity()));
    if (!addVersion && !filter) {
      return value;
    }
    Meta copy = meta == null ? new Meta() : meta.copy();
    if (addVersion) {
      copy.setVersionId(version);
    }
    copy.getTag().removeIf(FhirJsonEncoder::isUncoded);
    copy.getSecurity().removeIf(FhirJsonEncoder::isUncoded);
    return copy;
  }

  private static boolean hasUncodedCoding(List<Coding> codings) {
    for (Coding coding : codings) {
      if (isUncoded(coding)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isUncoded(Coding coding) {
    return isBlank(coding.getCode()) && isBlank(coding.getSystem());
  }

  // ---------------------------------------------------------------------------------------------
  // Composites

  /**
   * The members of a composite element or resource (inside its braces): an element's id, then its
   * children in HAPI's order.
   */
  private void children(Base element, Composite table, Resource owner, JsonBuffer out) {
    if (table.resourceName == null) {
      String elementId = ((Element) element).getId();
      if (!isBlank(elementId)) {
        out.name(ID);
        out.stringValue(elementId);
      }
    }
    for (Slot slot : table.slots) {
      switch (slot.kind) {
        case Slot.EXTENSIONS -> extensionMembers(element, table, owner, out);
        case Slot.CONTAINED -> {
          // Checked empty before the resource was started.
        }
        default -> {
          Object value = slot.read(element);
          if (slot.meta) {
            value = meta(owner, value);
          }
          if (value != null && (!(value instanceof List<?> list) || !list.isEmpty())) {
            values(slot, value, owner, out);
          }
        }
      }
    }
  }

  /**
   * The values of one child (one value, or a List): a member (an array for repeating children),
   * then, for primitives with extensions, the {@code _name} member that carries them.
   */
  private void values(Slot slot, Object values, Resource owner, JsonBuffer out) {
    List<?> list = values instanceof List<?> l ? l : null;
    ChildType first = null;
    boolean array = false;
    long arrayMark = 0;
    int count = 0;
    boolean held = false;
    for (int i = 0, n = list == null ? 1 : list.size(); i < n; i++) {
      Object next = list == null ? values : list.get(i);
      if (next == null) {
        continue;
      }
      IBase value = (IBase) next;
      ChildType type = slot.type(value.getClass());
      if (type.mode == ChildType.UNSUPPORTED) {
        throw Unsupported.INSTANCE;
      }
      if (type.reference) {
        checkReference((Base) value);
      }
      String text = null;
      boolean force = false;
      if (type.primitive()) {
        PrimitiveType<?> p = (PrimitiveType<?>) value;
        text = p.getValueAsString();
        if (isBlank(text) && p.isEmpty()) {
          continue;
        }
        if (p.hasExtension()) {
          force = true;
          held = true;
        } else if (!isBlank(p.getId())) {
          force = true;
        }
      } else if ((type.mode == ChildType.ID || type.mode == ChildType.XHTML) && value.isEmpty()) {
        continue;
      }
      byte[] name;
      if (first == null) {
        first = type;
        if (slot.multiple) {
          arrayMark = out.mark();
          out.name(type.quotedName);
          out.beginArray();
          array = true;
          name = null;
        } else {
          name = type.quotedName;
        }
      } else {
        if (!first.name.equals(type.name)) {
          throw Unsupported.INSTANCE;
        }
        name = null;
      }
      if (value(value, type, text, name, array && force, owner, out)) {
        count++;
      } else if (!array) {
        first = null;
      }
    }
    if (array) {
      if (count == 0) {
        out.dropArray(arrayMark);
        return;
      }
      out.endArray();
    }
    if (held) {
      primitiveExtras(first, list, values, array, owner, out);
    }
  }

  /**
   * One value, under a name or as the next array entry. Returns false, having written nothing, if
   * it is a composite or resource that turned out empty (which HAPI skips).
   */
  private boolean value(
      IBase value,
      ChildType type,
      String text,
      byte[] name,
      boolean forceNull,
      Resource owner,
      JsonBuffer out) {
    switch (type.mode) {
      case ChildType.COMPOSITE -> {
        long mark = out.mark();
        if (name != null) {
          out.name(name);
        }
        out.beginObject();
        Base composite = (Base) value;
        children(composite, composite(composite), owner, out);
        if (out.entries() == 0 && composite.isEmpty()) {
          out.dropObject(mark);
          return false;
        }
        out.endObject();
      }
      case ChildType.ID -> {
        String encoded = ((IdType) value).getValue();
        if (name != null) {
          out.name(name);
        }
        out.stringValue(encoded);
      }
      case ChildType.XHTML -> {
        String xhtml = ((XhtmlNode) value).getValueAsString();
        if (name != null) {
          out.name(name);
        }
        if (xhtml == null) {
          out.nullValue();
        } else {
          out.stringValue(xhtml);
        }
      }
      case ChildType.RESOURCE -> {
        if (name == null) {
          throw Unsupported.INSTANCE;
        }
        return resource((Resource) value, name, out);
      }
      default -> primitive((PrimitiveType<?>) value, type.mode, text, name, forceNull, out);
    }
    return true;
  }

  private Composite composite(Base value) {
    Composite table = tables.composite(value);
    if (!table.supported) {
      throw Unsupported.INSTANCE;
    }
    return table;
  }

  /**
   * A primitive as HAPI writes it: integers, decimals (exactly as the model holds their text) and
   * booleans bare, everything else as a string. A blank one is skipped, or null in an array where
   * another of its entries carries extensions or an id.
   */
  private static void primitive(
      PrimitiveType<?> value,
      int mode,
      String text,
      byte[] name,
      boolean forceNull,
      JsonBuffer out) {
    if (isBlank(text)) {
      if (forceNull) {
        out.nullValue();
      }
      return;
    }
    if (name != null) {
      out.name(name);
    }
    switch (mode) {
      case ChildType.TEXT -> out.stringValue(text);
      case ChildType.INTEGER -> {
        if (!(value.getValue() instanceof Integer number)) {
          throw Unsupported.INSTANCE;
        }
        out.intValue(number);
      }
      case ChildType.LONG -> {
        Object number = value.getValue();
        if (number == null) {
          throw Unsupported.INSTANCE;
        }
        out.numberValue(number.toString());
      }
      case ChildType.DECIMAL -> {
        if (value.getValue() == null) {
          throw Unsupported.INSTANCE;
        }
        out.numberValue(text);
      }
      case ChildType.BOOLEAN -> {
        Object truth = value.getValue();
        if (truth == null) {
          throw Unsupported.INSTANCE;
        }
        out.booleanValue((Boolean) truth);
      }
      default -> throw Unsupported.INSTANCE;
    }
  }

  /**
   * The {@code _name} member after primitives of which some have extensions: an object for a single
   * value, else an array with one entry per value written (null where a value has neither
   * extensions, an id nor comments; {} where it has only comments).
   */
  private void primitiveExtras(
      ChildType type, List<?> list, Object values, boolean array, Resource owner, JsonBuffer out) {
    out.name(type.quotedUnderscoreName);
    if (array) {
      out.beginArray();
    } else {
      out.beginObject();
    }
    for (int i = 0, n = list == null ? 1 : list.size(); i < n; i++) {
      Object next = list == null ? values : list.get(i);
      if (next == null) {
        continue;
      }
      PrimitiveType<?> p = (PrimitiveType<?>) next;
      if (isBlank(p.getValueAsString()) && p.isEmpty()) {
        continue;
      }
      boolean extensions = p.hasExtension();
      String elementId = p.getId();
      // R4 JSON has no comments, but HAPI still counts a comment (from XML) as content here.
      if (!extensions && isBlank(elementId) && !p.hasFormatComment()) {
        if (!array) {
          throw Unsupported.INSTANCE;
        }
        out.nullValue();
        continue;
      }
      if (array) {
        out.beginObject();
      }
      if (!isBlank(elementId)) {
        out.name(ID);
        out.stringValue(elementId);
      }
      if (extensions) {
        extensionArray(EXTENSION, p.getExtension(), false, owner, out);
      }
      if (array) {
        out.endObject();
      }
    }
    if (array) {
      out.endArray();
    } else {
      out.endObject();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Extensions

  /** An element's own extension and modifierExtension arrays, at HAPI's place for them. */
  private void extensionMembers(Base element, Composite table, Resource owner, JsonBuffer out) {
    if (table.extensionField != null
        && ModelTables.read(table.extensionField, element) instanceof List<?> extensions
        && !extensions.isEmpty()) {
      extensionArray(EXTENSION, extensions, true, owner, out);
    }
    if (table.modifierExtensionField != null
        && ModelTables.read(table.modifierExtensionField, element) instanceof List<?> modifiers
        && !modifiers.isEmpty()) {
      extensionArray(MODIFIER_EXTENSION, modifiers, false, owner, out);
    }
  }

  /**
   * An array of extensions, skipping those HAPI skips: for an element's own extensions (and those
   * of an extension's primitive value), those with neither a value nor nested extensions; otherwise
   * (a primitive's extensions in {@code _name}, modifier extensions) the empty ones.
   */
  private void extensionArray(
      byte[] name, List<?> extensions, boolean ownExtensions, Resource owner, JsonBuffer out) {
    long arrayMark = 0;
    boolean open = false;
    int written = 0;
    for (int i = 0, n = extensions.size(); i < n; i++) {
      Object next = extensions.get(i);
      if (!(next instanceof Extension extension)) {
        if (next == null && ownExtensions) {
          continue;
        }
        throw Unsupported.INSTANCE;
      }
      if (!ownExtensions && extension.isEmpty()) {
        continue;
      }
      if (!open) {
        arrayMark = out.mark();
        out.name(name);
        out.beginArray();
        open = true;
      }
      if (extension(extension, ownExtensions, owner, out)) {
        written++;
      }
    }
    if (open) {
      if (written == 0) {
        out.dropArray(arrayMark);
      } else {
        out.endArray();
      }
    }
  }

  /**
   * One extension object: id, url, then nested extensions or the value (with the value's own
   * extensions in {@code _valueX}). Returns false, having written nothing, for an extension with
   * neither value nor nested extensions if it may be skipped; otherwise such an extension, or one
   * with both, is one HAPI reports as invalid, so HAPI encodes it. Emptiness of the value is only
   * asked of the model when the value wrote nothing.
   */
  private boolean extension(
      Extension extension, boolean skippable, Resource owner, JsonBuffer out) {
    Base value = extension.getValue();
    List<?> nested = nested(extension);
    String url = extension.getUrl();
    if (isBlank(url) || !nested.isEmpty() && value != null) {
      // Invalid unless it is an empty extension that may be skipped (or nested-only).
      boolean noValue = isEmptyValue(value);
      if (noValue && nested.isEmpty() && skippable) {
        return false;
      }
      if (isBlank(url) || !noValue) {
        throw Unsupported.INSTANCE;
      }
    }
    if (serverBaseUrl != null && url.startsWith("/")) {
      // HAPI prefixes the server base to a relative extension URL.
      throw Unsupported.INSTANCE;
    }
    if (value == null && nested.isEmpty()) {
      if (skippable) {
        return false;
      }
      throw Unsupported.INSTANCE;
    }
    long mark = out.mark();
    out.beginObject();
    String elementId = extension.getId();
    if (!isBlank(elementId)) {
      out.name(ID);
      out.stringValue(elementId);
    }
    out.name(URL);
    out.stringValue(url);
    if (!nested.isEmpty()) {
      out.name(EXTENSION);
      out.beginArray();
      for (int i = 0, n = nested.size(); i < n; i++) {
        if (!(nested.get(i) instanceof Extension child)) {
          throw Unsupported.INSTANCE;
        }
        extension(child, false, owner, out);
      }
      out.endArray();
    } else if (!extensionValue(value, owner, out)) {
      out.dropObject(mark);
      if (skippable) {
        return false;
      }
      throw Unsupported.INSTANCE;
    }
    out.endObject();
    return true;
  }

  /** An extension's value as {@code valueX}; false, having written nothing, if it is empty. */
  private boolean extensionValue(Base value, Resource owner, JsonBuffer out) {
    ChildType type = tables.extensionValue(value);
    if (type.reference) {
      checkReference(value);
    }
    switch (type.mode) {
      case ChildType.UNSUPPORTED, ChildType.XHTML, ChildType.RESOURCE -> throw Unsupported.INSTANCE;
      case ChildType.COMPOSITE -> {
        long mark = out.mark();
        out.name(type.quotedName);
        out.beginObject();
        children(value, composite(value), owner, out);
        if (out.entries() == 0 && value.isEmpty()) {
          out.dropObject(mark);
          return false;
        }
        out.endObject();
      }
      case ChildType.ID -> {
        String id = ((IdType) value).getValue();
        if (isBlank(id)) {
          return false;
        }
        out.name(type.quotedName);
        out.stringValue(id);
        valueExtensions((Element) value, type, owner, out);
      }
      default -> {
        PrimitiveType<?> p = (PrimitiveType<?>) value;
        String text = p.getValueAsString();
        if (isBlank(text) && p.isEmpty()) {
          return false;
        }
        primitive(p, type.mode, text, type.quotedName, false, out);
        valueExtensions(p, type, owner, out);
      }
    }
    return true;
  }

  /** The {@code _valueX} member of an extension whose primitive value has extensions itself. */
  private void valueExtensions(Element value, ChildType type, Resource owner, JsonBuffer out) {
    if (!value.hasExtension()) {
      return;
    }
    long mark = out.mark();
    out.name(type.quotedUnderscoreName);
    out.beginObject();
    extensionArray(EXTENSION, value.getExtension(), true, owner, out);
    if (out.entries() == 0) {
      out.dropObject(mark);
    } else {
      out.endObject();
    }
  }

  /** An extension's nested extensions, read without creating the list. */
  private List<?> nested(Extension extension) {
    Composite table = tables.composite(extension);
    if (!table.supported || table.extensionField == null) {
      throw Unsupported.INSTANCE;
    }
    return ModelTables.read(table.extensionField, extension) instanceof List<?> list
        ? list
        : List.of();
  }

  private static boolean isEmptyValue(Base value) {
    if (value == null) {
      return true;
    }
    if (value instanceof PrimitiveType<?> p && !isBlank(p.getValueAsString())) {
      return false;
    }
    return value.isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // References

  /**
   * HAPI rewrites some references while encoding (targets set as objects, versioned references,
   * local references it cannot resolve); those resources go to HAPI. Plain {@code Type/id}
   * references are checked without parsing them.
   */
  private void checkReference(Base value) {
    if (!(value instanceof Reference reference) || reference.getResource() != null) {
      throw Unsupported.INSTANCE;
    }
    String text = reference.getReference();
    if (text == null || isPlainReference(text)) {
      return;
    }
    if (text.charAt(0) == '#') {
      throw Unsupported.INSTANCE;
    }
    IdType id = new IdType(text);
    String written = id.getValue();
    if (!isBlank(id.getIdPart()) && !Objects.equals(id.toVersionless().getValue(), written)) {
      throw Unsupported.INSTANCE;
    }
    if (serverBaseUrl != null && serverBaseUrl.equals(id.getBaseUrl())) {
      // HAPI writes a reference on the server's own base as a relative one.
      throw Unsupported.INSTANCE;
    }
  }

  /** {@code Type/id}: letters, a slash, then FHIR id characters. */
  static boolean isPlainReference(String text) {
    int slash = text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1) {
      return false;
    }
    for (int i = 0; i < slash; i++) {
      char c = text.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
        return false;
      }
    }
    for (int i = slash + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c >= 'A' && c <= 'Z'
          || c >= 'a' && c <= 'z'
          || c >= '0' && c <= '9'
          || c == '-'
          || c == '.')) {
        return false;
      }
    }
    return true;
  }

  /** Commons Lang's isBlank: null, empty or only whitespace. */
  static boolean isBlank(String text) {
    if (text == null) {
      return true;
    }
    for (int i = 0, n = text.length(); i < n; i++) {
      if (!Character.isWhitespace(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
