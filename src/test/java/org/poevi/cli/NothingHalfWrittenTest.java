package org.poevi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fit that fails after it has started leaves nothing under --out, or the previous complete
 * output untouched: a target that throws in iteration 3, and the driver stopped by SIGTERM in
 * the middle of the iterations.
 */
class NothingHalfWrittenTest {
  private static final String SMALL = "experts.count=8 init.gaussian-rounds=2"
      + " init.gaussian-draws=2000 init.mode-starts=4 fit.iterations=6 fit.batch-size=600"
      + " fit.tolerance=1e-12 output.draws=1000";

  @TempDir
  Path dir;

  private Path config(String options) throws IOException {
    return Files.writeString(dir.resolve("failing.conf"), "target { type = class, class = \""
        + FailingTarget.class.getName() + "\", options { " + options + " } }\n");
  }

  private static List<String> args(Path config, Path out) {
    List<String> args = new ArrayList<>(List.of("fit", config.toString(), "--out",
        out.toString(), "--master", "none"));
    args.addAll(List.of(SMALL.split(" ")));
    return args;
  }

  private static int run(List<String> args, StringWriter err) {
    return Main.commandLine().setOut(new PrintWriter(new StringWriter()))
        .setErr(new PrintWriter(err)).execute(args.toArray(new String[0]));
  }

  /** Every file under {@code root} (relative path to bytes); empty when it does not exist. */
  private static Map<String, byte[]> contents(Path root) throws IOException {
    Map<String, byte[]> all = new TreeMap<>();
    if (!Files.exists(root)) {
      return all;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        all.put(root.relativize(f).toString(), Files.readAllBytes(f));
      }
    }
    return all;
  }

  private static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), name));
  }

  @Test
  void aTargetThatThrowsInIterationThreeLeavesNothingBehind() throws IOException {
    Path out = dir.resolve("out");
    StringWriter err = new StringWriter();
    assertEquals(0, run(args(config("dim = 2"), out), err), err.toString());
    List<String> trace = Files.readAllLines(out.resolve("trace.csv"));
    assertTrue(trace.size() >= 4, "at least three iterations ran: " + trace.size());
    int evals = List.of(trace.get(0).split(",")).indexOf("score_evaluations");
    long afterTwo = Long.parseLong(trace.get(2).split(",")[evals]);
    Map<String, byte[]> previous = contents(out);

    // The same fit failing in iteration 3: a new directory is not made ...
    Path fresh = dir.resolve("fresh").resolve("out");
    StringWriter failed = new StringWriter();
    Path failing = config("dim = 2, fail-after = " + (afterTwo + 100));
    assertEquals(Main.EXIT_USAGE, run(args(failing, fresh), failed), failed.toString());
    assertTrue(failed.toString().contains("fails on purpose"), failed.toString());
    assertEquals(1, failed.toString().lines().count(), "one line: " + failed);
    assertFalse(Files.exists(dir.resolve("fresh")), "no --out (nor its parent) is made");
    // ... and an old output is left as it was, without temporaries.
    assertEquals(Main.EXIT_USAGE, run(args(failing, out), new StringWriter()));
    assertSameFiles(previous, contents(out));
  }

  /**
   * docs/user-targets.md's rule: −∞ where the model is undefined lets the fit go on (every
   * phase probes far-out points), where a throw stops it.
   */
  @Test
  void minusInfinityOutsideTheSupportIsNotAnError() throws IOException {
    Path out = dir.resolve("truncated");
    StringWriter err = new StringWriter();
    assertEquals(0, run(args(config("dim = 2, support = 2.5"), out), err), err.toString());
    for (String line : Files.readAllLines(out.resolve("draws.csv")).subList(1, 1001)) {
      String[] cells = line.split(",");
      double r2 = Math.pow(Double.parseDouble(cells[0]), 2)
          + Math.pow(Double.parseDouble(cells[1]), 2);
      assertTrue(r2 <= 2.5 * 2.5 || Double.parseDouble(cells[2]) == Double.NEGATIVE_INFINITY,
          "a draw outside the support has lp__ = -Infinity: " + line);
    }
  }

  /** SIGTERM (Process.destroy) to a fit in its iterations, in a JVM of its own. */
  @Test
  void aDriverStoppedBySigtermLeavesNothingBehind() throws Exception {
    Path config = config("dim = 2, slow-nanos = 20000");
    Path out = dir.resolve("out");
    StringWriter err = new StringWriter();
    assertEquals(0, run(args(config("dim = 2"), out), err), err.toString());
    Map<String, byte[]> previous = contents(out);
    for (Path target : List.of(dir.resolve("new"), out)) {
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), Main.class.getName()));
      command.addAll(args(config, target));
      command.add("fit.iterations=100000");
      Process fit = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(
          fit.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null && !line.contains("iter   2")) {
          // Wait until the fit is in its iterations.
        }
        assertTrue(line != null, "the fit reached its second iteration");
        fit.destroy(); // SIGTERM
        assertTrue(fit.waitFor(60, TimeUnit.SECONDS), "the fit stops on SIGTERM");
      } finally {
        fit.destroyForcibly();
      }
      if (target.equals(out)) {
        assertSameFiles(previous, contents(out));
      } else {
        assertFalse(Files.exists(target), "no --out is made");
      }
    }
  }
}
