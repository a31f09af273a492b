package org.poevi.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.poevi.InvalidInputException;

/**
 * Writes a file so that readers see either the old content or the complete new one, never a
 * half-written file: the content goes to a temporary file in the same directory, which is then
 * renamed over the target.
 *
 * <p>An output directory is made only when its files are written, and removed again if they
 * cannot all be: a run that fails (or is stopped) before or while writing leaves no directory
 * behind, or the previous outputs as they were. A JVM that is shutting down (SIGTERM, Ctrl-C)
 * first lets a write in progress finish, and then starts none: its shutdown hook takes the same
 * lock as {@link #writeAll}.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Held while files are written and renamed into place, and by the shutdown hook. */
  private static final Object LOCK = new Object();
  private static boolean shuttingDown;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      synchronized (LOCK) {
        shuttingDown = true;
      }
    }, "poevi-atomic-files"));
  }

  /** What produces a file's bytes: text ({@link #text}) or a byte array ({@link #bytes}). */
  @FunctionalInterface
  public interface Content {
    void writeBytes(OutputStream out) throws IOException;

    /** Text written in UTF-8. */
    static Content text(Text text) {
      return out -> {
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        text.writeTo(writer);
        writer.flush();
      };
    }

    /** Binary content (e.g. a PNG). */
    static Content bytes(byte[] data) {
      byte[] copy = data.clone();
      return out -> out.write(copy);
    }
  }

  /**
   * Fails, before any work, when {@code dir} could not be made or written to; the one-line error
   * calls it {@code name} (e.g. "--out" on the command line). Makes nothing: a missing
   * {@code dir} is made when its files are written ({@link #writeAll}), so that a run that
   * fails first leaves no empty directory. A regular file there is left alone.
   */
  public static void prepareDirectory(Path dir, String name) {
    Path absolute = dir.toAbsolutePath().normalize();
    if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
      throw new InvalidInputException(name + " " + dir + " exists and is not a directory");
    }
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      throw new InvalidInputException(name + " " + dir + " cannot be made: "
          + (existing == null ? "no existing parent" : existing + " is not a directory"));
    }
    if (!Files.isWritable(existing)) {
      throw new InvalidInputException(name + " " + dir + " is not writable"
          + (existing.equals(absolute) ? "" : " (" + existing + " is not)"));
    }
    checkAtomicRename(existing, name);
  }

  /**
   * Fails when {@code dir}'s file system cannot rename atomically (some network and FUSE file
   * systems): the outputs would then be replaced one file at a time, and a failure could leave
   * new and old files mixed, which poevi promises never happens.
   */
  private static void checkAtomicRename(Path dir, String name) {
    Path probe = null;
    try {
      probe = Files.createTempFile(dir, ".poevi-probe.", ".tmp");
      Files.move(probe, probe.resolveSibling(probe.getFileName() + ".moved"),
          StandardCopyOption.ATOMIC_MOVE);
      Files.delete(probe.resolveSibling(probe.getFileName() + ".moved"));
      probe = null;
    } catch (AtomicMoveNotSupportedException e) {
      throw notAtomic(name + " " + dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write in " + name + " " + dir + ": " + e, e);
    } finally {
      if (probe != null) {
        try {
          Files.deleteIfExists(probe);
        } catch (IOException ignored) {
          // Best effort: the probe is hidden and the error above is what matters.
        }
      }
    }
  }

  private static InvalidInputException notAtomic(String where) {
    return new InvalidInputException(where + " is on a file system that cannot rename files"
        + " atomically; poevi writes its outputs atomically (never half-written): choose a"
        + " directory on a local file system");
  }

  /** What produces a text file's content. */
  @FunctionalInterface
  public interface Text {
    void writeTo(Writer out) throws IOException;
  }

  public static void write(Path target, Content content) {
    writeAll(Map.of(target, content));
  }

  /**
   * Writes several files as one step: every content goes to its temporary file first, and only
   * when all are complete are they renamed over their targets, so a failure never leaves new and
   * old files mixed. Files get the usual rw-r--r-- permissions (temporary files are created
   * owner-only).
   */
  public static void writeAll(Map<Path, Content> files) {
    synchronized (LOCK) {
      if (shuttingDown) {
        throw new UncheckedIOException(new IOException("the JVM is shutting down: "
            + files.keySet() + " not written"));
      }
      List<Path> made = new ArrayList<>();
      boolean done = false;
      try {
        writeAll(files, made);
        done = true;
      } finally {
        if (!done) {
          removeEmpty(made);
        }
      }
    }
  }

  /** Makes {@code dir} and its missing parents, adding each one made to {@code made}. */
  private static void makeDirectories(Path dir, List<Path> made) throws IOException {
    List<Path> missing = new ArrayList<>();
    for (Path d = dir; d != null && !Files.isDirectory(d); d = d.getParent()) {
      missing.add(0, d);
    }
    for (Path d : missing) {
      Files.createDirectory(d);
      made.add(d);
    }
  }

  /** Removes the directories a failed write made, deepest first, if they are empty. */
  private static void removeEmpty(List<Path> made) {
    for (int i = made.size() - 1; i >= 0; i--) {
      try {
        Files.deleteIfExists(made.get(i));
      } catch (IOException notEmptyOrGone) {
        // Best effort: a directory someone else wrote into is theirs to keep.
      }
    }
  }

  private static void writeAll(Map<Path, Content> files, List<Path> made) {
    Map<Path, Path> temporaries = new LinkedHashMap<>();
    List<Path> renamed = new ArrayList<>();
    try {
      for (Map.Entry<Path, Content> e : files.entrySet()) {
        Path target = e.getKey();
        Path dir = target.toAbsolutePath().getParent();
        makeDirectories(dir, made);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        temporaries.put(target, tmp);
        try (OutputStream out = Files.newOutputStream(tmp)) {
          e.getValue().writeBytes(out);
        }
        if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        }
      }
      for (Map.Entry<Path, Path> e : temporaries.entrySet()) {
        // Atomic or not at all: prepareDirectory checked the file system can (an
        // AtomicMoveNotSupportedException here is an IOException, reported below).
        Files.move(e.getValue(), e.getKey(), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        renamed.add(e.getKey());
      }
      temporaries.clear();
      renamed.clear();
    } catch (AtomicMoveNotSupportedException e) {
      throw notAtomic(String.valueOf(e.getFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + String.join(", ",
          files.keySet().stream().map(Path::toString).toList()) + ": " + e.getMessage(), e);
    } finally {
      // A failure: the temporaries go, and so do files already renamed into a directory this
      // write made (there was no old content to keep there).
      List<Path> leftovers = new ArrayList<>(temporaries.values());
      renamed.stream().filter(f -> made.contains(f.toAbsolutePath().getParent()))
          .forEach(leftovers::add);
      for (Path file : leftovers) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // Best effort: the temporary file is hidden and the error above is what matters.
        }
      }
    }
  }
}
