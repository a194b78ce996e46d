package org.trialfhir.testing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.trialfhir.ctgov.Study;

/**
 * The real records beside the checkout ({@code ../shared}, set by the build as trialfhir.shared).
 */
public final class SharedData {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private SharedData() {}

  public static Path root() {
    return Path.of(System.getProperty("trialfhir.shared", "../shared"));
  }

  public static Path ctgov(String folder) {
    return root().resolve("data/ctgov").resolve(folder);
  }

  /** The JSON files of a corpus folder, sorted. */
  public static List<Path> files(String folder) {
    try (Stream<Path> files = Files.list(ctgov(folder))) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every full and partial API v2 record file of the corpus ({@code v2}, then {@code v2-partial}).
   */
  public static List<Path> recordFiles() {
    return Stream.concat(files("v2").stream(), files("v2-partial").stream()).toList();
  }

  /** One dynamic test per record file ({@link #recordFiles}), named by the file. */
  public static Stream<DynamicTest> perRecord(ThrowingConsumer<Path> check) {
    return DynamicTest.stream(recordFiles().stream(), file -> file.getFileName().toString(), check);
  }

  /**
   * Reads one API v2 study file with plain Jackson (the mapper tests do not depend on the reader).
   */
  public static Study study(Path file) {
    try {
      return JSON.readValue(file.toFile(), Study.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path repository() {
    return Path.of(System.getProperty("trialfhir.repository", "."));
  }
}
