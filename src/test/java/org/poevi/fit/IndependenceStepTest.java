package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;
import org.poevi.config.FitConfig;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;
import org.poevi.math.SampleMoments;
import org.poevi.targets.SinhArcsinhTarget;

/**
 * The independence Metropolis–Hastings steps of the MALA population's burn-in
 * (fit.under-p.independence-every), on a skewed, heavy-tailed, correlated sinh-arcsinh target in
 * 3 dimensions, whose exact draws give the reference.
 */
class IndependenceStepTest {
  private static final int DIM = 3;
  private static final SinhArcsinhTarget TARGET = SinhArcsinhTarget.of(DIM);
  private static final int REFERENCE = 100_000;
  private static final double[] REF = draws(REFERENCE, 7, 1);
  private static final double[] REF_MEAN = SampleMoments.mean(REF, REFERENCE, DIM);
  private static final double[] REF_COV = SampleMoments.covariance(REF, REFERENCE, REF_MEAN,
      DIM);
  /** The under-p proposal around p's moments: t₅(m, 1.5²·Σ). */
  private static final MultivariateT R = MultivariateT.of(REF_MEAN, GaussianFit.scaled(REF_COV,
      2.25), 5);
  private static final RandomStreams STREAMS = RandomStreams.of(3);

  /** n exact draws of p, shrunk by {@code shrink} about p's mean (1: exact). */
  private static double[] draws(int n, long seed, double shrink) {
    UniformRandomProvider rng = RandomStreams.of(seed).stream(1);
    double[] z = new double[n * DIM];
    for (int i = 0; i < n; i++) {
      TARGET.sample(rng, z, i * DIM);
    }
    if (shrink != 1) {
      double[] mean = SampleMoments.mean(z, n, DIM);
      for (int i = 0; i < n * DIM; i++) {
        z[i] = mean[i % DIM] + shrink * (z[i] - mean[i % DIM]);
      }
    }
    return z;
  }

  private static Chains chains(double[] z, int n, LocalScoreEvaluator evaluator) {
    double[] logP = new double[n];
    double[] scores = new double[n * DIM];
    evaluator.evaluate(z, n, logP, scores);
    return new Chains(z, logP, scores, DIM);
  }

  /**
   * Per-coordinate means and variances against the 10⁵ exact draws, each within 4.5 standard
   * errors ({@link ReferenceMoments}): 2·3 statistics at 4.5 SE give a false-alarm rate under
   * 10⁻⁴.
   */
  private static void assertMatchesTarget(double[] z, int n) {
    new ReferenceMoments(REF, REFERENCE, DIM).assertMatched(z, n, 4.5);
  }

  /**
   * Independence steps leave p invariant: exact draws stay exact draws after 20 of them (a
   * Hastings term with the wrong sign pushes the chains into r's tails at once), and they move:
   * most chains accept a proposal.
   */
  @Test
  void independenceStepsLeaveTheTargetInvariant() {
    int n = 8192;
    LocalScoreEvaluator evaluator = new LocalScoreEvaluator(TARGET, 2);
    MalaKernel kernel = new ResampleMove(evaluator, DIM, REF_COV, STREAMS).kernel()
        .independence(R);
    MoveTask.Moved moved = MoveTask.move(evaluator, kernel, chains(draws(n, 21, 1), n,
        evaluator), STREAMS, 1, 0, 20);
    ResampleMove.Moves moves = ResampleMove.moves(moved, n);
    // Sanity, not a statistical bound: r is within a factor 1.5 of p, so most proposals pass.
    assertTrue(moves.acceptance() > 0.3, "acceptance " + moves);
    assertTrue(moves.unmovedFraction() < 0.05, "chains that never moved: " + moves);
    assertMatchesTarget(moved.chains().z(), n);
  }

  /**
   * A population that starts 10 times too narrow, with a preconditioner as narrow, reaches p in
   * 20 burn-in steps of which every second is an independence step (r's proposals replace the
   * narrow chains wholesale; the MALA steps' scale adapts from 0.1 of p's).
   */
  @Test
  void independenceStepsWidenANarrowPopulation() {
    int n = 8192;
    LocalScoreEvaluator evaluator = new LocalScoreEvaluator(TARGET, 2);
    ResampleMove mixed = new ResampleMove(evaluator, DIM, GaussianFit.scaled(REF_COV, 0.01),
        STREAMS);
    mixed.independence(R, 1.5, 2);
    Chains both = mixed.adapt(chains(draws(n, 22, 0.1), n, evaluator), 20, -1);
    assertMatchesTarget(both.z(), n);
    assertTrue(mixed.independentAcceptance() > 0.3, "acceptance " + mixed
        .independentAcceptance());
    assertTrue(mixed.independenceReport().contains("of 81920 proposals"),
        mixed.independenceReport());
  }

  /**
   * Independence steps that rarely accept stop (a far-off r), and then the burn-in is MALA alone;
   * the console says so.
   */
  @Test
  void rarelyAcceptedIndependenceStepsStop() {
    int n = 1024;
    LocalScoreEvaluator evaluator = new LocalScoreEvaluator(TARGET, 1);
    double[] farMean = REF_MEAN.clone();
    farMean[0] += 8 * Math.sqrt(REF_COV[0]);
    ResampleMove mover = new ResampleMove(evaluator, DIM, REF_COV, STREAMS);
    mover.independence(MultivariateT.of(farMean, GaussianFit.scaled(REF_COV, 0.01), 5), 1.5, 2);
    Chains chains = mover.adapt(chains(draws(n, 23, 1), n, evaluator), 4, -1);
    assertTrue(mover.independentAcceptance() < 0.01, "acceptance "
        + mover.independentAcceptance());
    ResampleMove once = new ResampleMove(evaluator, DIM, REF_COV, STREAMS);
    once.independence(R.withScatterScaled(1e-4), 1.5, 2);
    once.adapt(chains, 2, -1);
    once.keepIndependenceIf(0.04);
    assertFalse(once.independenceReport().contains("stopped"), "judged after one step: "
        + once.independenceReport());
    mover.keepIndependenceIf(0.04);
    assertTrue(mover.independenceReport().endsWith("too few: stopped)"),
        mover.independenceReport());
    mover.adapt(chains, 4, -2);
    assertTrue(mover.independenceReport().contains("of 2048 proposals"),
        "no independence step after they stopped: " + mover.independenceReport());
  }

  /** The same bits for any number of threads, independence steps included. */
  @Test
  void sameResultForAnyNumberOfThreads() {
    int n = 700;
    double[][] out = new double[2][];
    for (int threads = 1; threads <= 2; threads++) {
      LocalScoreEvaluator evaluator = new LocalScoreEvaluator(TARGET, threads);
      ResampleMove mover = new ResampleMove(evaluator, DIM, REF_COV, STREAMS);
      mover.independence(R, 1.5, 2);
      out[threads - 1] = mover.adapt(chains(draws(n, 5, 1), n, evaluator), 6, 1).z();
    }
    assertArrayEquals(out[0], out[1]);
  }

  /** Bad values of fit.under-p.independence-every are one-line errors naming the key. */
  @Test
  void badValuesNameTheKey() {
    for (String bad : new String[] {"-1", "10001", "often"}) {
      InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(
          InvalidInputException.class, () -> FitConfig.parse("target { type = banana }",
              List.of("fit.under-p.independence-every=" + bad)).fitter());
      assertTrue(e.getMessage().contains("fit.under-p.independence-every"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }
}
