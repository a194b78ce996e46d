package org.trialfhir.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.trialfhir.conformance.TrialValidator;
import org.trialfhir.conformance.ValidationIssue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trialfhir validate}: validates FHIR R4 JSON resources and Bundles against R4 core and our
 * published profiles, offline.
 *
 * <p>Each error and warning is printed on standard output as {@code <file>[#entry or :line]
 * <severity> <location>: <message>}, where {@code #entry} is the 0-based index of a Bundle entry
 * (as in {@code Bundle.entry[3]}) and {@code :line} the 1-based line of an NDJSON file. The last
 * line is {@code validated N resources: E errors, W warnings}: N counts every resource validated,
 * where a Bundle counts as its entries (not as one more resource). Inputs that cannot be read (a
 * missing file, text that is not JSON or not a FHIR resource, a folder without JSON files) are
 * named on standard error and not counted.
 *
 * <p>Exit code: 0 when nothing is wrong, 1 when there are errors, 2 when some input could not be
 * read (this takes precedence over 1).
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Validates FHIR R4 JSON resources and Bundles against R4 core and the TrialFHIR profiles,"
          + " offline.",
      "Folders are searched recursively for *.json and *.ndjson (one resource a line).",
      "Exit code: 0 valid, 1 errors found, 2 unreadable input."
    })
public class ValidateCommand implements Callable<Integer> {
  static final int EXIT_INVALID = 1;
  static final int EXIT_UNREADABLE = 2;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ENTRY_PREFIX =
      Pattern.compile(
          "^Bundle\\.entry\\[(\\d+)]\\.resource"
              + "(?:/\\*([A-Za-z]+)/[^*]*\\*/|\\.ofType\\(([A-Za-z]+)\\))?");

  @Parameters(
      arity = "1..*",
      paramLabel = "<file or folder>",
      description = "JSON or NDJSON files, or folders holding them.")
  List<Path> inputs;

  @Spec CommandSpec spec;

  private final Supplier<TrialValidator> validatorFactory;
  private TrialValidator validator;

  private int resources;
  private int errors;
  private int warnings;
  private int unreadable;

  /** Builds its own validator (about 10 s) once the first readable resource is found. */
  public ValidateCommand() {
    this(TrialValidator::new);
  }

  /** Uses the validator the supplier gives (tests share one). */
  public ValidateCommand(Supplier<TrialValidator> validatorFactory) {
    this.validatorFactory = validatorFactory;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (Path input : inputs) {
      for (Path file : files(input, err)) {
        validateFile(file, out, err);
      }
    }
    out.printf("validated %d resources: %d errors, %d warnings%n", resources, errors, warnings);
    out.flush();
    err.flush();
    if (unreadable > 0) {
      return EXIT_UNREADABLE;
    }
    return errors > 0 ? EXIT_INVALID : 0;
  }

  /** The file itself, or the *.json and *.ndjson files under a folder, sorted. */
  private List<Path> files(Path input, PrintWriter err) {
    if (Files.isRegularFile(input)) {
      return List.of(input);
    }
    if (!Files.isDirectory(input)) {
      unreadable(err, input.toString(), "no such file or folder");
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(input)) {
      List<Path> found =
          walk.filter(Files::isRegularFile).filter(p -> isJson(p) || isNdjson(p)).sorted().toList();
      if (found.isEmpty()) {
        unreadable(err, input.toString(), "no *.json or *.ndjson files in this folder");
      }
      return found;
    } catch (IOException | java.io.UncheckedIOException e) {
      unreadable(err, input.toString(), "cannot list the folder (" + reason(e) + ")");
      return List.of();
    }
  }

  private void validateFile(Path file, PrintWriter out, PrintWriter err) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      unreadable(err, file.toString(), "cannot read the file (" + reason(e) + ")");
      return;
    }
    if (isNdjson(file)) {
      List<String> lines = text.lines().toList();
      for (int i = 0; i < lines.size(); i++) {
        if (!lines.get(i).isBlank()) {
          validateDocument(file + ":" + (i + 1), lines.get(i), out, err);
        }
      }
    } else {
      validateDocument(file.toString(), text, out, err);
    }
  }

  private void validateDocument(String label, String text, PrintWriter out, PrintWriter err) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      unreadable(err, label, "not JSON (" + oneLine(e.getOriginalMessage()) + ")");
      return;
    }
    if (root == null || !root.isObject() || !root.path("resourceType").isTextual()) {
      unreadable(err, label, "not a FHIR resource (no resourceType)");
      return;
    }
    boolean bundle = "Bundle".equals(root.path("resourceType").asText());
    resources += bundle ? root.path("entry").size() : 1;

    if (validator == null) {
      validator = validatorFactory.get();
    }
    for (ValidationIssue issue : validator.validate(text)) {
      if (issue.isError()) {
        errors++;
      } else if (issue.severity() == ValidationIssue.Severity.WARNING) {
        warnings++;
      } else {
        continue;
      }
      out.println(format(label, root, issue));
    }
  }

  /** {@code <label>[#entry] <severity> <location>: <message>}, locations relative to the entry. */
  private static String format(String label, JsonNode root, ValidationIssue issue) {
    String where = label;
    String location = issue.location() == null ? "" : issue.location();
    Matcher entry = ENTRY_PREFIX.matcher(location);
    if (entry.find()) {
      int index = Integer.parseInt(entry.group(1));
      String type =
          entry.group(2) != null
              ? entry.group(2)
              : entry.group(3) != null
                  ? entry.group(3)
                  : root.path("entry").path(index).path("resource").path("resourceType").asText("");
      where = label + "#" + index;
      location = type + location.substring(entry.end());
    }
    return where + " " + issue.severity().code() + " " + location + ": " + oneLine(issue.message());
  }

  private void unreadable(PrintWriter err, String what, String why) {
    unreadable++;
    err.println(what + ": unreadable: " + why);
  }

  private static boolean isJson(Path p) {
    return p.getFileName().toString().endsWith(".json");
  }

  private static boolean isNdjson(Path p) {
    return p.getFileName().toString().endsWith(".ndjson");
  }

  private static String reason(Exception e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + oneLine(message));
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.strip().replaceAll("\\s+", " ");
  }
}
