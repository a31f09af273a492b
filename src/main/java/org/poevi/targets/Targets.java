package org.poevi.targets;

import java.util.List;
import org.poevi.InvalidInputException;

/**
 * Targets written in code: a log density and its gradient as a function (a notebook's lambda).
 * Targets named in a configuration are built by {@code org.poevi.config.TargetReader}.
 */
public final class Targets {
  private Targets() {}

  /**
   * log p̃(z), with ∇log p̃(z) written into {@code gradient}: a target as a function, e.g. a
   * lambda. Serializable, so that Spark can ship it when its class is on the executors.
   */
  @FunctionalInterface
  public interface Density extends java.io.Serializable {
    double logDensity(double[] z, double[] gradient);
  }

  /**
   * A target from a function in code (a notebook's lambda): {@code name} for messages and
   * {@code parameters} naming its D coordinates. For example a correlated Gaussian:
   * <pre>{@code
   * Target t = Targets.of("my-gaussian", List.of("a", "b"), (z, g) -> {
   *   g[0] = -(z[0] - 0.5 * z[1]) / 0.75; g[1] = -(z[1] - 0.5 * z[0]) / 0.75;
   *   return 0.5 * (z[0] * g[0] + z[1] * g[1]);
   * });
   * }</pre>
   *
   * @throws InvalidInputException when the name is blank, or the parameter names are empty or
   *     repeated
   */
  public static Target of(String name, List<String> parameters, Density density) {
    return new LambdaTarget(name, parameters, density);
  }
}
