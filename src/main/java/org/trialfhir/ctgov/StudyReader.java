package org.trialfhir.ctgov;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Streams ClinicalTrials.gov API v2 studies from files, folders and ZIP archives, in bounded
 * memory.
 *
 * <p>Each input may be a file holding one study object, a JSON array of studies (the website's JSON
 * download), a page of the API ({@code {"studies":[…],"nextPageToken":…}}), JSON Lines ({@code
 * .ndjson}, {@code .jsonl}, or a {@code .json} file of several objects in sequence), a ZIP archive
 * of any of these (the website's download), or a folder, read recursively in path order. Arrays,
 * pages and lines are streamed record by record: only one record is in memory at a time, and a
 * record larger than the limit is skipped without being held.
 *
 * <p>Every study is checked with {@link StudyChecker}. Nothing is fatal for the run: a bad record,
 * member or file is reported to {@link StudyHandler#problem} and reading goes on. Sources name
 * where a record came from: {@code dir/file.json}, {@code file.zip!member.json}, {@code
 * file.json[3]} (0-based array index), {@code file.zip!member.json[3]}, {@code file.ndjson:12}
 * (1-based line), with paths as they were given.
 *
 * <p>A syntax error inside an array or a sequence of objects ends that file or member, because JSON
 * cannot be resynchronised after it; the records before it are delivered. In JSON Lines only the
 * bad line is lost.
 */
public final class StudyReader {
  /** The default limit on one record's size: 32 MB (the largest real record is about 1.4 MB). */
  public static final long DEFAULT_MAX_RECORD_BYTES = 32L * 1024 * 1024;

  private final long maxRecordBytes;
  private final JsonFactory factory;
  private final ObjectReader studies;

  /** A reader with the default record size limit. */
  public StudyReader() {
    this(DEFAULT_MAX_RECORD_BYTES);
  }

  /**
   * A reader that skips records larger than {@code maxRecordBytes} of JSON. No single string may be
   * longer than the limit either; such a string ends its file, as a syntax error does.
   */
  public StudyReader(long maxRecordBytes) {
    if (maxRecordBytes < 1) {
      throw new IllegalArgumentException("maxRecordBytes must be positive: " + maxRecordBytes);
    }
    this.maxRecordBytes = maxRecordBytes;
    StreamReadConstraints constraints =
        StreamReadConstraints.builder()
            .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxRecordBytes))
            .build();
    this.factory =
        JsonFactory.builder()
            .streamReadConstraints(constraints)
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .build();
    this.studies =
        new ObjectMapper(factory)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .readerFor(Study.class);
  }

  /** The largest record, in bytes of JSON, that this reader delivers. */
  public long maxRecordBytes() {
    return maxRecordBytes;
  }

  /** Reads every input in order, passing each study and each problem to the handler. */
  public void read(List<Path> inputs, StudyHandler handler) {
    RecordSink sink =
        new RecordSink(handler, studies, factory.streamReadConstraints(), maxRecordBytes);
    ContentReader content = new ContentReader(factory, sink);
    for (Path input : inputs) {
      if (Files.isDirectory(input)) {
        readFolder(input, content, sink);
      } else if (Files.isRegularFile(input)) {
        content.readFile(input);
      } else {
        String reason = Files.exists(input) ? "not a file or folder" : "no such file or folder";
        sink.error(input.toString(), null, null, reason);
      }
    }
  }

  /**
   * Reads every regular file below the folder, sorted by name at each level; links to folders are
   * not followed.
   */
  private static void readFolder(Path folder, ContentReader content, RecordSink sink) {
    List<Path> children;
    try (Stream<Path> listing = Files.list(folder)) {
      children = listing.sorted().toList();
    } catch (IOException | UncheckedIOException e) {
      sink.error(folder.toString(), null, null, "cannot list the folder: " + e.getMessage());
      return;
    }
    for (Path child : children) {
      if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
        readFolder(child, content, sink);
      } else if (Files.isRegularFile(child)) {
        content.readFile(child);
      }
    }
  }
}
