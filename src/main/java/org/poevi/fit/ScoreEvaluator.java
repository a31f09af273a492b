package org.poevi.fit;

/**
 * Evaluates the target's log density and score at a batch of points: the expensive step of every
 * iteration (SPEC §3, step 2). {@link LocalScoreEvaluator} runs it on threads of one JVM; the
 * Spark evaluators distribute it.
 *
 * <p>Contract: the results depend only on the points, never on how the work was split. A target
 * that throws or returns a non-finite gradient at a finite point fails the whole call with a
 * {@link org.poevi.target.TargetEvaluationException} naming the point and the target.
 */
public interface ScoreEvaluator {
  /**
   * @param points n×D row-major
   * @param logDensity receives log p̃ at each point (n)
   * @param scores receives ∇log p̃ at each point (n×D row-major)
   */
  void evaluate(double[] points, int n, double[] logDensity, double[] scores);

  /**
   * Folds weighted points and their scores into the QP's sums over the experts' Q (SPEC §3): on
   * this JVM by default ({@link ScoreAccumulation}); a distributed evaluator may reduce on its
   * workers, with the same result bit for bit.
   */
  default ScoreSums accumulate(java.util.List<org.poevi.family.Expert> experts, double[] z,
      double[] scores, double[] logWeights, int n, int dim, int threads) {
    return ScoreAccumulation.accumulate(experts, z, scores, logWeights, n, dim, threads);
  }

  /**
   * What the fit is doing, for the evaluations that follow (e.g. "iteration 3"): a distributed
   * evaluator names its jobs with it (the Spark UI then shows the fit's progress). No-op here.
   */
  default void stage(String description) {}

  /** Number of (log density, score) evaluations made so far. */
  long evaluations();
}
