package org.poevi.family;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.poevi.InvalidInputException;

/**
 * A fitted product of experts as stored in {@code model.json}: the family, the names of its D
 * parameters (unconstrained scale, in order) and, when known, its log-normaliser, so that
 * log q(z) = −Σ_k α_k log A_k(z) − logNormalizer.estimate.
 *
 * @param logNormalizer null when the file does not carry one
 */
public record PoeModel(List<String> parameters, ProductOfExperts family,
    LogNormalizer logNormalizer) implements FittedModel {

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
    return new PoeModel(parameters, family, value);
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
