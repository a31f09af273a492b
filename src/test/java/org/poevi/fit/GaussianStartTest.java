package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.poevi.family.Expert;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;
import org.poevi.qp.ActiveSetQpSolver;
import org.poevi.qp.QpResult;
import org.poevi.targets.Target;
import org.poevi.targets.Targets;

/**
 * The starting α from the preliminary Gaussian ({@link GaussianStart}): for a Gaussian target it
 * matches the target's scores far better than equal exponents do, on independent exact draws;
 * a failed QP leaves the equal exponents.
 */
class GaussianStartTest {
  private static final int DIM = 3;
  private static final double[] MEAN = {1, -2, 0.5};
  private static final double[] COV = {2, 0.8, 0, 0.8, 1, -0.3, 0, -0.3, 0.5};

  private static final class Setup {
    final List<Expert> basis;
    final GaussianFit gaussian;
    final MultivariateT proposal;
    final double[] uniform;
    final double minSum = DIM / 2.0 + 0.5;

    Setup() {
      double[] precision = org.poevi.math.Cholesky.inverse(COV, DIM);
      Target target = Targets.of("gaussian", List.of("a", "b", "c"), (z, g) -> {
        double lp = 0;
        for (int i = 0; i < DIM; i++) {
          double s = 0;
          for (int j = 0; j < DIM; j++) {
            s -= precision[i * DIM + j] * (z[j] - MEAN[j]);
          }
          g[i] = s;
          lp += 0.5 * s * (z[i] - MEAN[i]);
        }
        return lp;
      });
      gaussian = new GaussianFit(MEAN, COV, Double.NaN, precision);
      ExpertPool pool = ExpertPool.build(target, List.of(), gaussian,
          new ExpertPool.Settings(ExpertPool.Placement.BULK, 8, 2, new double[] {0.5, 1, 2},
              new double[] {4, 16}, new double[] {0.5, 2}, 0.1),
          RandomStreams.of(2), 2, Progress.SILENT);
      basis = ScoreMetric.INFORMATION.basis(pool.experts(), gaussian);
      proposal = MultivariateT.of(MEAN, GaussianFit.scaled(COV, 2.25), 5);
      uniform = new double[basis.size()];
      Arrays.fill(uniform, (minSum + 1) / uniform.length);
    }
  }

  /**
   * The sample Fisher divergence on 4000 independent exact draws (exact scores, equal weights):
   * the start's must be below a tenth of equal exponents' (measured: 0.0061 against 0.81; the
   * margin covers any seed's Monte Carlo error of a few per cent).
   */
  @Test
  void theStartMatchesAGaussianTargetsScores() {
    Setup s = new Setup();
    double[] warm = GaussianStart.alpha(s.basis, s.gaussian, s.proposal, RandomStreams.of(1), 2048,
        new AlphaStep(ActiveSetQpSolver.create(), s.minSum, Double.POSITIVE_INFINITY), s.uniform,
        2);
    int n = 4000;
    double[] z = new double[n * DIM];
    MultivariateT.Sampler exact = MultivariateT.of(MEAN, COV, 1e12).sampler(
        RandomStreams.of(9).stream(1));
    double[] precision = s.gaussian.information();
    double[] scores = new double[n * DIM];
    for (int i = 0; i < n; i++) {
      exact.sample(z, i * DIM);
      for (int a = 0; a < DIM; a++) {
        for (int b = 0; b < DIM; b++) {
          scores[i * DIM + a] -= precision[a * DIM + b] * (z[i * DIM + b] - MEAN[b]);
        }
      }
    }
    ScoreSums sums = ScoreAccumulation.accumulate(s.basis, z, scores, new double[n], n, DIM, 2);
    double start = sums.fisherDivergence(warm);
    double equal = sums.fisherDivergence(s.uniform);
    assertTrue(start < 0.1 * equal, "start " + start + " against equal exponents " + equal);
  }

  @Test
  void aFailedQpKeepsEqualExponents() {
    Setup s = new Setup();
    AlphaStep failing = new AlphaStep(problem -> new QpResult(problem.warmStart(), 0,
        QpResult.Status.FAILED, 1, 0, Double.POSITIVE_INFINITY, "test: the solver gave up"),
        s.minSum, Double.POSITIVE_INFINITY);
    assertArrayEquals(s.uniform, GaussianStart.alpha(s.basis, s.gaussian, s.proposal,
        RandomStreams.of(1), 512, failing, s.uniform, 1), 0.0);
  }
}
