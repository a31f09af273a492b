package org.poevi.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.commons.rng.UniformRandomProvider;
import org.poevi.InvalidInputException;
import org.poevi.family.GaussianModel;
import org.poevi.family.ModelJson;
import org.poevi.family.PoeModel;
import org.poevi.family.SampleOptions;
import org.poevi.family.ValidatedSampler;
import org.poevi.fit.Evaluation;
import org.poevi.fit.LocalScoreEvaluator;
import org.poevi.math.BlockParallel;
import org.poevi.math.LogMeanEstimate;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;
import org.poevi.math.SampleMoments;
import org.poevi.target.ExactTarget;
import org.poevi.target.InMemoryRowData;
import org.poevi.target.Target;
import org.poevi.target.Targets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code poevi evaluate}: the SPEC §8 metrics of a saved model against a target, on exact draws of
 * a synthetic target (or, later, reference draws of a posterior), next to those of the oracle
 * Gaussian (the draws' own mean and covariance), written as JSON.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Score a saved model against a target: Neg-LLH, KL(p; q), Fisher(p; q) and"
        + " per-coordinate errors, next to the best Gaussian's.")
final class EvaluateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE", description = "model.json")
  Path model;

  @Parameters(index = "0", paramLabel = "CONFIG",
      description = "HOCON configuration naming the target (its target block is used)")
  Path config;

  @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "configuration overrides")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--reference-draws", defaultValue = "100000", paramLabel = "N",
      description = "exact draws of the target (default: ${DEFAULT-VALUE})")
  int referenceDraws;

  @Option(names = "--reference", paramLabel = "FILE",
      description = "reference draws of a posterior on the unconstrained scale (CSV with a"
          + " header naming the model's parameters, .gz allowed, e.g. posteriordb's"
          + " draws_unconstrained.csv.gz) instead of exact draws of a synthetic target")
  Path reference;

  @Option(names = "--draws", defaultValue = "100000", paramLabel = "M",
      description = "draws of the model for the per-coordinate metrics (default: ${DEFAULT-VALUE})")
  int draws;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "seed")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "output JSON")
  Path out;

  @Option(names = "--plot", paramLabel = "FILE",
      description = "also write a PNG of the model's marginals over the reference draws'")
  Path plot;

  @Override
  public Integer call() {
    if (referenceDraws < 100 || draws < 100) {
      throw new InvalidInputException("--reference-draws and --draws must be >= 100");
    }
    Object read = ModelJson.readAny(model);
    PoeModel poe = read instanceof PoeModel p ? p : null;
    GaussianModel gaussian = read instanceof GaussianModel gm ? gm : null;
    List<String> parameters = poe != null ? poe.parameters() : gaussian.parameters();
    int modelDim = parameters.size();
    FitConfig fitConfig = FitConfig.load(config, overrides);
    com.typesafe.config.Config targetConfig = fitConfig.resolved().getConfig("target");
    int threads = BlockParallel.defaultThreads();
    Target target = reference == null ? Targets.fromConfig(targetConfig)
        : Targets.build(targetConfig, data -> InMemoryRowData.of(data, threads));
    if (target.dim() != modelDim) {
      throw new InvalidInputException("model " + model + " has dimension " + modelDim
          + " but target " + target.name() + " has dimension " + target.dim());
    }
    if (reference != null && !target.parameterNames().equals(parameters)) {
      throw new InvalidInputException("model " + model + " has parameters " + parameters
          + " but target " + target.name() + " has " + target.parameterNames());
    }
    if (out.getParent() != null) {
      SampleCommand.prepareOutputDirectory(out.getParent());
    }
    if (Files.isDirectory(out)) {
      throw new InvalidInputException("--out " + out + " is a directory; give a file name");
    }
    double[] pDraws = reference != null ? ReferenceDraws.read(reference, parameters)
        : exactDraws((ExactTarget) target, referenceDraws, RandomStreams.of(seed), threads);
    int pCount = pDraws.length / target.dim();
    double logZ = target instanceof ExactTarget exact ? exact.logNormalizer() : Double.NaN;
    // q's draws and the normaliser check use a seed derived from --seed, never --seed itself: a
    // fit with fit.seed = S estimated its normaliser from seed S, and the check must not repeat it.
    long checkSeed = RandomStreams.of(seed).stream(RandomStreams.EVALUATE, 1).nextLong();
    LocalScoreEvaluator evaluator = new LocalScoreEvaluator(target, threads);
    ValidatedSampler.Outcome q = null;
    double logC = Double.NaN;
    LogMeanEstimate independent = null;
    LogMeanEstimate zSpace = null;
    double[] qDraws;
    Evaluation.Metrics m;
    if (poe != null) {
      // Anchor the z-space normaliser on the target's bulk too (a t₅ with 1.5 times the
      // reference draws' scale), as the fit does: a q with a spike away from its bulk fools a
      // proposal fitted to q.
      double[] pMean = SampleMoments.mean(pDraws, pCount, target.dim());
      MultivariateT anchor = MultivariateT.of(pMean, SampleMoments.covariance(pDraws,
          pCount, pMean, target.dim()), 5).withScatterScaled(2.25);
      q = ValidatedSampler.sample(poe.family(), SampleOptions.builder()
          .draws(draws).seed(checkSeed).threads(threads).build(), anchor);
      // The metrics use the model's own normaliser (model.json), the q users get; the
      // independent estimate here checks it.
      logC = poe.logNormalizer().estimate();
      independent = q.normalizer().chosenEstimate();
      zSpace = q.normalizer().zSpace();
      qDraws = q.draws().draws();
      m = Evaluation.of(poe.family(), logC, qDraws, target, pDraws, logZ, evaluator);
    } else {
      // A Gaussian's normaliser is exact and its draws are exact.
      qDraws = gaussian.sample(RandomStreams.of(checkSeed).stream(RandomStreams.EVALUATE),
          draws);
      m = Evaluation.of(() -> gaussian.density()::logDensity, modelDim, qDraws, target,
          pDraws, logZ, evaluator);
    }
    Evaluation.Metrics g = Evaluation.oracleGaussian(target, pDraws, logZ, evaluator);

    ObjectNode root = JsonOutput.object();
    root.put("command", "evaluate");
    root.put("modelFile", model.toString());
    root.put("target", target.name());
    root.put("dimension", target.dim());
    root.put("referenceDraws", pCount);
    if (reference != null) {
      root.put("referenceFile", reference.toString());
    }
    root.put("modelDraws", draws);
    root.put("family", poe != null ? ModelJson.FAMILY : ModelJson.GAUSSIAN);
    root.set("model", metrics(m, parameters));
    root.set("oracleGaussian", metrics(g, null));
    JsonOutput.putNumber(root, "klRatio", m.kl().value() / g.kl().value());
    JsonOutput.putNumber(root, "fisherRatio", m.fisher().value() / g.fisher().value());
    ArrayNode w = root.putArray("warnings");
    if (q != null) {
      JsonOutput.putNumber(root, "modelLogNormalizer", logC);
      JsonOutput.putNumber(root, "logNormalizer", independent.estimate());
      JsonOutput.putNumber(root, "logNormalizerStandardError", independent.standardError());
      root.put("logNormalizerMethod", q.normalizer().chosen().label());
      JsonOutput.putNumber(root, "zSpaceLogNormalizer", zSpace.estimate());
      JsonOutput.putNumber(root, "zSpaceLogNormalizerStandardError", zSpace.standardError());
      JsonOutput.putNumber(root, "zSpaceParetoK", zSpace.khat());
      JsonOutput.putNumber(root, "logNormalizerGap", logC - zSpace.estimate());
      q.warnings().forEach(w::add);
    } else {
      root.put("logNormalizerMethod", "exact");
    }
    java.util.Map<Path, org.poevi.io.AtomicFiles.Content> files = new java.util.LinkedHashMap<>();
    files.put(out, JsonOutput.content(root));
    if (plot != null) {
      files.put(plot, org.poevi.io.AtomicFiles.Content.bytes(org.poevi.plot.FitPlots.marginals(
          qDraws, target.dim(), parameters, pDraws)));
    }
    org.poevi.io.AtomicFiles.writeAll(files);

    PrintWriter stdout = spec.commandLine().getOut();
    if (!Double.isNaN(logZ)) {
      stdout.printf("KL(p;q) %.4f ± %.4f  (oracle Gaussian %.4f, ratio %.3f)%n", m.kl().value(),
          m.kl().standardError(), g.kl().value(), m.kl().value() / g.kl().value());
    }
    stdout.printf("Fisher(p;q) %.4g ± %.2g  (oracle Gaussian %.4g)%n", m.fisher().value(),
        m.fisher().standardError(), g.fisher().value());
    stdout.printf("Neg-LLH %.4f ± %.4f (oracle Gaussian %.4f)  max |mean err|/sd %.3f"
        + "  max |log sd ratio| %.3f  mean W1/sd %.3f%n", m.negLogLikelihood().value(),
        m.negLogLikelihood().standardError(), g.negLogLikelihood().value(), m.maxMeanError(),
        m.maxLogSdRatio(), m.meanWasserstein());
    if (zSpace != null) {
      stdout.printf("log-normaliser: model %.4f, independent z-space estimate %.4f ± %.4f"
          + " (gap %.4f)%n", logC, zSpace.estimate(), zSpace.standardError(),
          logC - zSpace.estimate());
    }
    stdout.println("wrote " + out);
    stdout.flush();
    return Main.EXIT_OK;
  }

  private static ObjectNode metrics(Evaluation.Metrics m, List<String> names) {
    ObjectNode n = JsonOutput.object();
    estimate(n, "negLogLikelihood", m.negLogLikelihood());
    estimate(n, "kl", m.kl());
    estimate(n, "fisher", m.fisher());
    if (names != null) {
      JsonOutput.putNumber(n, "maxMeanError", m.maxMeanError());
      JsonOutput.putNumber(n, "maxLogSdRatio", m.maxLogSdRatio());
      JsonOutput.putNumber(n, "meanWasserstein", m.meanWasserstein());
      ObjectNode per = n.putObject("parameters");
      for (int d = 0; d < names.size(); d++) {
        ObjectNode p = per.putObject(names.get(d));
        JsonOutput.putNumber(p, "meanError", m.meanError()[d]);
        JsonOutput.putNumber(p, "logSdRatio", m.logSdRatio()[d]);
        JsonOutput.putNumber(p, "wasserstein", m.wasserstein()[d]);
      }
    }
    return n;
  }

  private static void estimate(ObjectNode n, String key, Evaluation.Estimate e) {
    ObjectNode o = n.putObject(key);
    JsonOutput.putNumber(o, "value", e.value());
    JsonOutput.putNumber(o, "standardError", e.standardError());
  }

  /** n exact draws of the target, in blocks with their own streams (thread-independent). */
  static double[] exactDraws(ExactTarget target, int n, RandomStreams streams, int threads) {
    int dim = target.dim();
    double[] out = new double[n * dim];
    int block = 1024;
    BlockParallel.forEach((n + block - 1) / block, threads, () -> null, (b, unused) -> {
      UniformRandomProvider rng = streams.stream(RandomStreams.EVALUATE, b);
      for (int i = b * block; i < Math.min(n, (b + 1) * block); i++) {
        target.sample(rng, out, i * dim);
      }
    });
    return out;
  }
}
