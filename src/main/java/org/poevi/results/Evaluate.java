package org.poevi.results;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.poevi.InvalidInputException;
import org.poevi.family.GaussianModel;
import org.poevi.family.ModelJson;
import org.poevi.family.PoeModel;
import org.poevi.family.SampleOptions;
import org.poevi.family.ValidatedSampler;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.io.ReferenceDraws;
import org.poevi.math.BlockParallel;
import org.poevi.math.LogMeanEstimate;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;
import org.poevi.math.SampleMoments;
import org.poevi.plot.FitPlots;
import org.poevi.targets.ExactTarget;
import org.poevi.targets.Target;

/**
 * The SPEC §8 metrics of a fitted model against its target ({@code poevi evaluate}): Neg-LLH,
 * KL(p; q) and Fisher(p; q) on exact draws of a synthetic target, or on reference draws of a
 * posterior, next to those of the oracle Gaussian (the draws' own mean and covariance).
 */
public final class Evaluate {
  private Evaluate() {}

  /**
   * What an evaluation found.
   *
   * @param json eval.json's content
   * @param modelDraws n×D draws of the model
   * @param referenceDraws draws of p (exact or the reference file's)
   * @param names the parameters
   * @param text the lines {@code poevi evaluate} prints
   */
  public record Report(ObjectNode json, double[] modelDraws, double[] referenceDraws,
      List<String> names, String text) {
    /** The model's marginals over the reference draws'. */
    public BufferedImage marginalsPlot() {
      return FitPlots.marginals(modelDraws, names.size(), names, referenceDraws);
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /**
   * Checks, before any work, that {@link #against} can run: the counts, and a model that
   * matches the target (its dimension, and its parameter names against reference draws).
   *
   * @throws InvalidInputException one line naming what does not match
   */
  public static void check(Object model, Target target, Path reference, int referenceDraws,
      int draws, String modelFile) {
    if ((reference == null && referenceDraws < 100) || draws < 100) {
      throw new InvalidInputException("evaluate needs at least 100 reference draws and 100"
          + " model draws, got " + (reference == null ? referenceDraws + " and " : "") + draws);
    }
    List<String> parameters = parameters(model);
    if (target.dim() != parameters.size()) {
      throw new InvalidInputException("model " + modelFile + " has dimension "
          + parameters.size() + " but target " + target.name() + " has dimension "
          + target.dim());
    }
    if (reference != null && !target.parameterNames().equals(parameters)) {
      throw new InvalidInputException("model " + modelFile + " has parameters " + parameters
          + " but target " + target.name() + " has " + target.parameterNames());
    }
    if (reference == null && !(target instanceof ExactTarget)) {
      throw new InvalidInputException("target " + target.name() + " has no exact sampler:"
          + " evaluate it against reference draws of the posterior (--reference FILE)");
    }
  }

  private static List<String> parameters(Object model) {
    return model instanceof PoeModel p ? p.parameters() : ((GaussianModel) model).parameters();
  }

  /**
   * Evaluates {@code model} (a {@link PoeModel} or a {@link GaussianModel}) against
   * {@code target}: on {@code reference} draws when it is not null, else on
   * {@code referenceDraws} exact draws of a synthetic target; {@code draws} draws of the model.
   * {@code modelFile} names the model in the report.
   */
  public static Report against(Object model, Target target, Path reference,
      int referenceDraws, int draws, long seed, String modelFile) {
    check(model, target, reference, referenceDraws, draws, modelFile);
    PoeModel poe = model instanceof PoeModel p ? p : null;
    GaussianModel gaussian = model instanceof GaussianModel gm ? gm : null;
    List<String> parameters = parameters(model);
    int modelDim = parameters.size();
    int threads = BlockParallel.defaultThreads();
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
    root.put("modelFile", modelFile);
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
    StringBuilder text = new StringBuilder();
    if (!Double.isNaN(logZ)) {
      text.append(String.format("KL(p;q) %.4f ± %.4f  (oracle Gaussian %.4f, ratio %.3f)%n",
          m.kl().value(), m.kl().standardError(), g.kl().value(), m.kl().value() / g.kl().value()));
    }
    text.append(String.format("Fisher(p;q) %.4g ± %.2g  (oracle Gaussian %.4g)%n",
        m.fisher().value(), m.fisher().standardError(), g.fisher().value()));
    text.append(String.format("Neg-LLH %.4f ± %.4f (oracle Gaussian %.4f)  max |mean err|/sd %.3f"
        + "  max |log sd ratio| %.3f  mean W1/sd %.3f%n", m.negLogLikelihood().value(),
        m.negLogLikelihood().standardError(), g.negLogLikelihood().value(), m.maxMeanError(),
        m.maxLogSdRatio(), m.meanWasserstein()));
    if (zSpace != null) {
      text.append(String.format("log-normaliser: model %.4f, independent z-space estimate"
          + " %.4f ± %.4f (gap %.4f)%n", logC, zSpace.estimate(), zSpace.standardError(),
          logC - zSpace.estimate()));
    }
    return new Report(root, qDraws, pDraws, parameters, text.toString());
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
  public static double[] exactDraws(ExactTarget target, int n, RandomStreams streams, int threads) {
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
