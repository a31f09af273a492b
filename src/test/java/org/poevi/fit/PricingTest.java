package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;
import org.poevi.config.FitConfig;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.family.Expert;
import org.poevi.family.ProductOfExperts;
import org.poevi.family.ScoreBasis;
import org.poevi.math.RandomStreams;
import org.poevi.qp.ActiveSetQpSolver;
import org.poevi.targets.SinhArcsinhTarget;

/**
 * Pricing candidate experts ({@link Pricing}): the prices are the QP's own slopes and curvatures;
 * a target's missing expert is priced first, with the whole Fisher divergence as its gain; the
 * prices are the same bits on 1 and 2 threads; bad keys name themselves; and on a skewed target
 * the priced experts bring q closer to p.
 */
class PricingTest {
  private static final int DIM = 3;

  private static Expert expert(UniformRandomProvider rng, double scale) {
    double[] location = new double[DIM];
    double[][] lambda = new double[DIM][DIM];
    double[][] a = new double[DIM][DIM];
    for (int i = 0; i < DIM; i++) {
      location[i] = 2 * rng.nextDouble() - 1;
      for (int j = 0; j < DIM; j++) {
        a[i][j] = rng.nextDouble() - 0.5;
      }
    }
    // Λ = scale·(AAᵀ + 0.2 I): positive definite.
    for (int i = 0; i < DIM; i++) {
      for (int j = 0; j < DIM; j++) {
        double s = i == j ? 0.2 : 0;
        for (int k = 0; k < DIM; k++) {
          s += a[i][k] * a[j][k];
        }
        lambda[i][j] = scale * s;
      }
    }
    return Expert.of(location, lambda);
  }

  private static List<Expert> experts(UniformRandomProvider rng, int n) {
    List<Expert> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(expert(rng, 0.3 + rng.nextDouble()));
    }
    return out;
  }

  private static double[] gaussian(UniformRandomProvider rng, int n) {
    ZigguratSampler.NormalizedGaussian g = ZigguratSampler.NormalizedGaussian.of(rng);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = g.sample();
    }
    return out;
  }

  /** n points, scores and log weights, all standard normal. */
  private static Pricing.Points randomPoints(UniformRandomProvider rng, int n) {
    return new Pricing.Points(gaussian(rng, n * DIM), gaussian(rng, n * DIM), gaussian(rng, n));
  }

  private static final double[] COVARIANCE = {2, 0.3, 0, 0.3, 1, -0.2, 0, -0.2, 0.5};

  /**
   * d_c = (Gα − h)_c, G_cc and F(α) of the QP's sums ({@link ScoreAccumulation}) over the pool and
   * the candidates together, in the information metric: the same to 1e-10 relative (both sum the
   * same products in other orders).
   */
  @Test
  void pricesAreTheQpsSlopesAndCurvatures() {
    UniformRandomProvider rng = RandomSource.SPLIT_MIX_64.create(3);
    List<Expert> pool = experts(rng, 5);
    List<Expert> candidates = experts(rng, 7);
    int n = 700;
    Pricing.Points points = randomPoints(rng, n);
    double[] alpha = {0.7, 0, 1.3, 2.1, 0.4};
    Pricing.Prices prices = Pricing.price(ScoreBasis.of(pool, COVARIANCE), alpha,
        ScoreBasis.of(candidates, COVARIANCE), points, n, DIM, 2);
    List<Expert> all = new ArrayList<>(pool);
    all.addAll(candidates);
    ScoreSums sums = ScoreAccumulation.accumulate(ScoreBasis.of(all, COVARIANCE), points.z(),
        points.scores(), points.logW(), n, DIM, 2);
    int k = all.size();
    double[] g = sums.normalizedGram();
    double[] h = sums.normalizedCross();
    double[] extended = Arrays.copyOf(alpha, k);
    for (int c = 0; c < candidates.size(); c++) {
      int row = pool.size() + c;
      double slope = -h[row];
      for (int j = 0; j < k; j++) {
        slope += g[row * k + j] * extended[j];
      }
      assertEquals(slope, prices.slope()[c], 1e-10 * Math.max(1, Math.abs(slope)));
      assertEquals(g[row * k + row], prices.curvature()[c], 1e-10 * g[row * k + row]);
    }
    double fisher = sums.fisherDivergence(extended);
    assertEquals(fisher, prices.fisher(), 1e-10 * fisher);
  }

  /**
   * p is a product of two experts; the pool has the first (at its exponent) and a distractor, the
   * candidates the second among others. Then the residual is the second's score column times its
   * exponent, so by Cauchy–Schwarz no candidate can gain more than F and the second gains exactly
   * F: it is priced first.
   */
  @Test
  void theMissingExpertIsPricedFirst() {
    UniformRandomProvider rng = RandomSource.SPLIT_MIX_64.create(5);
    List<Expert> experts = experts(rng, 7);
    Expert first = experts.get(0);
    Expert second = experts.get(1);
    ProductOfExperts p = ProductOfExperts.of(List.of(first, second), new double[] {1.5, 2.5});
    int n = 500;
    double[] z = gaussian(rng, n * DIM);
    double[] scores = p.scores(z, 1);
    List<Expert> pool = List.of(first, experts.get(2));
    List<Expert> candidates = List.of(experts.get(3), experts.get(4), second, experts.get(5),
        experts.get(6));
    Pricing.Prices prices = Pricing.price(pool, new double[] {1.5, 0}, candidates,
        new Pricing.Points(z, scores, new double[n]), n, DIM, 2);
    int[] chosen = Pricing.select(prices, 3, 0);
    assertEquals(2, chosen[0], Arrays.toString(chosen));
    assertEquals(prices.fisher(), prices.gain(2), 1e-9 * prices.fisher());
    for (int c = 0; c < candidates.size(); c++) {
      assertTrue(prices.gain(c) <= prices.gain(2), "candidate " + c);
    }
    // Best first, at most m, and only candidates of positive gain.
    assertTrue(chosen.length <= 3);
    for (int i = 1; i < chosen.length; i++) {
      assertTrue(prices.gain(chosen[i]) <= prices.gain(chosen[i - 1]));
      assertTrue(prices.gain(chosen[i]) > 0);
    }
  }

  /** Blocks are summed in block order: the same bits on 1 and 2 threads. */
  @Test
  void theSameBitsOnOneAndTwoThreads() {
    UniformRandomProvider rng = RandomSource.SPLIT_MIX_64.create(9);
    List<Expert> pool = experts(rng, 4);
    List<Expert> candidates = experts(rng, 40);
    int n = 3000;
    Pricing.Points points = randomPoints(rng, n);
    double[] alpha = {1, 2, 0, 0.5};
    Pricing.Prices one = Pricing.price(pool, alpha, candidates, points, n, DIM, 1);
    Pricing.Prices two = Pricing.price(pool, alpha, candidates, points, n, DIM, 2);
    assertArrayEquals(one.slope(), two.slope());
    assertArrayEquals(one.curvature(), two.curvature());
    assertEquals(one.fisher(), two.fisher());
  }

  /**
   * With the coordinate experts in the pool, the candidates are the finer grid less the pairs of
   * the default grid (52 − 10 per coordinate); when they were too many for the pool, both grids
   * whole (52 + 4: the default grid's ±1.5 offsets are not on the finer one). A funnel's
   * coordinate (skip) gets none either way.
   */
  @Test
  void coordinateCandidatesWhenTheyAreTooManyForThePool() {
    int dim = 5;
    UniformRandomProvider rng = RandomSource.SPLIT_MIX_64.create(4);
    double[] mean = new double[dim];
    GaussianFit g = new GaussianFit(mean, RandomExperts.spd(rng, dim, 0.5), Double.NaN, null);
    ExpertPool.Settings settings = ExpertPool.Settings.defaults();
    boolean[] skip = new boolean[dim];
    skip[2] = true;
    SinhArcsinhTarget target = SinhArcsinhTarget.of(dim, 0.3, 0.7, 0.5);
    for (boolean defaultGrid : new boolean[] {false, true}) {
      ExpertPool c = Pricing.candidates(target, g, settings, 0, RandomStreams.of(1), 1,
          Progress.SILENT, true, defaultGrid, null, skip, 0);
      assertEquals((dim - 1) * (defaultGrid ? 56 : 42), c.experts().size(), "default grid "
          + defaultGrid);
      assertTrue(c.kinds().stream().allMatch(AxisExperts.KIND::equals));
    }
  }

  /** auto is max(256, 10·D); a number is itself. */
  @Test
  void theAutoCountGrowsWithTheDimension() {
    RefineSettings auto = RefineSettings.defaults();
    assertEquals(256, auto.count(2));
    assertEquals(256, auto.count(25));
    assertEquals(500, auto.count(50));
    assertEquals(64, new RefineSettings(64, 4, 1).count(50));
    assertEquals(2, auto.rounds());
    ExpertPool.Settings settings = ExpertPool.Settings.defaults();
    assertEquals(56, RefineSettings.pricedCoordinatePairs(settings.axisOffsets(),
        settings.axisWidths()));
  }

  @Test
  void badKeysNameThemselves() {
    for (String[] bad : new String[][] {
        {"experts.refine-count=-1",
            "experts.refine-count must be auto or between 0 and 100000, got -1"},
        {"experts.refine-count=many",
            "experts.refine-count must be auto or a number between 0 and 100000, got \"many\""},
        {"experts.refine-candidates=65",
            "experts.refine-candidates must be between 0 and 64, got 65"},
        {"experts.refine-rounds=0", "experts.refine-rounds must be between 1 and 10, got 0"},
        {"experts.refine-rounds=11",
            "experts.refine-rounds must be between 1 and 10, got 11"}}) {
      InvalidInputException e = assertThrows(InvalidInputException.class,
          () -> FitConfig.parse("target { type = banana }", List.of(bad[0])).fitter());
      assertEquals(bad[1], e.getMessage());
    }
  }

  /**
   * Sinh-arcsinh in D = 4: the second fit with 256 priced experts (the default) against the same
   * fit without them (experts.refine-count = 0). Over 20,000 exact draws log q is higher with them
   * by more than 4 standard errors of the paired mean difference (that difference is
   * KL(p; q_without) − KL(p; q_with)).
   */
  @Test
  void pricedExpertsBringQCloserToP() {
    SinhArcsinhTarget target = SinhArcsinhTarget.of(4, 0.3, 0.7, 0.5);
    PoeResult priced = fit(target, 256);
    PoeResult without = fit(target, 0);
    AxisChoice.Outcome outcome = priced.axes().orElseThrow();
    assertTrue(outcome.kept() && outcome.priced() > 0, outcome.describe());
    assertEquals(0, without.axes().orElseThrow().priced());
    double[] gain = AxisChoiceTest.pairedLogQ(target, priced, without, 20_000);
    assertTrue(gain[0] > 4 * gain[1], "mean log q gain " + gain[0] + " ± " + gain[1]);
  }

  /**
   * A second round of pricing (the default) against one: it prices at the kept fit's α, and the
   * q it returns is either the second round's, kept only when closer to p (then closer over
   * 20,000 exact draws by more than 4 standard errors of the paired mean difference), or the
   * first round's unchanged.
   */
  @Test
  void aSecondRoundIsKeptOnlyWhenCloserToP() {
    SinhArcsinhTarget target = SinhArcsinhTarget.of(4, 0.3, 0.7, 0.5);
    PoeResult two = fit(target, 256, 2);
    PoeResult one = fit(target, 256, 1);
    assertEquals(1, one.axes().orElseThrow().round());
    AxisChoice.Outcome outcome = two.axes().orElseThrow();
    assertEquals(2, outcome.round(), outcome.describe());
    assertTrue(outcome.describe().startsWith("round 2 of pricing: "), outcome.describe());
    if (outcome.kept()) {
      assertTrue(two.family().numExperts() > one.family().numExperts());
      double[] gain = AxisChoiceTest.pairedLogQ(target, two, one, 20_000);
      assertTrue(gain[0] > 4 * gain[1], "mean log q gain " + gain[0] + " ± " + gain[1]);
    } else {
      assertArrayEquals(one.alphaPath().get(one.alphaPath().size() - 1),
          two.alphaPath().get(two.alphaPath().size() - 1), outcome.describe());
    }
  }

  private static PoeResult fit(SinhArcsinhTarget target, int refineCount) {
    return fit(target, refineCount, RefineSettings.defaults().rounds());
  }

  private static PoeResult fit(SinhArcsinhTarget target, int refineCount, int rounds) {
    // The KL projection off: these tests compare what pricing does, and the projection can make
    // up for experts a fit lacks.
    PoeSettings settings = PoeSettings.builder().threads(2).modeStarts(8).gaussianRounds(2)
        .gaussianDraws(2000).iterations(5).batchSize(512).outputDraws(2000).klProjection(false)
        .build().withRefine(refineCount, 4, rounds);
    return new PoeFitter(settings, ActiveSetQpSolver.create()).fit(target,
        new LocalScoreEvaluator(target, 2), Progress.SILENT);
  }
}
