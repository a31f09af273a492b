package org.poevi.fit;

import java.util.ArrayList;
import java.util.List;
import org.poevi.family.Expert;
import org.poevi.family.SharedMetric;
import org.poevi.math.Cholesky;
import org.poevi.math.RandomStreams;
import org.poevi.targets.Target;

/**
 * The expert pool with structured experts (issue #20, {@code experts.structure}): the same
 * placement as {@link ExpertPool} (modes, bulk, global and broad experts) with every Λ_k of the
 * form c_k·M + U_k U_kᵀ around one metric, the preliminary Gaussian's precision M = S⁻¹. Global
 * and broad experts are c·M exactly (r = 0). Mode and bulk experts take the local curvature as a
 * {@link CurvatureSketch} (Hessian–vector products; at a mode, the same sketch of its dense
 * Hessian) divided by 2·a·s for each width s. Nothing of size D×D is kept per expert.
 */
final class StructuredPool {
  /** Probes per point: twice the rank, and at least 8. */
  static int probes(int rank) {
    return Math.max(8, 2 * rank);
  }

  /** The probe streams of the modes' sketches start here (the bulk points' at 0). */
  private static final long MODE_STREAMS = 1L << 40;

  private StructuredPool() {}

  static ExpertPool build(Target target, List<ModeFinder.Mode> modes, GaussianFit gaussian,
      ExpertPool.Settings settings, RandomStreams streams, int threads, Progress progress) {
    int dim = target.dim();
    SharedMetric metric = SharedMetric.of(Cholesky.inverse(gaussian.covariance(), dim), dim);
    double a = plannedAlpha(settings, dim);
    int rank = Math.min(settings.rank(), dim);
    List<Expert> experts = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    long[] used = {0};
    for (int m = 0; m < modes.size(); m++) {
      ModeFinder.Mode mode = modes.get(m);
      CurvatureSketch.Curvature c = CurvatureSketch.at(new DenseQuadratic(mode), new double[][] {
          mode.location()}, metric, probes(rank), rank, settings.floor(), streams,
          MODE_STREAMS + m, threads, new long[1])[0];
      addWidths(experts, kinds, "mode", mode.location(), c, metric, settings.widths(), a);
    }
    double[][] locations = settings.placement() == ExpertPool.Placement.BULK
        ? Halton.gaussianPoints(gaussian, settings.locations(), dim,
            streams.stream(RandomStreams.POOL, 0))
        : ExpertPool.jitteredLocations(modes, settings.locations(), settings.widths(), dim,
            settings.floor() * minEigenvalue(metric, dim), streams);
    CurvatureSketch.Curvature[] curvatures = CurvatureSketch.at(target, locations, metric,
        probes(rank), rank, settings.floor(), streams, 0, threads, used);
    progress.advance(locations.length, locations.length);
    for (int i = 0; i < locations.length; i++) {
      if (settings.placement() == ExpertPool.Placement.BULK) {
        addWidths(experts, kinds, "bulk", locations[i], curvatures[i], metric, settings.widths(),
            a);
        for (double s : settings.globalWidths()) {
          experts.add(Expert.structured(locations[i], metric, 1 / (2 * a * s), new double[0]));
          kinds.add("global");
        }
      } else {
        experts.add(scaled(locations[i], curvatures[i], metric, 1 / (2 * a)));
        kinds.add("jitter");
      }
    }
    if (settings.placement() == ExpertPool.Placement.BULK) {
      for (double c : settings.broadFactors()) {
        experts.add(Expert.structured(gaussian.mean(), metric, 1 / (2 * a * c), new double[0]));
        kinds.add("broad");
      }
    }
    return new ExpertPool(List.copyOf(experts), List.copyOf(kinds), used[0]);
  }

  /** The smallest eigenvalue of M (the jittered placement's floor is in z's units). */
  private static double minEigenvalue(SharedMetric metric, int dim) {
    return org.poevi.math.SymmetricEigen.of(metric.matrix(), dim).minValue();
  }

  /**
   * The planned α of a structured pool: experts.planned-alpha, raised to D / c_max, c_max the
   * largest width or broad factor. Near its centre an expert with exponent α and Λ = H/(2·a·s)
   * adds precision (α/(a·s))·H, so a pool whose precisions add up to the target's holds at most
   * Σα ≈ a·c_max, and the constraint Σα ≥ D/2 is then met only by over-narrow products when
   * a < D/(2·c_max) (measured: ν at its bound and a PSIS k-hat of 4.7 at D = 1000 with a = 2).
   * With a ≥ D/c_max the broadest experts alone reach Σα ≈ D (ν ≈ D, nearly Gaussian tails) at
   * the target's width. At D = 300, a = 12, 19 and 75 gave KL 40.30, 40.19 and 40.38
   * (docs/benchmarks.md); the dense pool (D ≤ 100 by default) keeps a as given.
   */
  static double plannedAlpha(ExpertPool.Settings settings, int dim) {
    double widest = 1;
    for (double[] factors : new double[][] {settings.widths(), settings.broadFactors(),
        settings.globalWidths()}) {
      for (double c : factors) {
        widest = Math.max(widest, c);
      }
    }
    return Math.max(settings.plannedAlpha(), dim / widest);
  }

  private static void addWidths(List<Expert> experts, List<String> kinds, String kind,
      double[] location, CurvatureSketch.Curvature c, SharedMetric metric, double[] widths,
      double a) {
    for (double s : widths) {
      experts.add(scaled(location, c, metric, 1 / (2 * a * s)));
      kinds.add(kind);
    }
  }

  /** The expert whose Λ is factor·(c·M + U Uᵀ). */
  private static Expert scaled(double[] location, CurvatureSketch.Curvature c, SharedMetric metric,
      double factor) {
    double[] u = c.lowRank().clone();
    double root = Math.sqrt(factor);
    for (int i = 0; i < u.length; i++) {
      u[i] *= root;
    }
    return Expert.structured(location, metric, c.scale() * factor, u);
  }

  /**
   * The quadratic model of log p at a mode, −½(z − x)ᵀH(z − x), whose gradient −H(z − x) lets the
   * sketch read the mode's dense negative Hessian through the same products.
   */
  private record DenseQuadratic(ModeFinder.Mode mode) implements Target {
    @Override
    public int dim() {
      return mode.location().length;
    }

    @Override
    public String name() {
      return "mode";
    }

    @Override
    public double logDensity(double[] z, double[] gradient) {
      int dim = dim();
      double[] h = mode.negativeHessian();
      double[] x = mode.location();
      double value = 0;
      for (int i = 0; i < dim; i++) {
        double g = 0;
        for (int j = 0; j < dim; j++) {
          g -= h[i * dim + j] * (z[j] - x[j]);
        }
        gradient[i] = g;
        value += 0.5 * g * (z[i] - x[i]);
      }
      return value;
    }
  }
}
