package org.poevi.targets.glm;

/**
 * The elementwise part of a generalised linear model's likelihood over one column of linear
 * predictors η (one parameter point, m rows): Σ_i ℓ(y_i, η_i) and the residuals ∂ℓ/∂η_i that the
 * gradient Xᵀr needs. Implementations compute every element with IEEE operations only (no
 * java.lang.Math transcendental functions, whose bits may change when the JIT compiles a loop)
 * and sum in the fixed order of {@link ScalarGlmTerms}, so a vector and a scalar implementation
 * give the same bits.
 */
interface GlmTerms {
  /**
   * @param eta m linear predictors from {@code eta[etaOff]}
   * @param y m responses from {@code y[yOff]}
   * @param w m row weights from {@code w[yOff]}, or null for weights of 1 (the same bits as
   *     weights of exactly 1: x·1 is x)
   * @param residual receives m weighted residuals w_i·∂ℓ/∂η from {@code residual[etaOff]}
   * @param partial scratch of at least 8 numbers (overwritten)
   * @return Σ_i w_i·ℓ(y_i, η_i)
   */
  double apply(double[] eta, int etaOff, int m, double[] y, int yOff, double[] w,
      double[] residual, double[] partial);

  /**
   * Why {@code terms} of the {@code model} likelihood are the scalar fallback of a vectorised
   * implementation on this JVM, or empty when they are vectorised.
   */
  static java.util.Optional<String> slowPathOf(GlmTerms terms, String model) {
    return terms instanceof ScalarGlmTerms
        ? java.util.Optional.of("the " + model + " likelihood runs on its scalar path, about 8"
            + " times slower: this JVM has no usable JDK Vector API (start it with"
            + " --add-modules=jdk.incubator.vector, as jobs/poevi does)")
        : java.util.Optional.empty();
  }

  /** The vector implementation named {@code className} if this JVM can run it, else the scalar. */
  static GlmTerms best(String className, GlmTerms scalar) {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      try {
        // By name, so that this class loads on JVMs without the incubator module.
        boolean lanes = (Boolean) Class.forName("org.poevi.targets.glm.VectorExp")
            .getDeclaredMethod("supported").invoke(null);
        return lanes ? (GlmTerms) Class.forName(className).getDeclaredConstructor().newInstance()
            : scalar;
      } catch (ReflectiveOperationException | LinkageError e) {
        return scalar;
      }
    }
    return scalar;
  }
}
