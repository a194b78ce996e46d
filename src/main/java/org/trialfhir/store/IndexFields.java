package org.trialfhir.store;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LatLonPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.util.BytesRef;

/**
 * The Lucene fields of one resource's document, and their names. Every search parameter {@code p}
 * of the resource's type maps to fields named {@code p.<p>.<kind>}:
 *
 * <ul>
 *   <li>token: {@code .c} the code alone, {@code .sc} "system|code" ("|code" without a system),
 *       {@code .s} the system, {@code .t} the texts (analysed, for {@code :text});
 *   <li>string: {@code .n} the normalised value ({@link Strings}), {@code .x} the exact value;
 *   <li>reference: {@code .r} "Type/id";
 *   <li>date: {@code .lo} and {@code .hi} (epoch ms, inclusive) as long points;
 *   <li>quantity: {@code .lo} and {@code .hi} as double points (open ends infinite);
 *   <li>special ({@code near}): on a Location, {@code .geo} its lat/lon point and the {@code
 *       _position} doc value with its exact position; on a study, presence only ({@code near} is
 *       resolved through the Locations). Both carry the {@code _sites} doc value: each site's
 *       Location id and status (a Location is its own site).
 *   <li>{@code p.site-status.at} ({@link #SITE_STATUS_AT}), on a study: one term "locationId|status
 *       code" per site that has a status, joining a site's Location and its status so that {@code
 *       near} with {@code site-status} on the same site is a set of terms (see {@link
 *       QueryBuilder}). Indexes written before it have no such field and are searched through the
 *       {@code _sites} doc value instead.
 * </ul>
 *
 * <p>And per document: {@code _type}, {@code _id}, {@code _key} ("Type/id", unique), {@code _owner}
 * (the NCT id of the study a study-owned resource belongs to), {@code _has} (the parameters that
 * have a value, for {@code :missing}), {@code _content} (full text), {@code _json} (the stored
 * resource), and sort doc values {@code sort.<key>}.
 */
final class IndexFields {
  static final String TYPE = "_type";
  static final String ID = "_id";
  static final String KEY = "_key";
  static final String OWNER = "_owner";
  static final String HAS = "_has";
  static final String CONTENT = "_content";
  static final String JSON = "_json";
  static final String SITES = "_sites";
  static final String POSITION = "_position";

  /** A study's sites as "locationId|status code" terms, one per site with a status. */
  static final String SITE_STATUS_AT = field("site-status", "at");

  /** Indexed strings are cut to this many characters (query values are at most 1,000). */
  static final int MAX_STRING = 2_000;

  private final Document document = new Document();
  private final Set<String> present = new LinkedHashSet<>();

  /**
   * Field and value of every term field written: a value repeated in one document (the same site
   * status at 40 sites, the same category code on many outcomes) is indexed once. Searches only ask
   * whether a document has a value, never how often (nothing is scored), so the repeats only cost
   * indexing time and postings.
   */
  private final Set<String> written = new java.util.HashSet<>();

  IndexFields(String type, String id) {
    document.add(new StringField(TYPE, type, Field.Store.NO));
    document.add(new StringField(ID, id, Field.Store.NO));
    document.add(new StringField(KEY, key(type, id), Field.Store.NO));
    document.add(new SortedDocValuesField(sortField("_id"), new BytesRef(id)));
  }

  static String key(String type, String id) {
    return type + "/" + id;
  }

  static String field(String param, String kind) {
    return "p." + param + "." + kind;
  }

  static String sortField(String key) {
    return "sort." + key;
  }

  Document document() {
    for (String param : present) {
      document.add(new StringField(HAS, param, Field.Store.NO));
    }
    return document;
  }

  void owner(String nctId) {
    document.add(new StringField(OWNER, nctId, Field.Store.NO));
  }

  void json(String json) {
    document.add(new StoredField(JSON, new BytesRef(json.getBytes(StandardCharsets.UTF_8))));
  }

  /** A coded value (system may be null; a null or empty code is skipped). */
  void token(String param, String system, String code) {
    if (code == null || code.isEmpty()) {
      if (system != null && !system.isEmpty()) {
        term(field(param, "s"), system);
        present.add(param);
      }
      return;
    }
    term(field(param, "c"), code);
    String sys = system == null ? "" : system;
    term(field(param, "sc"), sys + "|" + code);
    if (!sys.isEmpty()) {
      term(field(param, "s"), sys);
    }
    present.add(param);
  }

  /** A text of a token value (a concept's text or a coding's display), for {@code :text}. */
  void tokenText(String param, String text) {
    if (text != null && !text.isBlank()) {
      String name = field(param, "t");
      if (written.add(name + '\u0000' + text)) {
        document.add(new TextField(name, text, Field.Store.NO));
      }
      present.add(param);
    }
  }

  void string(String param, String value) {
    if (value == null || value.isBlank()) {
      return;
    }
    String normal = Strings.normalize(value);
    String exact = value;
    if (normal.length() > MAX_STRING) {
      normal = normal.substring(0, MAX_STRING);
    }
    if (exact.length() > MAX_STRING) {
      // Longer than any query value: it can still match by prefix, never exactly.
      exact = exact.substring(0, MAX_STRING) + '\u0000';
    }
    term(field(param, "n"), normal);
    term(field(param, "x"), exact);
    present.add(param);
  }

  /**
   * A part of a string value (a word of a name written as one text), matched as the string
   * parameter matches values (from its start, or anywhere with {@code :contains}) but never by
   * {@code :exact}, which compares whole values.
   */
  void stringPart(String param, String part) {
    if (part == null || part.isBlank()) {
      return;
    }
    String normal = Strings.normalize(part);
    term(
        field(param, "n"), normal.length() > MAX_STRING ? normal.substring(0, MAX_STRING) : normal);
    present.add(param);
  }

  /** An exact term, once per document. */
  private void term(String name, String value) {
    if (written.add(name + '\u0000' + value)) {
      document.add(new StringField(name, value, Field.Store.NO));
    }
  }

  void reference(String param, String reference) {
    if (reference != null && !reference.isEmpty()) {
      term(field(param, "r"), reference);
      present.add(param);
    }
  }

  /** A date range in epoch ms, inclusive; Long.MIN_VALUE / MAX_VALUE for an open end. */
  void date(String param, long low, long high) {
    document.add(new LongPoint(field(param, "lo"), low));
    document.add(new LongPoint(field(param, "hi"), high));
    present.add(param);
  }

  /** A quantity range; infinite for an open end. */
  void quantity(String param, double low, double high) {
    document.add(new DoublePoint(field(param, "lo"), low));
    document.add(new DoublePoint(field(param, "hi"), high));
    present.add(param);
  }

  /** The sites of a study (or a Location as its own site), for near and site-status. */
  void sites(List<Sites.Site> sites) {
    if (!sites.isEmpty()) {
      document.add(new BinaryDocValuesField(SITES, Sites.encode(sites)));
    }
  }

  /**
   * A site's Location id joined with its status code ({@link #siteStatusTerm}), once per document.
   */
  void siteStatusAt(String locationId, String status) {
    if (locationId != null && status != null) {
      term(SITE_STATUS_AT, siteStatusTerm(locationId, status));
    }
  }

  /** The {@link #SITE_STATUS_AT} term of a site: "locationId|status code". */
  static String siteStatusTerm(String locationId, String status) {
    return locationId + "|" + status;
  }

  /** A Location's position: the point the near prefilter finds, and its exact value. */
  void position(String nearParam, double latitude, double longitude) {
    document.add(new LatLonPoint(field(nearParam, "geo"), latitude, longitude));
    document.add(new BinaryDocValuesField(POSITION, Sites.encodePosition(latitude, longitude)));
    present.add(nearParam);
  }

  /** Full text for {@code _content}. */
  void content(String text) {
    if (text != null && !text.isBlank()) {
      document.add(new TextField(CONTENT, text, Field.Store.NO));
    }
  }

  void sortLong(String key, long value) {
    document.add(new NumericDocValuesField(sortField(key), value));
  }

  void sortString(String key, String value) {
    if (value != null && !value.isBlank()) {
      String normal = Strings.normalize(value);
      if (normal.length() > 200) {
        normal = normal.substring(0, 200);
      }
      document.add(new SortedDocValuesField(sortField(key), new BytesRef(normal)));
    }
  }

  /** Marks a parameter as having no value, whatever was written for it (for :missing). */
  void absent(String param) {
    present.remove(param);
  }

  /** Marks a parameter as having a value even though no field was written for it. */
  void present(String param) {
    present.add(param);
  }
}
