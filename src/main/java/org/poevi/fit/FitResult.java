package org.poevi.fit;

import java.util.List;
import java.util.function.Function;
import org.poevi.family.AffineMap;
import org.poevi.family.FittedModel;

/**
 * What a fit method produced: one fitted model with how the fit went. A product of experts
 * ({@link PoeResult}) or a Gaussian baseline ({@link GaussianResult}); what only one of them has
 * (the trace of α, the pool, the validated normaliser; the ELBO trace) is reached through
 * {@link #match}, which the compiler keeps exhaustive.
 */
public sealed interface FitResult permits PoeResult, GaussianResult {
  /** The fitted model, as model.json holds it. */
  FittedModel model();

  /** Why the iterations ended. */
  StopReason stop();

  /** Iterations run. */
  int iterations();

  /** Target evaluations in all (each gives log p̃ and its gradient). */
  long scoreEvaluations();

  /** Wall time of the fit. */
  double seconds();

  /** What a user should know (empty when there is nothing). */
  List<String> warnings();

  /**
   * The same fit in other coordinates z = A·z̃ + b (this result's are z̃), with the parameters
   * named {@code names}: the fitted model, its draws and its normaliser carried exactly
   * ({@link AffineMap}); what does not depend on the coordinates (α, the trace, k̂) unchanged.
   */
  FitResult mapped(AffineMap map, List<String> names);

  /** {@code poe} of a product-of-experts fit, {@code gaussian} of a baseline's. */
  <R> R match(Function<PoeResult, R> poe, Function<GaussianResult, R> gaussian);
}
