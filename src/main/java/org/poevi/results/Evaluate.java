package org.poevi.results;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.poevi.InvalidInputException;
import org.poevi.family.FittedModel;
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
 * posterior, next to those of the oracle Gaussian (p's mean and covariance: from independent
 * exact draws with their bias removed, or a posterior's reference draws; {@link OracleGaussian}).
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
  public static void check(FittedModel model, Target target, Path reference,
      int referenceDraws, int draws, String modelFile) {
    if ((reference == null && referenceDraws < 100) || draws < 100) {
      throw new InvalidInputException("evaluate needs at least 100 reference draws and 100"
          + " model draws, got " + (reference == null ? referenceDraws + " and " : "") + draws);
    }
    List<String> parameters = model.parameters();
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

  /**
   * Evaluates {@code model} against {@code target}: on {@code reference} draws when it is not
   * null, else on {@code referenceDraws} exact draws of a synthetic target; {@code draws} draws
   * of the model. {@code modelFile} names the model in the report.
   */
  public static Report against(FittedModel model, Target target, Path reference,
      int referenceDraws, int draws, long seed, String modelFile) {
    check(model, target, reference, referenceDraws, draws, modelFile);
    List<String> parameters = model.parameters();
    int threads = BlockParallel.defaultThreads();
    double[] pDraws = reference != null ? ReferenceDraws.read(reference, parameters)
        : exactDraws((ExactTarget) target, referenceDraws, RandomStreams.of(seed), threads);
    double logZ = target instanceof ExactTarget exact ? exact.logNormalizer() : Double.NaN;
    // q's draws and the normaliser check use a seed derived from --seed, never --seed itself: a
    // fit with fit.seed = S estimated its normaliser from seed S, and the check must not repeat it.
    long checkSeed = RandomStreams.of(seed).stream(RandomStreams.EVALUATE, 1).nextLong();
    LocalScoreEvaluator evaluator = new LocalScoreEvaluator(target, threads);
    Scored q = model.match(
        poe -> scorePoe(poe, target, pDraws, logZ, draws, checkSeed, threads, evaluator),
        gaussian -> {
          // A Gaussian's normaliser is exact and its draws are exact.
          double[] qDraws = gaussian.sample(RandomStreams.of(checkSeed).stream(
              RandomStreams.EVALUATE), draws);
          return new Scored(qDraws, Evaluation.of(() -> gaussian.density()::logDensity,
              gaussian.dim(), qDraws, target, pDraws, logZ, evaluator), null);
        });
    OracleGaussian.Result g = reference != null
        ? OracleGaussian.inSample(target, pDraws, logZ, evaluator, threads)
        : OracleGaussian.heldOut((ExactTarget) target, pDraws, logZ, evaluator,
            OracleGaussian.defaultMomentDraws(pDraws.length / target.dim(), target.dim()),
            RandomStreams.of(seed), threads);
    ObjectNode root = json(model, target, reference, pDraws.length / target.dim(), draws,
        modelFile, q, g);
    return new Report(root, q.draws(), pDraws, parameters, text(q, g, logZ));
  }

  /**
   * A model's draws and metrics, and for a product of experts the check of its normaliser.
   *
   * @param normalizer null for a Gaussian (its normaliser is exact)
   */
  private record Scored(double[] draws, Evaluation.Metrics metrics,
      NormalizerCheck normalizer) {}

  /**
   * A product of experts' own log-normaliser (model.json's, which the metrics use: the q users
   * get) against an independent estimate from fresh draws, and the z-space one.
   */
  private record NormalizerCheck(double model, LogMeanEstimate independent,
      LogMeanEstimate zSpace, String method, List<String> warnings) {}

  private static Scored scorePoe(PoeModel poe, Target target, double[] pDraws, double logZ,
      int draws, long checkSeed, int threads, LocalScoreEvaluator evaluator) {
    int dim = target.dim();
    int pCount = pDraws.length / dim;
    // Anchor the z-space normaliser on the target's bulk too (a t₅ with 1.5 times the reference
    // draws' scale), as the fit does: a q with a spike away from its bulk fools a proposal
    // fitted to q.
    // (In the experts' coordinates, where the sampler works.)
    double[] pExperts = poe.toExperts(pDraws);
    double[] pMean = SampleMoments.mean(pExperts, pCount, dim);
    MultivariateT anchor = MultivariateT.of(pMean, SampleMoments.covariance(pExperts, pCount,
        pMean, dim), 5).withScatterScaled(2.25);
    ValidatedSampler.Outcome q = poe.sample(SampleOptions.builder()
        .draws(draws).seed(checkSeed).threads(threads).build(), anchor);
    double logC = poe.logNormalizer().estimate();
    double[] qDraws = q.draws().draws();
    return new Scored(qDraws, Evaluation.of(poe, logC, qDraws, target, pDraws, logZ,
        evaluator), new NormalizerCheck(logC, q.normalizer().chosenEstimate(),
        q.normalizer().zSpace(), q.normalizer().chosen().label(), q.warnings()));
  }

  /** eval.json's content. */
  private static ObjectNode json(FittedModel model, Target target, Path reference, int pCount,
      int draws, String modelFile, Scored q, OracleGaussian.Result oracle) {
    Evaluation.Metrics m = q.metrics();
    Evaluation.Metrics g = oracle.metrics();
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
    root.put("family", model.familyName());
    root.set("model", metrics(m, model.parameters()));
    ObjectNode og = metrics(g, null);
    og.put("momentDraws", oracle.momentDraws());
    og.put("momentsIndependent", oracle.independent());
    JsonOutput.putNumber(og, oracle.independent() ? "momentBiasRemoved" : "inSampleOptimism",
        oracle.bias());
    root.set("oracleGaussian", og);
    JsonOutput.putNumber(root, "klRatio", m.kl().value() / g.kl().value());
    JsonOutput.putNumber(root, "fisherRatio", m.fisher().value() / g.fisher().value());
    ArrayNode w = root.putArray("warnings");
    NormalizerCheck c = q.normalizer();
    if (c == null) {
      root.put("logNormalizerMethod", "exact");
      return root;
    }
    JsonOutput.putNumber(root, "modelLogNormalizer", c.model());
    JsonOutput.putNumber(root, "logNormalizer", c.independent().estimate());
    JsonOutput.putNumber(root, "logNormalizerStandardError", c.independent().standardError());
    root.put("logNormalizerMethod", c.method());
    JsonOutput.putNumber(root, "zSpaceLogNormalizer", c.zSpace().estimate());
    JsonOutput.putNumber(root, "zSpaceLogNormalizerStandardError", c.zSpace().standardError());
    JsonOutput.putNumber(root, "zSpaceParetoK", c.zSpace().khat());
    JsonOutput.putNumber(root, "logNormalizerGap", c.model() - c.zSpace().estimate());
    c.warnings().forEach(w::add);
    return root;
  }

  /** The lines {@code poevi evaluate} prints. */
  private static String text(Scored q, OracleGaussian.Result oracle, double logZ) {
    Evaluation.Metrics m = q.metrics();
    Evaluation.Metrics g = oracle.metrics();
    StringBuilder text = new StringBuilder();
    if (!Double.isNaN(logZ)) {
      text.append(String.format("KL(p;q) %.4f ± %.4f  (oracle Gaussian %.4f, ratio %.3f)%n",
          m.kl().value(), m.kl().standardError(), g.kl().value(),
          m.kl().value() / g.kl().value()));
    }
    text.append(String.format("Fisher(p;q) %.4g ± %.2g  (oracle Gaussian %.4g)%n",
        m.fisher().value(), m.fisher().standardError(), g.fisher().value()));
    text.append(String.format("Neg-LLH %.4f ± %.4f (oracle Gaussian %.4f)  max |mean err|/sd %.3f"
        + "  max |log sd ratio| %.3f  mean W1/sd %.3f%n", m.negLogLikelihood().value(),
        m.negLogLikelihood().standardError(), g.negLogLikelihood().value(), m.maxMeanError(),
        m.maxLogSdRatio(), m.meanWasserstein()));
    text.append(oracle.independent()
        ? String.format("oracle Gaussian: moments from %d independent exact draws, their bias"
            + " %.4f taken out%n", oracle.momentDraws(), oracle.bias())
        : String.format("oracle Gaussian: the reference draws' own moments, optimistic by about"
            + " %.4f%n", oracle.bias()));
    NormalizerCheck c = q.normalizer();
    if (c != null && c.zSpace() != null) {
      text.append(String.format("log-normaliser: model %.4f, independent z-space estimate"
          + " %.4f ± %.4f (gap %.4f)%n", c.model(), c.zSpace().estimate(),
          c.zSpace().standardError(), c.model() - c.zSpace().estimate()));
    }
    return text.toString();
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
      target.sample(rng, Math.min(n, (b + 1) * block) - b * block, out, b * block * dim);
    });
    return out;
  }
}
