package org.poevi.targets;

import java.util.HashSet;
import java.util.List;
import org.poevi.InvalidInputException;

/** A target given as a function in code ({@link Targets#of}), e.g. a lambda in a notebook. */
final class LambdaTarget implements Target {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final List<String> names;
  private final Targets.Density density;

  LambdaTarget(String name, List<String> names, Targets.Density density) {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("a target needs a name, got \"" + name + "\"");
    }
    if (names == null || names.isEmpty()) {
      throw new InvalidInputException("target " + name + " needs at least one parameter name");
    }
    if (new HashSet<>(names).size() != names.size()
        || names.stream().anyMatch(n -> n == null || n.isBlank())) {
      throw new InvalidInputException("target " + name + ": parameter names must be distinct"
          + " and not blank, got " + names);
    }
    if (density == null) {
      throw new InvalidInputException("target " + name + ": the log density is null");
    }
    this.name = name;
    this.names = List.copyOf(names);
    this.density = density;
  }

  @Override
  public int dim() {
    return names.size();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<String> parameterNames() {
    return names;
  }

  /** The function's value; the evaluators enforce the contract (finite gradients, no NaN). */
  @Override
  public double logDensity(double[] z, double[] gradient) {
    return density.logDensity(z, gradient);
  }
}
