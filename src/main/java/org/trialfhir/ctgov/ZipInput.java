package org.trialfhir.ctgov;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads the members of a ZIP archive in archive order, streaming each one; nothing is extracted to
 * disk. Folders and macOS resource forks ({@code __MACOSX/}) are ignored; a member whose name would
 * leave the archive's folder ({@code ../x.json}, {@code /x.json}) is reported and skipped.
 */
final class ZipInput {
  /** Reads one member, named {@code archive.zip!member}. */
  @FunctionalInterface
  interface MemberReader {
    void read(String source, String name, ContentReader.Opener opener);
  }

  private static final String MAC_RESOURCES = "__MACOSX/";
  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

  private final RecordSink sink;
  private final MemberReader members;

  ZipInput(RecordSink sink, MemberReader members) {
    this.sink = sink;
    this.members = members;
  }

  void read(Path archive, String source) {
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        String name = entry.getName();
        if (entry.isDirectory() || name.startsWith(MAC_RESOURCES)) {
          continue;
        }
        String member = source + "!" + name;
        if (escapes(name)) {
          sink.error(member, null, null, "member name leaves the archive's folder; skipped");
        } else {
          members.read(member, name, () -> zip.getInputStream(entry));
        }
      }
    } catch (IOException e) {
      sink.error(source, null, null, "not a readable ZIP archive: " + e.getMessage());
    }
  }

  /** True for a name that is absolute or climbs above the folder it would be extracted to. */
  static boolean escapes(String name) {
    String path = name.replace('\\', '/');
    if (path.startsWith("/") || DRIVE.matcher(path).matches()) {
      return true;
    }
    int depth = 0;
    for (String part : path.split("/")) {
      if (part.equals("..")) {
        depth--;
        if (depth < 0) {
          return true;
        }
      } else if (!part.isEmpty() && !part.equals(".")) {
        depth++;
      }
    }
    return false;
  }
}
