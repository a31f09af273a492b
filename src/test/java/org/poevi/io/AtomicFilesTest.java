package org.poevi.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.poevi.InvalidInputException;

/** Nothing half-written: files appear all at once or not at all, and nothing is left behind. */
class AtomicFilesTest {
  @TempDir
  Path dir;

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void preparingADirectoryMakesNothing() throws IOException {
    Path out = dir.resolve("new").resolve("out");
    AtomicFiles.prepareDirectory(out, "--out");
    assertEquals(List.of(), names(), "no directory and no atomic-rename probe");
    Files.createDirectory(dir.resolve("old"));
    AtomicFiles.prepareDirectory(dir.resolve("old"), "--out");
    try (Stream<Path> files = Files.list(dir.resolve("old"))) {
      assertEquals(0, files.count(), "the atomic-rename probe is removed");
    }
    Path parentFile = Files.writeString(dir.resolve("plain"), "x");
    InvalidInputException notDir = assertThrows(InvalidInputException.class,
        () -> AtomicFiles.prepareDirectory(parentFile.resolve("out"), "--out"));
    assertEquals("--out " + parentFile.resolve("out") + " cannot be made: " + parentFile
        + " is not a directory", notDir.getMessage());
    Path file = dir.resolve("plain");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> AtomicFiles.prepareDirectory(file, "--out"));
    assertEquals("--out " + file + " exists and is not a directory", e.getMessage());
  }

  @Test
  void aFailureLeavesTheOldFilesAndNoTemporaries() throws IOException {
    Files.writeString(dir.resolve("a.txt"), "old a");
    Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
    files.put(dir.resolve("a.txt"), AtomicFiles.Content.text(w -> w.write("new a")));
    files.put(dir.resolve("b.txt"), AtomicFiles.Content.text(w -> {
      throw new IOException("disk full");
    }));
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> AtomicFiles.writeAll(files));
    assertTrue(e.getMessage().contains("disk full"), e.getMessage());
    assertEquals("old a", Files.readString(dir.resolve("a.txt")), "a is not replaced");
    assertEquals(List.of("a.txt"), names(), "no b.txt and no temporary files");
  }

  @Test
  void aFailureInANewDirectoryLeavesNoDirectory() throws IOException {
    Path out = dir.resolve("runs").resolve("fit");
    Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
    files.put(out.resolve("model.json"), AtomicFiles.Content.text(w -> w.write("{}")));
    files.put(out.resolve("plots").resolve("trace.png"), out2 -> {
      throw new IOException("no memory for the picture");
    });
    assertThrows(UncheckedIOException.class, () -> AtomicFiles.writeAll(files));
    assertEquals(List.of(), names(), "runs/, runs/fit/ and runs/fit/plots/ are removed again");
    Files.createDirectories(dir.resolve("runs"));
    Files.writeString(dir.resolve("runs").resolve("keep.txt"), "someone's");
    assertThrows(UncheckedIOException.class, () -> AtomicFiles.writeAll(files));
    try (Stream<Path> left = Files.list(dir.resolve("runs"))) {
      assertEquals(List.of("keep.txt"), left.map(p -> p.getFileName().toString()).toList(),
          "only what the write made is removed");
    }
  }

  @Test
  void allFilesAppearTogether() throws IOException {
    AtomicFiles.writeAll(Map.of(dir.resolve("a.txt"), AtomicFiles.Content.text(w ->
        w.write("a")), dir.resolve("sub").resolve("b.bin"), AtomicFiles.Content.bytes(
        new byte[] {1, 2})));
    assertEquals("a", Files.readString(dir.resolve("a.txt")));
    assertEquals(2, Files.readAllBytes(dir.resolve("sub").resolve("b.bin")).length);
    assertEquals(List.of("a.txt", "sub"), names());
  }
}
