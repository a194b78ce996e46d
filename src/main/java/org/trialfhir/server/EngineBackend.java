package org.trialfhir.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trialfhir.search.IncludeSpec;
import org.trialfhir.search.QueryParser;
import org.trialfhir.search.SearchParam;
import org.trialfhir.search.SearchParameters;
import org.trialfhir.search.SearchQuery;
import org.trialfhir.store.Importer;
import org.trialfhir.store.LuceneTrialStore;

/**
 * The search engine behind the server: the Lucene index ({@link LuceneTrialStore}, which switches
 * to a new import by itself), the {@link QueryParser} and the {@link SearchParameters} registry.
 */
public final class EngineBackend implements SearchBackend {
  private static final Logger LOG = LoggerFactory.getLogger(EngineBackend.class);

  private final LuceneTrialStore store;
  private final QueryParser parser = new QueryParser();
  private final Path temporaryIndex;

  private EngineBackend(LuceneTrialStore store, Path temporaryIndex) {
    this.store = store;
    this.temporaryIndex = temporaryIndex;
  }

  /**
   * Serves an index written by {@code trialfhir import}.
   *
   * @throws IOException when the folder holds no index
   */
  public static EngineBackend open(Path index) throws IOException {
    return new EngineBackend(LuceneTrialStore.open(index), null);
  }

  /**
   * Indexes the example studies the jar carries into a temporary folder (deleted on {@link
   * #close()}) and serves them: what {@code serve} does without {@code --index}.
   */
  public static EngineBackend examples() throws IOException {
    Path folder = Files.createTempDirectory("trialfhir-examples-index");
    try {
      Importer.Summary summary = Importer.importBundledExamples(folder);
      LOG.info("indexed the {} bundled example studies", summary.imported());
      return new EngineBackend(LuceneTrialStore.open(folder), folder);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      deleteQuietly(folder);
      throw new IOException("interrupted while indexing the examples", e);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(folder);
      throw e;
    }
  }

  @Override
  public List<String> resourceTypes() {
    return SearchParameters.TYPES;
  }

  @Override
  public LuceneTrialStore store() {
    return store;
  }

  @Override
  public ParsedSearch parse(
      String resourceType, Map<String, String[]> parameters, boolean lenient) {
    QueryParser.Parsed parsed = parser.parseReportingIgnored(resourceType, parameters, lenient);
    return new ParsedSearch(parsed.query(), parsed.ignored());
  }

  @Override
  public String toCanonical(SearchQuery query) {
    return parser.canonical(query);
  }

  @Override
  public SearchQuery fromCanonical(String canonical) {
    return parser.fromCanonical(canonical);
  }

  @Override
  public List<SearchParam> parameters(String resourceType) {
    return SearchParameters.forType(resourceType);
  }

  @Override
  public List<IncludeSpec> includes(String resourceType) {
    return SearchParameters.includes(resourceType);
  }

  @Override
  public List<IncludeSpec> revIncludes(String resourceType) {
    return SearchParameters.revIncludes(resourceType);
  }

  @Override
  public void close() {
    store.close();
    if (temporaryIndex != null) {
      deleteQuietly(temporaryIndex);
    }
  }

  private static void deleteQuietly(Path folder) {
    try {
      Files.walkFileTree(
          folder,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not delete the temporary index {}: {}", folder, e.toString());
    }
  }
}
