package org.poevi.fit;

import java.util.Arrays;
import java.util.List;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.family.Expert;

/**
 * A fit whose q holds mass its draws miss ({@link org.poevi.family.HiddenMassCheck}): p's scores
 * where MCMC on q went join the objective, and α is fitted again. The Fisher divergence under p
 * never sees where q puts mass and p has none, since p's chains do not go there; its minimiser can
 * leave q with such mass, which makes its log-normaliser and KL(p; q) worse than the fit's own
 * estimates say. On sinh-arcsinh at D = 50 the chains went to a lobe where about 25 coordinates
 * sat 3–4 marginal sds out together, beyond p's bulk (docs/benchmarks.md).
 *
 * <p>The check's chains are draws of q's missed mass. Their points enter the objective as one more
 * batch beside the fit's (each batch is normalised, so the objective becomes the Fisher
 * divergence under a mixture of p and these draws of q, which is still zero only at q = p); the
 * proximal steps of the fit then run on it to convergence, and the fit finishes again. At most
 * {@value #ROUNDS} rounds, each adding the new q's chains; the last round's q is kept, flagged as
 * before when its draws still miss mass ({@link AxisChoice} then prefers a q that passes).
 *
 * <p>The same round with {@value #POINTS} of q's own draws ({@link Pending#withOwnDraws}) serves a
 * q that {@link AxisChoice}'s ELBO guard drops: its draws reach where p is small, which the
 * batches under p do not see either. Under q neither runs: that objective keeps its latest batch
 * alone.
 */
final class MassRepair {
  /** Rounds of repair at most. */
  static final int ROUNDS = 3;
  /** Proximal steps per round at most. */
  static final int MAX_STEPS = 50;

  private MassRepair() {}

  /** What a round needs of the fit: its basis, evaluator, step, tolerance and threads. */
  record Fit(List<Expert> basis, ScoreEvaluator evaluator, AlphaStep alphaStep, double tolerance,
      int threads, java.util.function.Consumer<String> stage) {}

  /**
   * One run's fit that can still be repaired: its latest state (the last it was finished from),
   * what a round needs, its finisher and its α path, which each repair extends.
   */
  static final class Pending {
    private FitState state;
    private final Fit context;
    private final java.util.function.Function<FitState, PoeResult> finisher;
    private final List<double[]> alphaPath;
    private final List<PoeResult.Repair> repairs = new java.util.ArrayList<>();

    Pending(FitState state, Fit context,
        java.util.function.Function<FitState, PoeResult> finisher, List<double[]> alphaPath) {
      this.state = state;
      this.context = context;
      this.finisher = finisher;
      this.alphaPath = alphaPath;
    }

    /**
     * The fit finished from the state, repaired while its draws miss mass (under p only: under
     * q the objective keeps the latest batch alone), for at most {@value #ROUNDS} rounds.
     */
    PoeResult finished() {
      PoeResult result = finisher.apply(state);
      for (int r = 1; r <= ROUNDS && result.finish().normalizer().massMissed()
          && state.objective() instanceof Quadratic.Averaged; r++) {
        double[] points = result.finish().normalizer().massPoints();
        int n = points.length / context.basis().get(0).dim();
        context.stage().accept(String.format(java.util.Locale.ROOT, "q has mass its draws"
            + " miss: fitting alpha again with p's scores at %d points where MCMC on q went"
            + " (round %d)", n, r));
        if (!advance(points, "missed mass")) {
          break;
        }
        result = finisher.apply(state);
      }
      return result.withRepairs(repairs);
    }

    /**
     * The fit again with p's scores at {@value #POINTS} of {@code fit}'s own output draws added
     * to its objective ({@code fit}: this fit, as {@link #finished} left it): a batch of the
     * Fisher divergence under q, the paper's objective, beside the batches under p. For a q whose
     * draws reach where p is small (a lower ELBO than the q it should replace). Null when
     * nothing could be added, and under q (whose objective keeps its latest batch alone).
     */
    PoeResult withOwnDraws(PoeResult fit) {
      if (!(state.objective() instanceof Quadratic.Averaged)) {
        return null;
      }
      org.poevi.family.SampleResult draws = fit.finish().draws();
      int dim = draws.dim();
      int n = Math.min(POINTS, draws.numDraws());
      double[] points = new double[n * dim];
      for (int i = 0; i < n; i++) {
        int from = (int) ((long) i * draws.numDraws() / n);
        System.arraycopy(draws.draws(), from * dim, points, i * dim, dim);
      }
      context.stage().accept("its draws reach where p is small: fitting alpha again with p's"
          + " scores at " + n + " of them");
      return advance(points, "own draws") ? finished() : null;
    }

    /** One round on {@code points}, recorded as {@code reason}; false when nothing was added. */
    private boolean advance(double[] points, String reason) {
      FitState next = round(state, points, context.basis(), context.evaluator(),
          context.alphaStep(), context.tolerance(), context.threads());
      if (next == state) {
        return false;
      }
      state = next;
      alphaPath.add(next.alpha());
      repairs.add(new PoeResult.Repair(reason, points.length / context.basis().get(0).dim()));
      return true;
    }
  }

  /** Points of q's own draws added by {@link Pending#withOwnDraws}. */
  static final int POINTS = 768;

  /** The objective and α after one round: or the state unchanged when nothing could be added. */
  static FitState round(FitState state, double[] points, List<Expert> basis,
      ScoreEvaluator evaluator, AlphaStep alphaStep, double tolerance, int threads) {
    int dim = basis.get(0).dim();
    int n = points.length / dim;
    double[] logP = new double[n];
    double[] scores = new double[n * dim];
    evaluator.evaluate(points, n, logP, scores);
    // Points where p has no density (outside its support; the evaluator zeroes the gradient
    // there and refuses non-finite ones elsewhere) say nothing about the scores: left out.
    int kept = 0;
    double[] z = new double[n * dim];
    double[] s = new double[n * dim];
    for (int i = 0; i < n; i++) {
      if (logP[i] > Double.NEGATIVE_INFINITY) {
        System.arraycopy(points, i * dim, z, kept * dim, dim);
        System.arraycopy(scores, i * dim, s, kept * dim, dim);
        kept++;
      }
    }
    if (kept == 0) {
      return state;
    }
    ScoreSums sums = ScoreAccumulation.accumulate(basis, Arrays.copyOf(z, kept * dim),
        Arrays.copyOf(s, kept * dim), new double[kept], kept, dim, threads);
    if (!sums.isFinite()) {
      return state;
    }
    Quadratic objective = state.objective().add(sums);
    double[] alpha = state.alpha();
    for (int step = 0; step < MAX_STEPS; step++) {
      AlphaStep.Result r = alphaStep.take(objective, alpha, state.eta());
      if (r.failed() || !AlphaIterations.allFinite(r.alpha())) {
        break;
      }
      double size = AlphaStep.distance(alpha, new double[alpha.length]);
      alpha = r.alpha();
      if (r.delta() <= tolerance * size) {
        break;
      }
    }
    return new FitState(state.iteration(), alpha, state.eta(), objective, state.source(),
        state.batchFishers());
  }
}
