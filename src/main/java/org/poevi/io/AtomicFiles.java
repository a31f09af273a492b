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
import java.util.LinkedHashMap;
import java.util.Map;
import org.poevi.InvalidInputException;

/**
 * Writes a file so that readers see either the old content or the complete new one, never a
 * half-written file: the content goes to a temporary file in the same directory, which is then
 * renamed over the target.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

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
   * Fails, before any work, when {@code dir} cannot be created or written to; the one-line error
   * calls it {@code name} (e.g. "--out" on the command line). A regular file there is left alone.
   */
  public static void prepareDirectory(Path dir, String name) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new InvalidInputException(name + " " + dir + " exists and is not a directory");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + name + " " + dir + ": " + e, e);
    }
    if (!Files.isWritable(dir)) {
      throw new InvalidInputException(name + " " + dir + " is not writable");
    }
    checkAtomicRename(dir, name);
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
    Map<Path, Path> temporaries = new LinkedHashMap<>();
    try {
      for (Map.Entry<Path, Content> e : files.entrySet()) {
        Path target = e.getKey();
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
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
      }
      temporaries.clear();
    } catch (AtomicMoveNotSupportedException e) {
      throw notAtomic(String.valueOf(e.getFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + String.join(", ",
          files.keySet().stream().map(Path::toString).toList()) + ": " + e.getMessage(), e);
    } finally {
      for (Path tmp : temporaries.values()) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Best effort: the temporary file is hidden and the error above is what matters.
        }
      }
    }
  }
}
