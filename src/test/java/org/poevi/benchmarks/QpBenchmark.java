package org.poevi.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.poevi.qp.ActiveSetQpSolver;
import org.poevi.qp.OjAlgoQpSolver;
import org.poevi.qp.QpProblem;
import org.poevi.qp.QpResult;
import org.poevi.qp.QpSolver;

/**
 * One α-step QP of Algorithm 1, end to end (validation, start, solve, KKT certificate), with
 * {@code solver} = {@code ojalgo} ({@link OjAlgoQpSolver}: scaling, ojAlgo, polish) or
 * {@code active-set} ({@link ActiveSetQpSolver}, the fit's default, without its ojAlgo fallback
 * so that its own time is measured; it certified every problem here); ms per solve.
 *
 * <p>The problem is built as the fit builds it: B = 256 draws of a D = 10 score matrix Q(z_b)
 * (2560 rows, so the data part has full rank for K ≤ 500), weights with mean 1, scores, η = 1 and
 * the previous iterate α⁽ᵗ⁾, after a few proximal steps from a random α⁽⁰⁾ (each on a fresh
 * batch). {@code cold} solves it without a warm start (the solver then starts from the clipped
 * unconstrained minimiser); {@code warm} passes α⁽ᵗ⁾, the solution of the previous step's QP, as
 * the fit loop would.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class QpBenchmark {
  private static final int DRAWS = 256;
  private static final int DIM = 10;
  private static final int WARMUP_STEPS = 4;

  @Param({"50", "200", "500"})
  int experts;

  @Param({"cold", "warm"})
  String start;

  @Param({"ojalgo", "active-set"})
  String solverName;

  private final OjAlgoQpSolver reference = OjAlgoQpSolver.create();
  private QpSolver solver;
  private QpProblem problem;

  @Setup(Level.Trial)
  public void setUp() {
    solver = "ojalgo".equals(solverName) ? reference
        : ActiveSetQpSolver.of(OjAlgoQpSolver.DEFAULT_TOLERANCE, null);
    SplittableRandom rng = new SplittableRandom(20261127L + experts);
    double[] initial = new double[experts];
    for (int k = 0; k < experts; k++) {
      initial[k] = 2 * rng.nextDouble();
    }
    // A fit in progress: a few proximal steps on fresh batches, so that α⁽ᵗ⁾ is near the fixed
    // point and the next QP differs from the last one by batch noise, as late in a fit.
    double[] alpha = initial;
    for (int t = 0; t < WARMUP_STEPS; t++) {
      alpha = reference.solve(build(rng, alpha, alpha)).solution();
    }
    problem = build(rng, alpha, "warm".equals(start) ? alpha : null);
  }

  @Benchmark
  public QpResult solve() {
    QpResult r = solver.solve(problem);
    if (!r.isOptimal()) {
      throw new IllegalStateException("not certified: " + r.message());
    }
    return r;
  }

  /** G and h from one fresh batch around α⁽ᵗ⁾ = {@code centre}. */
  private QpProblem build(SplittableRandom rng, double[] centre, double[] warmStart) {
    int k = experts;
    int rows = DRAWS * DIM;
    double[] q = new double[rows * k];
    for (int i = 0; i < q.length; i++) {
      q[i] = gaussian(rng);
    }
    double[] weights = new double[DRAWS];
    double total = 0;
    for (int b = 0; b < DRAWS; b++) {
      weights[b] = -Math.log(1 - rng.nextDouble());
      total += weights[b];
    }
    double[] g = new double[k * k];
    double[] h = new double[k];
    for (int r = 0; r < rows; r++) {
      double w = weights[r / DIM] / total;
      double s = 3 * gaussian(rng);
      int off = r * k;
      for (int i = 0; i < k; i++) {
        double wq = w * q[off + i];
        h[i] += wq * s;
        for (int j = 0; j <= i; j++) {
          g[i * k + j] += wq * q[off + j];
        }
      }
    }
    double eta = 1;
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < i; j++) {
        g[j * k + i] = g[i * k + j];
      }
      g[i * k + i] += 1 / eta;
      h[i] += centre[i] / eta;
    }
    return QpProblem.of(g, h, DIM / 2.0 + 1, warmStart);
  }

  private static double gaussian(SplittableRandom rng) {
    // Box–Muller: plenty for building a test problem.
    double radius = Math.sqrt(-2 * Math.log(1 - rng.nextDouble()));
    return radius * Math.cos(2 * Math.PI * rng.nextDouble());
  }
}
