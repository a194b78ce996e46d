package org.trialfhir.ctgov;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes test input files and ZIP archives. */
final class TestInputs {
  private TestInputs() {}

  /** Writes the text as UTF-8, creating parent folders. */
  static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a ZIP archive of UTF-8 text members in map order; a name ending in "/" is a folder. */
  static Path zip(Path file, Map<String, String> members) {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    members.forEach((name, text) -> bytes.put(name, text.getBytes(StandardCharsets.UTF_8)));
    return zipBytes(file, bytes);
  }

  /** Writes a ZIP archive with the members in map order. */
  static Path zipBytes(Path file, Map<String, byte[]> members) {
    try {
      Files.createDirectories(file.getParent());
      try (OutputStream out = Files.newOutputStream(file);
          ZipOutputStream zip = new ZipOutputStream(out)) {
        for (Map.Entry<String, byte[]> member : members.entrySet()) {
          zip.putNextEntry(new ZipEntry(member.getKey()));
          zip.write(member.getValue());
          zip.closeEntry();
        }
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
