package org.poevi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.poevi.family.ModelJson;
import org.poevi.family.ProductOfExperts;

/** End-to-end tests of {@code poevi sample}: outputs, determinism and one-line user errors. */
class SampleCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** D = 2, two full-rank experts, ν = 2·3.5 − 2 = 5. */
  private static final String MODEL = """
      {"format": "poevi-model", "version": 1, "family": "product-of-t", "dimension": 2,
       "parameters": ["mu", "log_sigma"],
       "experts": [
         {"location": [0.0, 0.0], "lambda": [[0.5, 0.1], [0.1, 0.4]], "alpha": 2.0},
         {"location": [1.0, 0.5], "lambda": [[0.3, 0.0], [0.0, 0.6]], "alpha": 1.5}]}
      """;

  /** D = 2 with a singular second expert: normalisable (2·2 > 1 along e2), but not exact-samplable. */
  private static final String SINGULAR_MODEL = """
      {"format": "poevi-model", "version": 1, "dimension": 2,
       "experts": [
         {"location": [0.0, 0.0], "lambda": [[0.5, 0.0], [0.0, 0.5]], "alpha": 2.0},
         {"location": [1.0, 0.0], "lambda": [[1.0, 0.0], [0.0, 0.0]], "alpha": 1.0}]}
      """;

  /** Small, fast runs; an option given explicitly to {@link #sample} replaces these. */
  private static final String[] FAST = {"--draws", "2000", "--normalizer-draws", "20000"};

  @TempDir
  Path dir;
  private Path model;


  @BeforeEach
  void writeModel() throws IOException {
    model = dir.resolve("model.json");
    Files.writeString(model, MODEL);
  }

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private CliRun sample(Path outDir, String... extra) {
    List<String> args = new ArrayList<>(List.of("sample", "--model", model.toString(), "--out",
        outDir.toString()));
    List<String> given = List.of(extra);
    for (int i = 0; i < FAST.length; i += 2) {
      if (!given.contains(FAST[i])) {
        args.add(FAST[i]);
        args.add(FAST[i + 1]);
      }
    }
    args.addAll(given);
    return run(args.toArray(String[]::new));
  }

  // ---- a good run ----

  @Test
  void writesDrawsAndSummary() throws IOException {
    Path out = dir.resolve("out");
    CliRun r = sample(out, "--seed", "3");
    assertEquals(0, r.exitCode(), () -> "exit code; stderr: " + r.err());
    assertTrue(r.out().strip().endsWith("wrote " + out.resolve("draws.csv") + " and "
        + out.resolve("summary.json")), r.out());

    List<String> lines = Files.readAllLines(out.resolve("draws.csv"));
    assertEquals("mu,log_sigma,lq__", lines.get(0),
        "header = parameter names in order, then log q (no lp__: sample has no target)");
    assertEquals(2001, lines.size(), "header + 2000 draws");
    double[][] columns = new double[3][2000];
    for (int i = 1; i < lines.size(); i++) {
      String[] cells = lines.get(i).split(",", -1);
      assertEquals(3, cells.length, "cells on line " + (i + 1));
      for (int d = 0; d < 3; d++) {
        double v = Double.parseDouble(cells[d]);
        assertTrue(Double.isFinite(v), "draw on line " + (i + 1) + " is " + v);
        columns[d][i - 1] = v;
      }
    }

    String text = Files.readString(out.resolve("summary.json"));
    assertFalse(text.contains("NaN") || text.contains("Infinity"),
        () -> "summary.json must be strict JSON without NaN/Infinity tokens:\n" + text);
    JsonNode summary = MAPPER.readTree(text);
    JsonNode normalizer = summary.path("logNormalizer");
    assertTrue(normalizer.path("estimate").isNumber(), "logNormalizer.estimate: " + normalizer);
    assertTrue(normalizer.path("standardError").isNumber(),
        "logNormalizer.standardError: " + normalizer);
    assertTrue(normalizer.path("standardError").asDouble() >= 0, "standardError >= 0");
    assertTrue(normalizer.path("draws").isIntegralNumber() && normalizer.path("draws").asLong() > 0,
        "logNormalizer.draws: " + normalizer);
    assertTrue(Set.of("exact", "sir").contains(summary.path("sampling").path("mode").asText()),
        "sampling.mode: " + summary.path("sampling"));
    for (int d = 0; d < 2; d++) {
      String name = d == 0 ? "mu" : "log_sigma";
      JsonNode p = summary.path("parameters").path(name);
      for (String stat : List.of("mean", "mcse", "sd", "q05", "q50", "q95", "ess")) {
        assertTrue(p.path(stat).isNumber(), "parameters." + name + "." + stat + ": " + p);
      }
      double[] x = columns[d];
      double mean = Arrays.stream(x).average().orElseThrow();
      // The summary is computed from the same draws: only summation order may differ.
      assertEquals(mean, p.path("mean").asDouble(), 1e-9 * (1 + Math.abs(mean)),
          "parameters." + name + ".mean vs the mean of draws.csv");
      assertTrue(p.path("q05").asDouble() <= p.path("q50").asDouble()
          && p.path("q50").asDouble() <= p.path("q95").asDouble(), "quantiles ordered: " + p);
      assertTrue(p.path("sd").asDouble() > 0, "sd > 0: " + p);
    }
    // The model carries no logNormalizer: lq__ uses this run's (summary.json's), exactly.
    ProductOfExperts family = ModelJson.read(model).family();
    double logC = normalizer.path("estimate").asDouble();
    for (int i = 0; i < 2000; i += 199) {
      double expected = family.logDensityUnnormalized(new double[] {columns[0][i],
          columns[1][i]}) - logC;
      assertEquals(expected, columns[2][i], 0.0, "lq__ of draw " + i);
    }
  }

  @Test
  void threadCountNeverChangesTheOutput() throws IOException {
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    CliRun r1 = sample(one, "--seed", "3", "--threads", "1");
    CliRun r2 = sample(two, "--seed", "3", "--threads", "2");
    assertEquals(0, r1.exitCode(), r1.err());
    assertEquals(0, r2.exitCode(), r2.err());
    assertTrue(Arrays.equals(Files.readAllBytes(one.resolve("draws.csv")),
        Files.readAllBytes(two.resolve("draws.csv"))),
        "draws.csv must be byte-identical for --threads 1 and --threads 2");

    ObjectNode s1 = (ObjectNode) MAPPER.readTree(one.resolve("summary.json").toFile());
    ObjectNode s2 = (ObjectNode) MAPPER.readTree(two.resolve("summary.json").toFile());
    assertEquals(1, s1.path("threads").asInt(), "threads recorded");
    assertEquals(2, s2.path("threads").asInt(), "threads recorded");
    for (ObjectNode s : List.of(s1, s2)) {
      s.remove("wallTimeSeconds");
      s.remove("threads");
    }
    assertEquals(s1, s2, "summary.json must agree apart from wallTimeSeconds and threads");
  }

  @Test
  void differentSeedsGiveDifferentDraws() throws IOException {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    assertEquals(0, sample(a, "--seed", "3").exitCode());
    assertEquals(0, sample(b, "--seed", "4").exitCode());
    List<String> la = Files.readAllLines(a.resolve("draws.csv"));
    List<String> lb = Files.readAllLines(b.resolve("draws.csv"));
    assertEquals(la.get(0), lb.get(0), "same header");
    assertNotEquals(la.subList(1, la.size()), lb.subList(1, lb.size()),
        "seeds 3 and 4 should give different draws");
    assertNotEquals(la.get(1), lb.get(1), "even the first draws should differ");
  }

  // ---- user errors: exit 2, one line "error: ...", no outputs, no stack trace ----

  @Test
  void missingModel() {
    Path out = dir.resolve("out");
    assertUserError(out, run("sample", "--out", out.toString()), "--model");
  }

  @Test
  void missingOut() {
    CliRun r = run("sample", "--model", model.toString());
    assertUserError(dir.resolve("out"), r, "--out");
  }

  @Test
  void zeroDraws() {
    Path out = dir.resolve("out");
    assertUserError(out, sample(out, "--draws", "0"), "--draws", ">= 1", "got 0");
  }

  @Test
  void nonNumericDraws() {
    Path out = dir.resolve("out");
    assertUserError(out, sample(out, "--draws", "abc"), "--draws", "abc");
  }

  @Test
  void zeroThreads() {
    Path out = dir.resolve("out");
    assertUserError(out, sample(out, "--threads", "0"), "--threads");
  }

  @Test
  void unknownMode() {
    Path out = dir.resolve("out");
    assertUserError(out, sample(out, "--mode", "bogus"), "--mode", "bogus");
  }

  @Test
  void nonexistentModelFile() {
    Path out = dir.resolve("out");
    Path missing = dir.resolve("missing.json");
    CliRun r = run("sample", "--model", missing.toString(), "--out", out.toString());
    assertUserError(out, r, "does not exist", missing.toString());
  }

  @Test
  void malformedModelJson() throws IOException {
    Path out = dir.resolve("out");
    Files.writeString(model, "{\"format\": \"poevi-model\",\n \"version\": 1,,}");
    assertUserError(out, sample(out), "malformed JSON", model.toString(), "line 2");
  }

  @Test
  void invalidModelNamesTheField() throws IOException {
    Path out = dir.resolve("out");
    Files.writeString(model, MODEL.replace("\"alpha\": 1.5", "\"alpha\": -1.5"));
    assertUserError(out, sample(out), "experts[1].alpha");
  }

  @Test
  void tooFewNormalizerDraws() {
    Path out = dir.resolve("out");
    CliRun r = run("sample", "--model", model.toString(), "--out", out.toString(),
        "--normalizer-draws", "10");
    assertUserError(out, r, "--normalizer-draws", "10");
  }

  @Test
  void drawsThatCannotFitInTheHeap() {
    Path out = dir.resolve("out");
    CliRun r = run("sample", "--model", model.toString(), "--out", out.toString(),
        "--draws", "2000000000");
    assertUserError(out, r, "--draws", "heap");
  }

  @Test
  void outIsARegularFile() throws IOException {
    Path file = dir.resolve("taken");
    Files.writeString(file, "not a directory");
    assertUserError(dir, sample(file), "--out", "not a directory");
    assertEquals("not a directory", Files.readString(file), "the file must be left alone");
  }

  @Test
  void unknownOption() {
    Path out = dir.resolve("out");
    assertUserError(out, sample(out, "--bogus", "1"), "--bogus");
  }

  @Test
  void exactModeNeedsFullRankLambdas() throws IOException {
    Files.writeString(model, SINGULAR_MODEL);
    Path out = dir.resolve("out");
    assertUserError(out, sample(out, "--mode", "exact"), "exact", "singular");
  }

  @Test
  void singularModelSamplesWithSir() throws IOException {
    // The same model in the default mode works: the exact-mode error is about the mode only.
    Files.writeString(model, SINGULAR_MODEL);
    Path out = dir.resolve("out");
    CliRun r = sample(out, "--seed", "5");
    assertEquals(0, r.exitCode(), () -> "stderr: " + r.err());
    JsonNode summary = MAPPER.readTree(out.resolve("summary.json").toFile());
    assertEquals("sir", summary.path("sampling").path("mode").asText());
    assertEquals("z[1],z[2],lq__", Files.readAllLines(out.resolve("draws.csv")).get(0),
        "default parameter names");
  }

  /**
   * Exit code 2; stderr is exactly one line starting with "error:" and holding every fragment, with
   * no stack trace; neither output file exists in {@code outDir}.
   */
  private static void assertUserError(Path outDir, CliRun r, String... fragments) {
    assertEquals(Main.EXIT_USAGE, r.exitCode(), () -> "exit code; stderr:\n" + r.err());
    List<String> lines = r.err().lines().toList();
    assertFalse(lines.stream().anyMatch(l -> l.startsWith("\tat ")),
        () -> "no stack trace on a user error:\n" + r.err());
    assertEquals(1, lines.size(), () -> "stderr should be one line:\n" + r.err());
    String line = lines.get(0);
    assertTrue(line.startsWith("error:"), () -> "stderr should start with 'error:': " + line);
    for (String f : fragments) {
      assertTrue(line.contains(f), () -> "error should mention '" + f + "': " + line);
    }
    assertFalse(Files.exists(outDir.resolve("draws.csv")), "no draws.csv after an error");
    assertFalse(Files.exists(outDir.resolve("summary.json")), "no summary.json after an error");
  }
}
