package org.poevi.fit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.poevi.InvalidInputException;
import org.poevi.math.BlockParallel;
import org.poevi.math.Cholesky;
import org.poevi.math.Lbfgs;
import org.poevi.math.RandomStreams;
import org.poevi.targets.Target;

/**
 * Local maxima of log p̃ by L-BFGS from many starts (SPEC §4, step 1).
 *
 * <p>Starts are drawn from N(0, startScale²·I) with a stream keyed by the start's index, so the
 * result does not depend on threads. Two maxima are the same mode when they are within one unit
 * of each other in the metric of the better one's negative Hessian (one posterior sd), or within
 * 1e-6 relative when that Hessian is not positive definite.
 *
 * <p>An end point counts as a mode only when it is (nearly) stationary: its negative Hessian H is
 * positive definite and the Newton decrement gᵀH⁻¹g, twice the log density a Newton step would
 * still gain, is at most {@value #MAX_DECREMENT}. Runs that ran away instead (a density that is
 * unbounded, as in the neck of a centred hierarchical model, or that keeps rising along a ray)
 * are dropped; the list is empty when every run ran away. A run that reached L-BFGS's iteration
 * cap short of that is finished by Newton steps first ({@link NewtonPolish}).
 */
final class ModeFinder {
  /** A local maximum of log p̃ with the negative Hessian there. */
  record Mode(double[] location, double logDensity, double[] negativeHessian) {}

  /** Largest Newton decrement gᵀH⁻¹g of a mode (0.1 nats of log density still to gain). */
  static final double MAX_DECREMENT = 0.2;

  private ModeFinder() {}

  /** The search's L-BFGS: 1000 iterations, 10 pairs, tolerances 1e-8 (gradient), 1e-12 (value). */
  private static final Lbfgs LBFGS = Lbfgs.of(1000, 10, 1e-8, 1e-12);

  /** The modes found, best first, and the target evaluations the search used. */
  record Search(List<Mode> modes, long evaluations) {}

  /** {@link #find(Target, int, double, RandomStreams, int, Progress)} without progress. */
  static Search find(Target target, int starts, double startScale, RandomStreams streams,
      int threads) {
    return find(target, starts, startScale, streams, threads, Progress.SILENT);
  }

  /** The modes from {@code starts} starts, telling {@code progress} how many have finished. */
  static Search find(Target target, int starts, double startScale, RandomStreams streams,
      int threads, Progress progress) {
    int dim = target.dim();
    java.util.concurrent.atomic.AtomicInteger finished =
        new java.util.concurrent.atomic.AtomicInteger();
    Lbfgs.Result[] results = new Lbfgs.Result[starts];
    BlockParallel.forEach(starts, threads, () -> null, (i, unused) -> {
      UniformRandomProvider rng = streams.stream(RandomStreams.MODE_STARTS, i);
      var normal = ZigguratSampler.NormalizedGaussian.of(rng);
      double[] start = new double[dim];
      if (i > 0) {
        for (int d = 0; d < dim; d++) {
          start[d] = startScale * normal.sample();
        }
      }
      results[i] = LBFGS.minimize((x, g) -> {
        double v = target.logDensity(x, g);
        for (int d = 0; d < dim; d++) {
          g[d] = -g[d];
        }
        return Double.isNaN(v) ? Double.POSITIVE_INFINITY : -v;
      }, start);
      progress.advance(finished.incrementAndGet(), starts);
    });
    long evaluations = 0;
    for (Lbfgs.Result r : results) {
      evaluations += r.evaluations();
    }
    List<Lbfgs.Result> finite = new ArrayList<>();
    for (Lbfgs.Result r : results) {
      if (Double.isFinite(r.value()) && r.stop() != Lbfgs.Stop.NON_FINITE_START) {
        finite.add(r);
      }
    }
    if (finite.isEmpty()) {
      throw new InvalidInputException("mode search failed: log density of target "
          + target.name() + " is not finite at any of " + starts + " starts"
          + " (raise init.start-scale or check the target)");
    }
    finite.sort(Comparator.comparingDouble(Lbfgs.Result::value));
    List<Mode> modes = new ArrayList<>();
    long[] spent = {evaluations};
    for (Lbfgs.Result r : finite) {
      Mode found = candidate(target, r, modes, dim, spent);
      if (found != null) {
        modes.add(found);
      }
    }
    modes.sort(Comparator.comparingDouble(Mode::logDensity).reversed());
    return new Search(modes, spent[0]);
  }

  /**
   * The mode an L-BFGS run ended at, or null when it is one already found or not stationary; a
   * run that ended short of stationarity is finished by Newton steps first. Adds the evaluations
   * used to {@code spent[0]}.
   */
  private static Mode candidate(Target target, Lbfgs.Result r, List<Mode> modes, int dim,
      long[] spent) {
    if (isDuplicate(modes, r.x(), dim)) {
      return null;
    }
    Hessians.Curvatures c = Hessians.negativeHessians(target, new double[][] {r.x()}, 1);
    spent[0] += c.evaluations();
    Mode found = new Mode(r.x(), -r.value(), c.hessians()[0]);
    if (!isStationary(target, found.location(), found.negativeHessian(), dim)) {
      // Cut short on an ill-conditioned posterior (the iteration cap, or a value change below
      // L-BFGS's relative tolerance along a direction a million times wider than another, as
      // in a parameter measured in units 10⁶ too small): Newton finishes it (NewtonPolish),
      // whose decrement does not depend on the units.
      found = polished(target, found, spent);
      if (!isStationary(target, found.location(), found.negativeHessian(), dim)) {
        // Newton could not start (H indefinite where L-BFGS stalled): L-BFGS again from there,
        // in coordinates scaled by H's diagonal, so that its tolerances see unit scales.
        found = polished(target, rescaled(target, found, spent), spent);
      }
      if (isDuplicate(modes, found.location(), dim)) {
        return null;
      }
    }
    return isStationary(target, found.location(), found.negativeHessian(), dim) ? found : null;
  }

  /** At most a few damped Newton steps from {@code start} ({@link NewtonPolish}). */
  private static Mode polished(Target target, Mode start, long[] spent) {
    NewtonPolish.Result p = NewtonPolish.from(target, start.location(), start.logDensity(),
        start.negativeHessian());
    spent[0] += p.evaluations();
    return new Mode(p.x(), p.logP(), p.h());
  }

  /**
   * L-BFGS from {@code start} in the coordinates u = s ⊙ (x − start), s_i = √|H_ii| (1 where
   * H_ii is 0 or not finite), and the Hessian where it ends.
   */
  private static Mode rescaled(Target target, Mode start, long[] spent) {
    int dim = start.location().length;
    double[] x0 = start.location();
    double[] s = new double[dim];
    for (int i = 0; i < dim; i++) {
      double h = Math.abs(start.negativeHessian()[i * dim + i]);
      s[i] = h > 0 && Double.isFinite(h) ? Math.sqrt(h) : 1;
    }
    Lbfgs.Result r = LBFGS.minimize((u, g) -> {
      double[] x = new double[dim];
      for (int i = 0; i < dim; i++) {
        x[i] = x0[i] + u[i] / s[i];
      }
      double v = target.logDensity(x, g);
      for (int i = 0; i < dim; i++) {
        g[i] = -g[i] / s[i];
      }
      return Double.isNaN(v) ? Double.POSITIVE_INFINITY : -v;
    }, new double[dim]);
    spent[0] += r.evaluations();
    double[] x = new double[dim];
    for (int i = 0; i < dim; i++) {
      x[i] = x0[i] + r.x()[i] / s[i];
    }
    Hessians.Curvatures c = Hessians.negativeHessians(target, new double[][] {x}, 1);
    spent[0] += c.evaluations();
    return new Mode(x, -r.value(), c.hessians()[0]);
  }

  /** Whether H is positive definite at x and gᵀH⁻¹g ≤ MAX_DECREMENT. */
  private static boolean isStationary(Target target, double[] x, double[] h, int dim) {
    double[] packed = Cholesky.pack(h, dim);
    if (!Cholesky.factor(packed, 0, dim)) {
      return false;
    }
    double[] g = new double[dim];
    if (!Double.isFinite(target.logDensity(x.clone(), g))) {
      return false;
    }
    // gᵀH⁻¹g = ‖L⁻¹g‖² with H = L Lᵀ: forward substitution.
    double decrement = 0;
    double[] y = new double[dim];
    for (int i = 0; i < dim; i++) {
      double v = g[i];
      for (int j = 0; j < i; j++) {
        v -= packed[Cholesky.packedIndex(i, j)] * y[j];
      }
      y[i] = v / packed[Cholesky.packedIndex(i, i)];
      decrement += y[i] * y[i];
    }
    return decrement <= MAX_DECREMENT;
  }

  private static boolean isDuplicate(List<Mode> modes, double[] x, int dim) {
    for (Mode m : modes) {
      double[] diff = new double[dim];
      double norm = 0;
      double scale = 0;
      for (int d = 0; d < dim; d++) {
        diff[d] = x[d] - m.location()[d];
        norm += diff[d] * diff[d];
        scale += m.location()[d] * m.location()[d];
      }
      double[] packed = Cholesky.pack(m.negativeHessian(), dim);
      if (Cholesky.factor(packed, 0, dim)) {
        // ‖Lᵀ diff‖² = diffᵀ H diff.
        double q = 0;
        for (int i = 0; i < dim; i++) {
          double s = 0;
          for (int j = i; j < dim; j++) {
            s += packed[Cholesky.packedIndex(j, i)] * diff[j];
          }
          q += s * s;
        }
        if (q <= 1) {
          return true;
        }
      } else if (norm <= 1e-12 * Math.max(1, scale)) {
        return true;
      }
    }
    return false;
  }
}
