package org.trialfhir.search;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Resource;

/**
 * Resources as a store holds them: their compact JSON, handed out unparsed when the answer needs
 * nothing but those bytes. An <em>unparsed</em> resource is a stand-in of the right type with only
 * its id and, when read from the JSON, its {@code meta} (what {@code Last-Modified} and the
 * conditional request headers of a read need) and the whole JSON as user data ({@link #json}); the
 * entries of a searchset need only the type and id, which a store may know without reading the
 * JSON. {@link #parsed} turns it into the full resource wherever something else needs the content.
 *
 * <p>The JSON must be what the server's JSON writer produces for the parsed resource, byte for
 * byte: the index stores {@code FhirJsonEncoder}'s compact output, whose references are relative,
 * so it does not depend on the server base.
 */
public final class StoredJson {
  /** The user data key under which an unparsed resource carries its JSON (UTF-8 bytes). */
  public static final String USER_DATA = "trialfhir.store.json";

  private static final JsonFactory JSON = JsonFactory.builder().build();

  private StoredJson() {}

  /** The stored JSON of an unparsed resource, or null for a parsed one. */
  public static byte[] json(Resource resource) {
    return resource != null && resource.getUserData(USER_DATA) instanceof byte[] json ? json : null;
  }

  /**
   * The unparsed stand-in of a resource's compact JSON: its type, id and meta parsed, the JSON
   * attached.
   *
   * @throws IllegalArgumentException when the JSON is not a resource
   */
  public static Resource unparsed(FhirContext fhir, byte[] json) {
    Resource resource = head(fhir, json);
    if (resource == null) {
      // A meta this reader does not know member by member: HAPI parses the head.
      resource =
          (Resource)
              fhir.newJsonParser().parseResource(new String(head(json), StandardCharsets.UTF_8));
    }
    resource.setUserData(USER_DATA, json);
    return resource;
  }

  /**
   * The unparsed stand-in of a resource whose type and id are known (an included resource, looked
   * up by them; a match, its id a doc value): nothing of the JSON is read, so its meta is left
   * unset. For the entries of a searchset: the Bundle needs their type and id, and the JSON written
   * is the stored one (HAPI's writer parses it whole, {@link #parsed}).
   *
   * @throws ca.uhn.fhir.parser.DataFormatException when the type is not a FHIR resource type
   */
  public static Resource unparsed(FhirContext fhir, String type, String id, byte[] json) {
    Resource resource = (Resource) fhir.getResourceDefinition(type).newInstance();
    resource.setId(new IdType(type, id));
    resource.setUserData(USER_DATA, json);
    return resource;
  }

  /**
   * The type, id and meta of a resource's JSON when they come first and its meta has only the
   * members set here (versionId, lastUpdated, source, profile), else null.
   */
  private static Resource head(FhirContext fhir, byte[] json) {
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT
          || parser.nextToken() != JsonToken.FIELD_NAME
          || !parser.currentName().equals("resourceType")
          || parser.nextToken() != JsonToken.VALUE_STRING) {
        return null;
      }
      String type = parser.getText();
      Resource resource;
      try {
        resource = (Resource) fhir.getResourceDefinition(type).newInstance();
      } catch (RuntimeException unknownType) {
        return null;
      }
      boolean identified = false;
      for (int members = 0; members < 2; members++) {
        if (parser.nextToken() != JsonToken.FIELD_NAME) {
          return null;
        }
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (name.equals("id") && value == JsonToken.VALUE_STRING) {
          String id = parser.getText();
          resource.setId(new IdType(type, id));
          identified = !id.isEmpty();
        } else if (!name.equals("meta")
            || value != JsonToken.START_OBJECT
            || !meta(parser, resource.getMeta())) {
          return null;
        }
      }
      // (Asking the resource would build its id's text.)
      return identified ? resource : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Reads a meta object's known members into {@code meta}; false at any other member. */
  private static boolean meta(JsonParser parser, Meta meta) throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (value == JsonToken.VALUE_STRING && name.equals("lastUpdated")) {
        meta.setLastUpdatedElement(new InstantType(parser.getText()));
      } else if (value == JsonToken.VALUE_STRING && name.equals("versionId")) {
        meta.setVersionId(parser.getText());
      } else if (value == JsonToken.VALUE_STRING && name.equals("source")) {
        meta.setSource(parser.getText());
      } else if (value == JsonToken.START_ARRAY && name.equals("profile")) {
        while (parser.nextToken() == JsonToken.VALUE_STRING) {
          meta.addProfile(parser.getText());
        }
        if (parser.currentToken() != JsonToken.END_ARRAY) {
          return false;
        }
      } else {
        return false;
      }
    }
    return true;
  }

  /**
   * The full resource of an unparsed one (the same resource when it is parsed already), with the
   * store's version ({@link TrialStore#VERSION_USER_DATA}) carried over.
   */
  public static Resource parsed(FhirContext fhir, Resource resource) {
    byte[] json = json(resource);
    if (json == null) {
      return resource;
    }
    Resource full =
        (Resource) fhir.newJsonParser().parseResource(new String(json, StandardCharsets.UTF_8));
    String version = TrialStore.versionOf(resource);
    if (version != null) {
      full.setUserData(TrialStore.VERSION_USER_DATA, version);
    }
    return full;
  }

  /**
   * {@code {"resourceType":…,"id":…,"meta":…}} cut out of a resource's JSON: the three members'
   * bytes copied as they are, without reading past them when they come first (as they do in what
   * FHIR JSON writers produce).
   */
  static byte[] head(byte[] json) {
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object");
      }
      ByteArrayOutputStream head = new ByteArrayOutputStream(256);
      head.write('{');
      int found = 0;
      while (found < 3 && parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        int start = (int) parser.currentTokenLocation().getByteOffset();
        parser.skipChildren();
        parser.finishToken(); // a string's end is known once it is read
        if (name.equals("resourceType") || name.equals("id") || name.equals("meta")) {
          int end = (int) parser.currentLocation().getByteOffset();
          if (found > 0) {
            head.write(',');
          }
          head.write('"');
          head.write(name.getBytes(StandardCharsets.US_ASCII));
          head.write('"');
          head.write(':');
          head.write(json, start, end - start);
          found++;
        }
      }
      head.write('}');
      return head.toByteArray();
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable stored JSON: " + e.getMessage(), e);
    }
  }

  /**
   * The {@code reference} strings of a top-level member of a resource's JSON (a Reference or an
   * array of them), in order; the other members are skipped without being read into objects.
   */
  public static List<String> references(byte[] json, String member) {
    List<String> references = new ArrayList<>();
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return references;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (!name.equals(member)) {
          parser.skipChildren();
        } else if (value == JsonToken.START_ARRAY) {
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            reference(parser, references);
          }
        } else if (value == JsonToken.START_OBJECT) {
          reference(parser, references);
        }
      }
      return references;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The reference of the Reference object the parser is at the start of; leaves it at its end. */
  private static void reference(JsonParser parser, List<String> into) throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (name.equals("reference") && value == JsonToken.VALUE_STRING) {
        into.add(parser.getText());
      } else {
        parser.skipChildren();
      }
    }
  }
}
