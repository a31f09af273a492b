package org.poevi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code poevi check-target} (issue #21): a user's target checked as a new user would, before a
 * fit: exit 0 and a line per point when its gradient is right; exit 2 and one line naming the
 * parameter and the point when it is not, or when an argument is bad.
 */
class CheckTargetCommandTest {
  @TempDir
  Path dir;


  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private Path arma(String options) throws IOException {
    return Files.writeString(dir.resolve("arma.conf"), "target { type = class, class = \""
        + ArmaTarget.class.getName() + "\", options { " + options + " } }\n");
  }

  @Test
  void aCorrectGradientPassesEvenWhereTheRecursionExplodes() throws IOException {
    CliRun run = run("check-target", arma("").toString(), "--at", "0.5,0.6,1.15,0", "--points",
        "3", "--scale", "0.5");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals("", run.err());
    assertTrue(run.out().startsWith("poevi check-target: arma11 (D = 4): the origin, 1 given"
        + " and 3 random points (N(0, 0.5²·I), seed 1)"), run.out());
    assertEquals(5, run.out().lines().filter(l -> l.startsWith("point ")).count(), run.out());
    assertTrue(run.out().contains("point 2: log p = -1.70990e+25; 4 of 4 components agree"),
        run.out());
    assertTrue(run.out().endsWith("ok: the gradient agrees with finite differences at every"
        + " point in the support\n"), run.out());
  }

  @Test
  void aWrongComponentIsOneLineNamingItAndThePoint() throws IOException {
    CliRun run = run("check-target", arma("bug = 1e-5").toString(), "--points", "1");
    assertEquals(Main.EXIT_USAGE, run.exitCode());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().startsWith("error: check-target: the gradient of arma11 disagrees with"
        + " finite differences at point 1: theta: analytic 709.7095183, numeric 709.7024212"),
        run.err());
    assertTrue(run.out().contains("3 of 4 components agree, 1 disagree"), run.out());
  }

  @Test
  void badPointsAndSettingsAreOneLineErrors() throws IOException {
    String conf = arma("").toString();
    CliRun run = run("check-target", conf, "--at", "1,2,3");
    assertEquals(Main.EXIT_USAGE, run.exitCode());
    assertEquals("error: --at: a point needs 4 comma-separated numbers, got 3 in \"1,2,3\"",
        run.err().strip());
    run = run("check-target", conf, "--at", "1,x,3,4");
    assertEquals("error: --at: \"x\" (number 2 of \"1,x,3,4\") is not a finite number",
        run.err().strip());
    run = run("check-target", conf, "--scale", "0");
    assertEquals("error: --scale must be positive and finite, got 0.0", run.err().strip());
    run = run("check-target", conf, "target.options.length = -1");
    assertEquals(Main.EXIT_USAGE, run.exitCode(), run.err());
  }

  @Test
  void aPosteriorOverDataIsReadAndChecked() {
    CliRun run = run("check-target", "conf/examples/logistic-regression.conf",
        "target.data.synthetic.rows = 2000", "--points", "1", "--scale", "0.1");
    assertEquals(0, run.exitCode(), run.err() + run.out());
    assertTrue(run.out().contains("point 2: log p = "), run.out());
  }
}
