package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;
import org.poevi.math.SampleMoments;
import org.poevi.targets.SinhArcsinhTarget;

/**
 * The MALA population of the under-p objective, on the skewed, heavy-tailed, correlated
 * sinh-arcsinh target in 50 dimensions, whose exact draws give the reference.
 */
class ResampleMoveTest {
  static final SinhArcsinhTarget TARGET = SinhArcsinhTarget.of(50);
  static final int DIM = 50;
  private static final int REFERENCE = 100_000;
  private static final double[] REF = exactDraws(REFERENCE, 7);
  private static final double[] REF_MEAN = SampleMoments.mean(REF, REFERENCE, DIM);
  static final double[] REF_COV = SampleMoments.covariance(REF, REFERENCE, REF_MEAN, DIM);

  static double[] exactDraws(int n, long seed) {
    UniformRandomProvider rng = RandomStreams.of(seed).stream(1);
    double[] z = new double[n * DIM];
    for (int i = 0; i < n; i++) {
      TARGET.sample(rng, z, i * DIM);
    }
    return z;
  }

  private static final RandomStreams STREAMS = RandomStreams.of(3);

  private record Population(Chains chains, ResampleMove mover, LocalScoreEvaluator evaluator) {}

  private static Population population(double[] z, int n, double[] preconditioner, int threads) {
    LocalScoreEvaluator evaluator = new LocalScoreEvaluator(TARGET, threads);
    double[] logP = new double[n];
    double[] scores = new double[n * DIM];
    evaluator.evaluate(z, n, logP, scores);
    return new Population(new Chains(z, logP, scores, DIM), new ResampleMove(evaluator, DIM,
        preconditioner, STREAMS), evaluator);
  }

  /**
   * Per-coordinate means and variances of the population against the 10⁵ exact draws. The SE of
   * a mean is √(var·(1/n + 1/10⁵)), of a variance √((κ−1)/n)·var with κ each coordinate's
   * kurtosis measured on the reference. The bound 4.5 SE over 2·50 statistics is a false-alarm
   * rate under 10⁻³ for the whole check (Bonferroni), if the population's draws were independent;
   * MCMC draws from one chain each are, across chains.
   */
  private static void assertMatchesTarget(double[] z, int n) {
    new ReferenceMoments(REF, REFERENCE, DIM).assertMatched(z, n, 4.5);
    // The fit uses the scores: E‖∇log p‖² over the population against 2·10⁴ further exact draws,
    // within 4 standard errors of the difference (each SE from its own sample's spread).
    double[] pop = squaredScoreNorms(z, n);
    double[] ref = squaredScoreNorms(exactDraws(20_000, 12), 20_000);
    double se = Math.sqrt(variance(pop) / n + variance(ref) / ref.length);
    assertEquals(mean(ref), mean(pop), 4 * se, "E |score|^2");
  }

  /**
   * The population's covariance preconditions the chains only from 10·D chains: below that its
   * smallest eigenvalues are shrunk too far (ResampleMove.preconditionFrom) and S is kept.
   */
  @Test
  void fewChainsKeepThePreconditioner() {
    int enough = ResampleMove.CHAINS_PER_COVARIANCE * DIM;
    for (int n : new int[] {enough - 1, enough}) {
      MultivariateT.Sampler sampler = MultivariateT.of(REF_MEAN, REF_COV, 5)
          .sampler(RandomStreams.of(5).stream(n));
      double[] z = new double[n * DIM];
      for (int i = 0; i < n; i++) {
        sampler.sample(z, i * DIM);
      }
      Population p = population(z, n, REF_COV, 1);
      assertEquals(n >= enough, p.mover().preconditionFrom(p.chains()), n + " chains");
    }
  }

  /**
   * The production path (PoeFitter's population): a population drawn from the under-p proposal
   * t₅(m, 1.5²·S) around p's moments, with the proposal's scatter as the first preconditioner,
   * 50 adaptive burn-in steps re-preconditioned from the population every 5, then 100 steps of
   * the frozen kernel, reaches p; Stein's identity then holds in every coordinate.
   */
  @Test
  void burnInCarriesABroadPopulationOntoTheTarget() {
    int n = 4096;
    double[] broadScatter = GaussianFit.scaled(REF_COV, 2.25);
    MultivariateT.Sampler sampler = MultivariateT.of(REF_MEAN, broadScatter, 5)
        .sampler(RandomStreams.of(4).stream(2));
    double[] z = new double[n * DIM];
    for (int i = 0; i < n; i++) {
      sampler.sample(z, i * DIM);
    }
    Population p = population(z, n, broadScatter, 2);
    Chains chains = p.chains();
    for (int done = 0; done < 50; done += 5) {
      chains = p.mover().adapt(chains, 5, -1 - done);
      assertTrue(p.mover().preconditionFrom(chains), "population covariance accepted");
    }
    MoveTask.Moved moved = MoveTask.move(p.evaluator(), p.mover().kernel(), chains, STREAMS, 1,
        0, 100);
    ResampleMove.Moves moves = ResampleMove.moves(moved, n);
    // Sanity, not a statistical bound: adaptation aims at 0.574.
    assertTrue(moves.acceptance() > 0.4 && moves.acceptance() < 0.75, "acceptance " + moves);
    assertTrue(moves.unmovedFraction() < 0.01, "chains that never moved: " + moves);
    assertMatchesTarget(moved.chains().z(), n);
    assertEquals(-1, ResampleMove.steinViolation(moved.chains()));
  }

  /**
   * The frozen kernel leaves p invariant: exact draws stay exact draws after 30 steps (a wrong
   * Hastings term or reverse drift shows up here at once).
   */
  @Test
  void theFrozenKernelLeavesTheTargetInvariant() {
    int n = 4096;
    double[] z = exactDraws(n, 21);
    Population p = population(z, n, REF_COV, 2);
    assertMatchesTarget(MoveTask.move(p.evaluator(), p.mover().kernel(), p.chains(), STREAMS, 1,
        0, 30).chains().z(), n);
  }

  /** Stein's identity flags a population that is not p: exact draws scaled by 1.3 about the mean. */
  @Test
  void steinsIdentityFlagsAPopulationThatIsNotTheTarget() {
    int n = 4096;
    double[] z = exactDraws(n, 22);
    double[] logP = new double[n];
    double[] scores = new double[n * DIM];
    new LocalScoreEvaluator(TARGET, 2).evaluate(z, n, logP, scores);
    assertEquals(-1, ResampleMove.steinViolation(new Chains(z, logP, scores, DIM)));
    double[] scaled = z.clone();
    for (int i = 0; i < n * DIM; i++) {
      scaled[i] = REF_MEAN[i % DIM] + 1.3 * (z[i] - REF_MEAN[i % DIM]);
    }
    double[] scaledScores = new double[n * DIM];
    new LocalScoreEvaluator(TARGET, 2).evaluate(scaled, n, logP, scaledScores);
    assertTrue(ResampleMove.steinViolation(new Chains(scaled, logP, scaledScores, DIM)) >= 0);
  }

  private static double[] squaredScoreNorms(double[] z, int n) {
    double[] out = new double[n];
    double[] g = new double[DIM];
    for (int i = 0; i < n; i++) {
      TARGET.logDensity(Arrays.copyOfRange(z, i * DIM, (i + 1) * DIM), g);
      for (double v : g) {
        out[i] += v * v;
      }
    }
    return out;
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  private static double variance(double[] x) {
    double m = mean(x);
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return s / (x.length - 1);
  }

  /** Points travel with their log density and scores; weight 1/4 gets n/4 tickets (±1). */
  @Test
  void resamplingFollowsTheWeights() {
    int n = 1000;
    double[] z = exactDraws(n, 5);
    double[] logP = new double[n];
    double[] scores = new double[n * DIM];
    for (int i = 0; i < n; i++) {
      logP[i] = i;
      Arrays.fill(scores, i * DIM, (i + 1) * DIM, -i);
    }
    double[] original = z.clone();
    double[] logW = new double[n];
    Arrays.fill(logW, Double.NEGATIVE_INFINITY);
    logW[17] = 0;
    logW[400] = Math.log(3);
    ResampleMove mover = new ResampleMove(new LocalScoreEvaluator(TARGET, 1), DIM, REF_COV,
        RandomStreams.of(3));
    Chains resampled = mover.resample(new Chains(z, logP, scores, DIM), logW, 1);
    int copies17 = 0;
    for (int i = 0; i < n; i++) {
      int from = (int) resampled.logP()[i];
      assertTrue(from == 17 || from == 400, "row " + i + " came from " + from);
      copies17 += from == 17 ? 1 : 0;
      assertArrayEquals(Arrays.copyOfRange(original, from * DIM, (from + 1) * DIM),
          Arrays.copyOfRange(resampled.z(), i * DIM, (i + 1) * DIM));
      for (int d = 0; d < DIM; d++) {
        assertEquals(-from, resampled.scores()[i * DIM + d]);
      }
    }
    assertEquals(250, copies17, 1);
  }

  /** Moves and adaptation depend on the population only, never on the thread count. */
  @Test
  void sameResultForAnyNumberOfThreads() {
    int n = 700;
    double[] one = exactDraws(n, 5);
    double[] two = one.clone();
    Population a = population(one, n, REF_COV, 1);
    Population b = population(two, n, REF_COV, 2);
    assertArrayEquals(a.mover().adapt(a.chains(), 5, 1).z(),
        b.mover().adapt(b.chains(), 5, 1).z());
    assertEquals(a.mover().step(), b.mover().step());
  }
}
