package org.poevi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.poevi.family.ModelJson;

/** End-to-end tests of {@code poevi fit} and {@code poevi evaluate}, and their one-line errors. */
class FitCommandTest {
  /** Settings of every method for a small, fast fit. */
  private static final String[] RUN = {"output.draws=1000", "spark.master=none"};
  /** A small product-of-experts fit (keys of fit.method = poe only). */
  private static final String[] SMALL = {"experts.count=8", "init.gaussian-rounds=2",
      "init.gaussian-draws=2000", "init.mode-starts=4", "fit.iterations=2",
      "fit.batch-size=600"};

  @TempDir
  Path dir;


  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private Path config(String text) throws IOException {
    Path c = dir.resolve("fit.conf");
    Files.writeString(c, text);
    return c;
  }

  private CliRun fit(Path config, Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of(SMALL));
    args.addAll(List.of(extra));
    return fitWith(config, out, args.toArray(new String[0]));
  }

  /** A fit with only the settings every method shares, and {@code extra}. */
  private CliRun fitWith(Path config, Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("fit", config.toString(), "--out",
        out.toString()));
    args.addAll(List.of(RUN));
    args.addAll(List.of(extra));
    return run(args.toArray(new String[0]));
  }

  /** The notebook API (org.poevi.spark.Poevi) runs the same fit as the command, bit for bit. */
  @Test
  void aNotebookFitIsTheCommandLineFit() throws IOException {
    Path conf = config("target { type = banana }\n");
    CliRun r = fit(conf, dir.resolve("cli"));
    assertEquals(0, r.exitCode(), r.err());
    org.poevi.spark.PoeviFit fit;
    try (org.poevi.spark.Poevi poevi = org.poevi.spark.Poevi.local().quiet()) {
      List<String> all = new ArrayList<>(List.of(RUN));
      all.addAll(List.of(SMALL));
      fit = poevi.fit(conf, all.toArray(new String[0]));
    }
    fit.save(dir.resolve("api"));
    // trace.csv holds timings; the rest is deterministic.
    for (String file : List.of("model.json", "draws.csv")) {
      assertEquals(Files.readString(dir.resolve("cli").resolve(file)),
          Files.readString(dir.resolve("api").resolve(file)), file);
    }
  }

  @Test
  void fitWritesTheFourOutputsAndEvaluateScoresThem() throws IOException {
    Path conf = config("target { type = banana }\n");
    Path out = dir.resolve("out");
    CliRun r = fit(conf, out);
    assertEquals(0, r.exitCode(), r.err());
    for (String f : List.of("model.json", "draws.csv", "trace.csv", "summary.json")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    ModelJson.read(out.resolve("model.json"));
    List<String> trace = Files.readAllLines(out.resolve("trace.csv"));
    assertEquals(3, trace.size(), "header plus one row per iteration");
    assertTrue(trace.get(0).startsWith("iteration,fisher,delta_alpha,objective_change,active_experts"));
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertTrue(s.at("/logNormalizer/estimate").isNumber());
    assertTrue(s.at("/fit/stopReason").isTextual());
    assertEquals("banana", s.at("/config/target/type").asText());
    assertTrue(s.at("/fit/firstQ").isMissingNode(), "weighted batches from the start: no first q");
    assertEquals(1001, Files.readAllLines(out.resolve("draws.csv")).size());
    // The pictures (FitPlotsTest checks their content): all four for a 2-D target.
    for (String png : List.of("trace.png", "marginals.png", "alpha.png", "contours.png")) {
      assertTrue(Files.size(out.resolve("plots").resolve(png)) > 1000, png);
    }
    Path without = dir.resolve("no-plots");
    assertEquals(0, fit(conf, without, "output.plots=false").exitCode());
    assertFalse(Files.exists(without.resolve("plots")), "output.plots = false writes none");

    Path eval = dir.resolve("eval.json");
    CliRun e = run("evaluate", "--model", out.resolve("model.json").toString(), conf.toString(),
        "--reference-draws", "2000", "--draws", "2000", "--out", eval.toString());
    assertEquals(0, e.exitCode(), e.err());
    JsonNode ev = new ObjectMapper().readTree(eval.toFile());
    assertTrue(Double.isFinite(ev.at("/model/kl/value").asDouble()));
    assertTrue(ev.at("/oracleGaussian/kl/value").asDouble() > 0);

    // A model that does not fit the target: one line, and no output directory made.
    Path funnel = dir.resolve("funnel.conf");
    Files.writeString(funnel, "target { type = funnel, dimension = 3 }\n");
    Path unmade = dir.resolve("unmade").resolve("eval.json");
    CliRun wrong = run("evaluate", "--model", out.resolve("model.json").toString(),
        funnel.toString(), "--out", unmade.toString());
    assertEquals(Main.EXIT_USAGE, wrong.exitCode());
    assertTrue(wrong.err().contains("has dimension 2"), wrong.err());
    assertFalse(Files.exists(unmade.getParent()), "nothing made for a refused input");
  }

  /**
   * The funnel's first weighted batch keeps too few draws, so the fit has a first q before its
   * MALA population, and summary.json says when: after far fewer evaluations than the whole fit.
   */
  @Test
  void aPopulationFitReportsItsFirstQ() throws IOException {
    Path out = dir.resolve("funnel-out");
    // The default batch and preliminary Gaussian: they decide between batches and a population.
    CliRun r = fitWith(config("target { type = funnel, dimension = 3 }\n"), out,
        "init.mode-starts=4", "fit.iterations=2", "output.plots=false");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    long first = s.at("/fit/firstQ/scoreEvaluations").asLong();
    long all = s.at("/fit/scoreEvaluations").asLong();
    assertTrue(first > 0 && first < all / 4, "first q at " + first + " of " + all);
    assertTrue(s.at("/fit/firstQ/activeExperts").asInt() > 0);
    assertTrue(s.at("/fit/firstQ/dof").asDouble() > 0);
    assertTrue(r.out().contains("first q after " + first + " score evaluations"), r.out());
    // The population's burn-in, as the console said it: 2048 chains (the batch size), at least
    // move-burn-in (50) steps, and a third of those steps' proposals independent ones.
    assertEquals(2048, s.at("/fit/population/chains").asInt());
    int steps = s.at("/fit/population/burnInSteps").asInt();
    assertTrue(steps >= 50, "burn-in steps " + steps);
    JsonNode independence = s.at("/fit/population/independenceSteps");
    long proposals = independence.get("proposals").asLong();
    assertTrue(proposals > 0 && proposals % 2048 == 0 && proposals <= 2048L * steps / 3,
        "proposals " + proposals);
    double acceptance = independence.get("acceptance").asDouble();
    assertTrue(acceptance > 0 && acceptance < 1, "acceptance " + acceptance);
    assertTrue(r.out().contains("population reached p after " + steps + " burn-in steps"
        + String.format(java.util.Locale.ROOT, " (independence steps accepted %.3f of %d",
        acceptance, proposals)), r.out());
    assertEquals(independence.get("stopped").asBoolean(), r.out().contains("too few: stopped"));
  }

  /**
   * A posterior over synthetic data end to end: summary.json gives the true values next to the
   * posterior on the constrained scale, and the 1200 rows pin σ = 2 down (posterior sd about
   * 2/√(2·1200) ≈ 0.04; a rough 2-iteration fit is asked for 0.5 only).
   */
  @Test
  void aSyntheticPosteriorReportsItsTruth() throws IOException {
    Path conf = config("target { type = varying-intercepts, groups = 3, rows-per-group = 400 }");
    Path out = dir.resolve("varying");
    CliRun r = fit(conf, out);
    assertEquals(0, r.exitCode(), r.err());
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(List.of("mu", "tau", "sigma", "theta[1]", "theta[2]", "theta[3]"),
        fieldNames(s.get("constrainedParameters")));
    assertEquals(List.of("mu", "tau", "sigma", "theta[1]", "theta[2]", "theta[3]"),
        fieldNames(s.at("/data/trueValues")));
    assertEquals(1200, s.at("/data/rows").asInt());
    assertEquals(2.0, s.at("/data/trueValues/sigma").asDouble(), 0);
    assertEquals(2.0, s.at("/constrainedParameters/sigma/mean").asDouble(), 0.5);
  }

  /**
   * A posteriordb model end to end: fit garch11, summary.json on both scales (alpha1 = σ(u₃) of
   * the draws' logit_alpha1 column, to rounding), then evaluate against posteriordb's reference
   * draws (Neg-LLH next to the oracle Gaussian's, the normaliser's independent check; no KL, as
   * p's normaliser is unknown), and the reference file's errors.
   */
  @Test
  void aPosteriorIsFittedAndScoredAgainstReferenceDraws() throws IOException {
    Path conf = Path.of("conf/examples/posteriordb/garch11.conf");
    Path out = dir.resolve("garch");
    CliRun r = fit(conf, out);
    assertEquals(0, r.exitCode(), r.err());
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(List.of("mu", "alpha0", "alpha1", "beta1"), fieldNames(
        s.get("constrainedParameters")));
    double logit = s.at("/parameters/logit_alpha1/q50").asDouble();
    // The median commutes with the monotone σ, up to which draw sits in the middle: the two
    // medians are the same draw's values when the count is odd, neighbours otherwise.
    assertEquals(1 / (1 + Math.exp(-logit)), s.at("/constrainedParameters/alpha1/q50")
        .asDouble(), 0.01);
    Path reference = Path.of("conf/posteriordb/garch-garch11/draws_unconstrained.csv.gz");
    Path eval = dir.resolve("eval.json");
    CliRun e = run("evaluate", "--model", out.resolve("model.json").toString(), conf.toString(),
        "--reference", reference.toString(), "--draws", "2000", "--out", eval.toString());
    assertEquals(0, e.exitCode(), e.err());
    JsonNode ev = new ObjectMapper().readTree(eval.toFile());
    assertEquals(10000, ev.get("referenceDraws").asInt());
    assertTrue(ev.at("/model/kl/value").isNull(), "no KL without p's normaliser");
    double nll = ev.at("/model/negLogLikelihood/value").asDouble();
    double oracle = ev.at("/oracleGaussian/negLogLikelihood/value").asDouble();
    // A 2-iteration fit on 600 points is rough but far from useless: within 5 nats of the best
    // Gaussian (the default fit is 0.2 nats below it, docs/benchmarks.md).
    assertTrue(Double.isFinite(nll) && nll < oracle + 5, nll + " vs " + oracle);
    assertEquals(ev.get("modelLogNormalizer").asDouble() - ev.get("zSpaceLogNormalizer")
        .asDouble(), ev.get("logNormalizerGap").asDouble(), 1e-12);

    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "chain,draw,mu,log_alpha0,logit_alpha1\n1,1,0,0,0\n");
    CliRun missing = run("evaluate", "--model", out.resolve("model.json").toString(),
        conf.toString(), "--reference", bad.toString(), "--out", eval.toString());
    assertEquals(Main.EXIT_USAGE, missing.exitCode());
    assertEquals("error: --reference " + bad + " has no column \"logit_beta1_over_1m_alpha1\""
        + " (the model's parameters are [mu, log_alpha0, logit_alpha1,"
        + " logit_beta1_over_1m_alpha1])", missing.err().strip());
    StringBuilder rows = new StringBuilder("mu,log_alpha0,logit_alpha1,logit_beta1_over_1m_alpha1\n");
    for (int i = 0; i < 150; i++) {
      rows.append(i == 42 ? "1,2,x,4\n" : "1,2,3,4\n");
    }
    Files.writeString(bad, rows);
    CliRun nan = run("evaluate", "--model", out.resolve("model.json").toString(),
        conf.toString(), "--reference", bad.toString(), "--out", eval.toString());
    assertEquals("error: --reference " + bad + " line 44 column \"logit_alpha1\": not a"
        + " number: \"x\"", nan.err().strip());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /**
   * A Gaussian baseline end to end: fit (model.json with family gaussian, draws, trace, summary
   * on both scales), evaluate against the target's exact draws, and sample.
   */
  @Test
  void aBaselineIsFittedEvaluatedAndSampled() throws IOException {
    Path conf = config("target { type = banana }\n");
    Path out = dir.resolve("bam");
    CliRun r = fitWith(conf, out, "fit.method=bam", "fit.bam.iterations=20",
        "fit.bam.batch-size=16");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("method bam"), r.out());
    JsonNode model = new ObjectMapper().readTree(out.resolve("model.json").toFile());
    assertEquals("gaussian", model.get("family").asText());
    assertEquals(2, model.get("mean").size());
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals("bam", s.at("/fit/method").asText());
    // 20 batches of 16 after the Laplace start's mode search (its evaluations count too).
    long search = s.at("/fit/scoreEvaluations").asLong() - 20 * 16;
    assertTrue(search > 0 && r.out().contains("mode search for the Laplace start"), r.out());
    assertEquals(21, Files.readAllLines(out.resolve("trace.csv")).size());
    assertTrue(Files.exists(out.resolve("plots").resolve("marginals.png")));
    Path eval = dir.resolve("bam-eval.json");
    CliRun e = run("evaluate", "--model", out.resolve("model.json").toString(), conf.toString(),
        "--reference-draws", "2000", "--draws", "2000", "--out", eval.toString());
    assertEquals(0, e.exitCode(), e.err());
    JsonNode ev = new ObjectMapper().readTree(eval.toFile());
    assertEquals("exact", ev.get("logNormalizerMethod").asText());
    // KL(p; q) of any q is >= 0; a Gaussian cannot beat the oracle Gaussian by more than noise
    // (the estimates' standard errors are about 0.01 at 2000 draws).
    double kl = ev.at("/model/kl/value").asDouble();
    assertTrue(kl > ev.at("/oracleGaussian/kl/value").asDouble() - 0.05, "KL " + kl);
    Path sampled = dir.resolve("bam-sample");
    CliRun sample = run("sample", "--model", out.resolve("model.json").toString(), "--draws",
        "500", "--seed", "2", "--out", sampled.toString());
    assertEquals(0, sample.exitCode(), sample.err());
    assertEquals(501, Files.readAllLines(sampled.resolve("draws.csv")).size());
    CliRun bad = fitWith(conf, dir.resolve("bad"), "fit.method=vi");
    assertEquals(Main.EXIT_USAGE, bad.exitCode());
    assertEquals("error: fit.method must be one of poe, advi-fullrank, advi-meanfield, bam; got"
        + " \"vi\"", bad.err().strip());
  }

  /** The same seed gives identical model.json and draws.csv with 1 and 2 threads. */
  @Test
  void fitDoesNotDependOnThreads() throws IOException {
    Path conf = config("target { type = banana }\n");
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    assertEquals(0, fit(conf, one, "fit.threads=1").exitCode());
    assertEquals(0, fit(conf, two, "fit.threads=2").exitCode());
    assertArrayEquals(Files.readAllBytes(one.resolve("model.json")),
        Files.readAllBytes(two.resolve("model.json")));
    assertArrayEquals(Files.readAllBytes(one.resolve("draws.csv")),
        Files.readAllBytes(two.resolve("draws.csv")));
  }

  /** On Spark (embedded, or the test JVM's running context) the fit is the one without Spark. */
  @Test
  void fitOnSparkIsTheFitWithoutSpark() throws IOException {
    Path conf = config("target { type = banana }\n");
    Path alone = dir.resolve("alone");
    Path spark = dir.resolve("spark");
    assertEquals(0, fit(conf, alone).exitCode());
    CliRun r = fit(conf, spark, "spark.master=\"local[2]\"",
        "spark.partitions=3");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("Spark local"), r.out());
    assertArrayEquals(Files.readAllBytes(alone.resolve("model.json")),
        Files.readAllBytes(spark.resolve("model.json")));
    assertArrayEquals(Files.readAllBytes(alone.resolve("draws.csv")),
        Files.readAllBytes(spark.resolve("draws.csv")));
  }

  /**
   * Without Spark (spark.master = none) a data file of any Spark format is read into this JVM
   * (issue #16: it used to be refused); an unknown format is one line, before --out is made.
   */
  @Test
  void aDataFileIsFittedWithoutSpark() throws IOException {
    StringBuilder text = new StringBuilder("y;x\n");
    for (int i = 0; i < 300; i++) {
      text.append(i % 3 == 0 ? 1 : 0).append(';').append((i * 37 % 101) / 50.0 - 1).append('\n');
    }
    Path data = Files.writeString(dir.resolve("rows.txt"), text);
    Path conf = config("target { type = logistic-regression, data { path = \"" + data + "\","
        + " format = csv, options.sep = \";\", response = y, predictors = [x] } }\n");
    CliRun r = fit(conf, dir.resolve("out"), "output.plots=false");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("reading " + data + " into this JVM"), r.out());
    assertTrue(Files.exists(dir.resolve("out").resolve("model.json")));
    // evaluate reads the same data source (in this JVM) to score the model against draws.
    Path eval = dir.resolve("eval.json");
    CliRun e = run("evaluate", "--model", dir.resolve("out").resolve("model.json").toString(),
        conf.toString(), "--reference", dir.resolve("out").resolve("draws.csv").toString(),
        "--draws", "1000", "--out", eval.toString());
    assertEquals(0, e.exitCode(), e.err());
    assertTrue(Files.readString(eval).contains("negLogLikelihood"), Files.readString(eval));
    assertUserError(fit(conf, dir.resolve("bad"), "target.data.format=xyz"),
        "target.data.format: unknown data source \"xyz\"");
    assertFalse(Files.exists(dir.resolve("bad")));
  }

  @Test
  void badConfigurationsGetOneLineErrors() throws IOException {
    Path out = dir.resolve("bad");
    assertUserError(fit(config("target { type = banana }\nfit { iteratons = 3 }\n"), out),
        "fit.iteratons");
    assertUserError(fit(config("target { type = banana }\n"), out, "fit.iterations=abc"),
        "fit.iterations");
    assertUserError(fit(config("fit { iterations = 3 }\n"), out), "target.type");
    assertUserError(fit(config("target { type = banana, curvatur = 1 }\n"), out),
        "target.curvatur");
    // Each override is bad on its own and must be named: key=value → the key in the message.
    Path banana = config("target { type = banana }\n");
    for (String bad : List.of("fit.objective=sideways", "fit.under-p.move-steps=0",
        "fit.under-p.population=sometimes", "fit.under-p.move-burn-in=-5", "fit.eta=-1",
        "fit.under-p.min-ess-fraction=2", "init.gaussian-draws=10", "experts.widths=[]")) {
      assertUserError(fit(banana, out, bad), bad.substring(0, bad.indexOf('=')));
    }
    for (String bad : List.of("fit.under-q.q-temper=0", "fit.under-q.q-temper=1.5",
        "fit.under-q.growth-cap=1", "fit.under-q.ess-floor=1")) {
      String key = bad.substring(0, bad.indexOf('='));
      assertUserError(fit(banana, out, "fit.objective=under-q", bad), key + " must be");
    }
    assertUserError(fit(banana, out, "fit.iterations"), "key=value");
    assertUserError(fit(config("target { type = banana }\nfit { method = bayes }\n"), out),
        "fit.method");
    assertUserError(run("fit", dir.resolve("missing.conf").toString()), "does not exist");
    assertUserError(fit(config("target { type = banana \n"), out), "configuration file");
    assertUserError(fit(config("target { type = banana }\n"), out, "spark.partitions=-1"),
        "spark.partitions");
    assertFalse(Files.exists(out.resolve("model.json")));
  }

  private static void assertUserError(CliRun r, String fragment) {
    assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
    List<String> lines = r.err().lines().toList();
    assertEquals(1, lines.size(), r.err());
    assertTrue(lines.get(0).startsWith("error:"), lines.get(0));
    assertTrue(lines.get(0).contains(fragment), lines.get(0) + " should name " + fragment);
  }
}
