package org.poevi.family;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.poevi.InvalidInputException;

/**
 * A fitted product of experts as stored in {@code model.json}: the family, the names of its D
 * parameters (unconstrained scale, in order) and, when known, its log-normaliser, so that
 * log q(z) = −Σ_k α_k log A_k(z̃) − logNormalizer.estimate, with z̃ = z unless the model has a
 * frame, z = A z̃ + b, in which the experts are given (then q is the image of the experts'
 * product under the map, and the log-normaliser is q's in z: the experts' own plus log|det A|).
 * A frame holds a posterior whose coordinates are too badly scaled for its experts: see
 * {@code PoeResult.mapped}.
 *
 * @param logNormalizer null when the file does not carry one
 * @param frame null, or the map z = A z̃ + b from the experts' coordinates to the parameters'
 */
public record PoeModel(List<String> parameters, ProductOfExperts family,
    LogNormalizer logNormalizer, AffineMap frame) implements FittedModel {

  /** A model whose experts are in the parameters' own coordinates. */
  public PoeModel(List<String> parameters, ProductOfExperts family, LogNormalizer logNormalizer) {
    this(parameters, family, logNormalizer, null);
  }

  /** A log-normaliser estimate with its standard error and the number of draws behind it. */
  public record LogNormalizer(double estimate, double standardError, long draws) {
    public LogNormalizer {
      if (!Double.isFinite(estimate)) {
        throw new InvalidInputException("logNormalizer.estimate must be finite, got " + estimate);
      }
      if (!(standardError >= 0) || Double.isInfinite(standardError)) {
        throw new InvalidInputException("logNormalizer.standardError must be finite and >= 0, got "
            + standardError);
      }
      if (draws < 1) {
        throw new InvalidInputException("logNormalizer.draws must be >= 1, got " + draws);
      }
    }
  }

  public PoeModel {
    parameters = List.copyOf(parameters);
    if (frame != null && frame.dim() != family.dim()) {
      throw new InvalidInputException("frame is " + frame.dim() + "-dimensional but the"
          + " dimension is " + family.dim());
    }
    if (parameters.size() != family.dim()) {
      throw new InvalidInputException("parameters has " + parameters.size()
          + " names but the dimension is " + family.dim());
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < parameters.size(); i++) {
      String name = parameters.get(i);
      if (name.isBlank()) {
        throw new InvalidInputException("parameters[" + i + "] is empty");
      }
      if (!seen.add(name)) {
        throw new InvalidInputException("parameters[" + i + "] repeats the name '" + name + "'");
      }
    }
  }

  /** Default names z[1], …, z[D]. */
  public static List<String> defaultNames(int dim) {
    List<String> names = new ArrayList<>(dim);
    for (int d = 1; d <= dim; d++) {
      names.add("z[" + d + "]");
    }
    return names;
  }

  public PoeModel withLogNormalizer(LogNormalizer value) {
    return new PoeModel(parameters, family, value, frame);
  }

  /**
   * Points in the parameters' coordinates, n×D row-major, in the experts': a new array with a
   * frame, {@code z} itself without one (read it, do not write it).
   */
  public double[] toExperts(double[] z) {
    return frame == null ? z : frame.pullIn(z, z.length / dim());
  }

  /**
   * log q at n points of the parameters' coordinates (n×D row-major), with {@code logNormalizer}
   * q's log-normaliser in those coordinates: −Σ_k α_k log A_k(z̃) − logNormalizer (the experts'
   * own log C̃ plus log|det A|, so the Jacobian is in it).
   */
  public double[] logDensities(double[] z, double logNormalizer, int threads) {
    return family.logDensities(toExperts(z), logNormalizer, threads);
  }

  /** ∇log q at n points of the parameters' coordinates, n×D row-major. */
  public double[] scores(double[] z, int threads) {
    if (frame == null) {
      return family.scores(z, threads);
    }
    double[] scores = family.scores(toExperts(z), threads);
    frame.pushForward(scores, z.length / dim());
    return scores;
  }

  /**
   * Validated draws of q in the parameters' coordinates: sampled where the experts are and
   * carried over exactly (draws z = A z̃ + b, log-normalisers + log|det A|).
   *
   * @param anchor a t in the experts' coordinates for the z-space normaliser, or null
   */
  public ValidatedSampler.Outcome sample(SampleOptions options,
      org.poevi.math.MultivariateT anchor) {
    ValidatedSampler.Outcome o = ValidatedSampler.sample(family, options, anchor);
    return frame == null ? o : new ValidatedSampler.Outcome(frame.map(o.draws()),
        o.feynman() == null ? null : frame.map(o.feynman()), frame.map(o.normalizer()),
        o.warnings());
  }

  /** The family, refusing a model whose experts are in a frame ({@code use}: what needs it). */
  public ProductOfExperts unframedFamily(String use) {
    if (frame != null) {
      throw new InvalidInputException(use + " needs a model whose experts are in its parameters'"
          + " coordinates; this model.json has a \"frame\" (its posterior's coordinates are too"
          + " badly scaled to hold the experts)");
    }
    return family;
  }

  @Override
  public int dim() {
    return family.dim();
  }

  @Override
  public String familyName() {
    return ModelJson.FAMILY;
  }

  @Override
  public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
    return ModelJson.toJson(this);
  }

  @Override
  public <R> R match(java.util.function.Function<PoeModel, R> poe,
      java.util.function.Function<GaussianModel, R> gaussian) {
    return poe.apply(this);
  }
}
