package org.trialfhir.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The on-disk layout of an index folder: one complete Lucene index per generation, in a folder
 * {@code gen-<UTC time>-<random>}, and a small pointer file {@code CURRENT} naming the generation
 * being served. An import writes a new generation beside the served one, commits it once, and only
 * then replaces {@code CURRENT} with an atomic rename; so a reader never sees half an import, and
 * an import that fails or is killed leaves the previous generation serving (its unfinished folder
 * is removed by the next import). Imports into one folder take {@code import.lock} in turn.
 *
 * <pre>
 * index/
 *   CURRENT                      "gen-20250101T120000123Z-3fa9c2"
 *   gen-20250101T120000123Z-3fa9c2/   a Lucene index (segments_N, …)
 *   import.lock
 * </pre>
 */
public final class IndexDirectory {
  static final String POINTER = "CURRENT";
  static final String LOCK = "import.lock";
  private static final Pattern GENERATION = Pattern.compile("gen-[0-9TZ]+-[0-9a-f]{6}");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path root;

  public IndexDirectory(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** The generation {@code CURRENT} names, if there is one and its folder exists. */
  public Optional<String> current() {
    Path pointer = root.resolve(POINTER);
    try {
      if (!Files.isRegularFile(pointer)) {
        return Optional.empty();
      }
      String name = Files.readString(pointer, StandardCharsets.UTF_8).strip();
      if (!GENERATION.matcher(name).matches() || !Files.isDirectory(root.resolve(name))) {
        throw new IllegalStateException(pointer + " does not name a generation folder: " + name);
      }
      return Optional.of(name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + pointer, e);
    }
  }

  /** The folder of a generation. */
  public Path generation(String name) {
    return root.resolve(name);
  }

  /** Creates the folder of a new generation and returns its name. */
  String newGeneration() throws IOException {
    Files.createDirectories(root);
    byte[] random = new byte[3];
    RANDOM.nextBytes(random);
    String name =
        "gen-"
            + STAMP.format(ZonedDateTime.now(ZoneOffset.UTC))
            + "-"
            + HexFormat.of().formatHex(random);
    Files.createDirectory(root.resolve(name));
    return name;
  }

  /** Points {@code CURRENT} at a generation: written aside, forced to disk, renamed atomically. */
  void switchTo(String name) throws IOException {
    Path temp = root.resolve(POINTER + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      channel.write(java.nio.ByteBuffer.wrap((name + "\n").getBytes(StandardCharsets.UTF_8)));
      channel.force(true);
    }
    try {
      Files.move(
          temp,
          root.resolve(POINTER),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system of " + root + " cannot rename atomically", e);
    }
  }

  /**
   * Deletes every generation folder except the one named (older generations, and folders left by
   * imports that failed or were killed). A server still reading an old generation keeps its open
   * files (POSIX semantics) until it switches.
   */
  List<String> removeAllBut(String keep) throws IOException {
    List<String> removed = new ArrayList<>();
    try (Stream<Path> children = Files.list(root)) {
      for (Path child : children.toList()) {
        String name = child.getFileName().toString();
        if (!name.equals(keep) && GENERATION.matcher(name).matches() && Files.isDirectory(child)) {
          deleteTree(child);
          removed.add(name);
        }
      }
    }
    return removed;
  }

  /** Takes the folder's import lock, or fails when another import holds it. */
  FileLock lock() throws IOException {
    Files.createDirectories(root);
    FileChannel channel =
        FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      // This JVM already holds it.
      lock = null;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new IOException("another import is writing to " + root);
    }
    return lock;
  }

  static void deleteTree(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    Files.walkFileTree(
        folder,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
