package org.poevi.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.commons.statistics.distribution.ChiSquaredDistribution;
import org.junit.jupiter.api.Test;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.family.GaussianModel;
import org.poevi.math.RandomStreams;
import org.poevi.math.SampleMoments;
import org.poevi.math.SymmetricEigen;
import org.poevi.targets.Target;
import org.poevi.targets.Targets;

/**
 * {@link Evaluation} against closed forms: a Gaussian q against a Gaussian p (KL, Fisher,
 * Neg-LLH and the per-coordinate errors), exact identities of the per-coordinate metrics for
 * shifted and scaled copies of one sample, and the oracle Gaussian of Gaussian draws (its exact
 * in-sample values given the sample moments, and their sampling law).
 *
 * <p>Tolerances: a Monte Carlo estimate is compared with its closed form within 4 standard errors
 * (the metric's own reported standard error, or one derived here from n), a two-sided
 * false-alarm rate of 6.3e-5 per check for a normal estimate (the estimates are means of 20,000
 * i.i.d. terms with finite fourth moments). A chi-square bound uses its 1e-4 quantiles. An exact
 * identity (no sampling error) is compared within a rounding bound derived from the terms:
 * recursive summation of n terms errs by at most about n·ε·Σ|terms|/n, plus a few ulps per term;
 * we allow 8·n·ε times the largest term. All draws come from fixed seeds, so a run is
 * reproducible; the false-alarm rates say how often another seed would fail. Every statistical
 * check is paired with a wrong answer (a shifted mean, a swapped direction, a dropped term) that
 * the same tolerance rejects, so that none of them passes by being loose.
 */
class EvaluationTest {
  private static final double Z = 4;
  private static final double EPS = Math.ulp(1.0);
  private static final int D = 3;
  private static final int N = 20_000;
  private static final long SEED = 20_240_611L;
  private static final List<String> NAMES = List.of("a", "b", "c");

  // p = N(μp, Σp) and q = N(μq, Σq): different means, variances and correlations.
  private static final double[] MU_P = {0.5, -1.0, 2.0};
  private static final double[] SIGMA_P = {2.0, 0.6, -0.3, 0.6, 1.0, 0.2, -0.3, 0.2, 0.5};
  private static final double[] MU_Q = {1.2, -1.6, 1.7};
  private static final double[] SIGMA_Q = {1.5, -0.2, 0.1, -0.2, 1.4, 0.3, 0.1, 0.3, 0.8};

  /** p as a code target: log p̃ = −½ (z − μ)ᵀΣ⁻¹(z − μ) (unnormalised), score −Σ⁻¹(z − μ). */
  private static Target gaussianTarget(double[] mu, double[] sigma) {
    double[] precision = inverse(sigma);
    int dim = mu.length;
    return Targets.of("gaussian", NAMES.subList(0, dim), (z, g) -> {
      double quad = 0;
      for (int a = 0; a < dim; a++) {
        double row = 0;
        for (int b = 0; b < dim; b++) {
          row += precision[a * dim + b] * (z[b] - mu[b]);
        }
        g[a] = -row;
        quad += (z[a] - mu[a]) * row;
      }
      return -0.5 * quad;
    });
  }

  /** log Z of that target: ½ log|2πΣ|. */
  private static double logZ(double[] sigma) {
    return 0.5 * (D * Math.log(2 * Math.PI) + Math.log(det(sigma)));
  }

  private static double[] draws(double[] mu, double[] sigma, long key, int n) {
    return new GaussianModel(NAMES, mu, sigma).sample(RandomStreams.of(SEED).stream(
        RandomStreams.EVALUATE, key), n);
  }

  private static Evaluation.Metrics evaluate(GaussianModel q, double[] qDraws, Target target,
      double[] pDraws, double logZ) {
    return Evaluation.of(() -> q.density()::logDensity, q.dim(), qDraws, target, pDraws, logZ,
        new LocalScoreEvaluator(target, 1));
  }

  /** KL(N(m0, S0) ‖ N(m1, S1)) = ½[tr(S1⁻¹S0) + (m1 − m0)ᵀS1⁻¹(m1 − m0) − D + log|S1|/|S0|]. */
  private static double klGaussians(double[] m0, double[] s0, double[] m1, double[] s1) {
    double[] a = inverse(s1);
    double[] delta = minus(m1, m0);
    return 0.5 * (trace(mul(a, s0)) + quad(a, delta) - D + Math.log(det(s1) / det(s0)));
  }

  /** −E_{N(m0,S0)} log N(z; m1, S1) = ½[D log 2π + log|S1| + tr(S1⁻¹S0) + δᵀS1⁻¹δ]. */
  private static double negLlhGaussians(double[] m0, double[] s0, double[] m1, double[] s1) {
    double[] a = inverse(s1);
    double[] delta = minus(m1, m0);
    return 0.5 * (D * Math.log(2 * Math.PI) + Math.log(det(s1)) + trace(mul(a, s0))
        + quad(a, delta));
  }

  /**
   * Fisher(p; q) for p = N(m0, S0), q = N(m1, S1). With A = S1⁻¹, B = S0⁻¹ and e = z − m0 ~
   * N(0, S0): ∇log q − ∇log p = −A(z − m1) + B(z − m0) = (B − A)e + A(m1 − m0), and the cross
   * term has mean zero, so
   *
   * <pre>
   *   F = tr((B − A) S0 (B − A)) + ‖A(m1 − m0)‖²
   *     = tr(S0⁻¹) − 2 tr(S1⁻¹) + tr(S1⁻¹ S0 S1⁻¹) + (m1 − m0)ᵀ S1⁻² (m1 − m0).
   * </pre>
   */
  private static double fisherGaussians(double[] m0, double[] s0, double[] m1, double[] s1) {
    double[] a = inverse(s1);
    double[] b = inverse(s0);
    double[] bMinusA = minus(b, a);
    double[] shift = mulVec(a, minus(m1, m0));
    return trace(mul(mul(bMinusA, s0), bMinusA)) + dot(shift, shift);
  }

  /**
   * A Gaussian q against a Gaussian p, D = 3, 20,000 exact draws of p: KL(p; q), Fisher(p; q) and
   * Neg-LLH within 4 of their reported standard errors of the closed forms above; the reported
   * standard error of Neg-LLH is the population sd/√n; the per-coordinate mean error and log-sd
   * ratio (against 20,000 draws of q) within 4 delta-method standard errors of their population
   * values. Each is paired with a wrong closed form that the same tolerance rejects.
   */
  @Test
  void gaussianAgainstGaussianMatchesClosedForms() {
    Target target = gaussianTarget(MU_P, SIGMA_P);
    double logZ = logZ(SIGMA_P);
    double[] pDraws = draws(MU_P, SIGMA_P, 1, N);
    double[] qDraws = draws(MU_Q, SIGMA_Q, 2, N);
    GaussianModel q = new GaussianModel(NAMES, MU_Q, SIGMA_Q);
    Evaluation.Metrics m = evaluate(q, qDraws, target, pDraws, logZ);
    assertEquals(N, m.referenceDraws());
    assertEquals(N, m.modelDraws());

    double kl = klGaussians(MU_P, SIGMA_P, MU_Q, SIGMA_Q);
    double fisher = fisherGaussians(MU_P, SIGMA_P, MU_Q, SIGMA_Q);
    double negLlh = negLlhGaussians(MU_P, SIGMA_P, MU_Q, SIGMA_Q);
    assertWithin(kl, m.kl(), "KL(p; q)");
    assertWithin(fisher, m.fisher(), "Fisher(p; q)");
    assertWithin(negLlh, m.negLogLikelihood(), "Neg-LLH");

    // Wrong answers the same tolerances reject: q's first mean off by 0.25 (0.18 sd of p), the
    // reverse KL(q; p), Fisher without its mean term, Fisher under q instead of p.
    double[] shifted = MU_Q.clone();
    shifted[0] += 0.25;
    assertOutside(klGaussians(MU_P, SIGMA_P, shifted, SIGMA_Q), m.kl(), "KL, shifted mean");
    assertOutside(klGaussians(MU_Q, SIGMA_Q, MU_P, SIGMA_P), m.kl(), "KL(q; p)");
    assertOutside(negLlhGaussians(MU_P, SIGMA_P, shifted, SIGMA_Q), m.negLogLikelihood(),
        "Neg-LLH, shifted mean");
    double[] a = inverse(SIGMA_Q);
    double[] meanTerm = mulVec(a, minus(MU_Q, MU_P));
    assertOutside(fisher - dot(meanTerm, meanTerm), m.fisher(), "Fisher without mean term");
    assertOutside(fisherGaussians(MU_Q, SIGMA_Q, MU_P, SIGMA_P), m.fisher(), "Fisher(q; p)");
    assertOutside(fisherGaussians(MU_P, SIGMA_P, shifted, SIGMA_Q), m.fisher(),
        "Fisher, shifted mean");

    // The reported standard error itself. −log q(z) = c + Q, Q = ½(Le + δ)ᵀA(Le + δ) with
    // Σp = LLᵀ, e ~ N(0, I), δ = μp − μq, A = Σq⁻¹: a sum of independent (λ_j/2)(ξ_j + c_j)²
    // over the eigenvalues λ_j of LᵀAL, whose cumulants give
    //   κ2 = ½ tr((AΣp)²) + δᵀAΣpAδ,   κ4 = 3 tr((AΣp)⁴) + 12 δᵀ(AΣp)³Aδ.
    // The sample sd s has relative standard error √((κ4 + 2κ2²)/n) / (2κ2); SE·√n / √κ2 must be
    // 1 within 4 of those.
    double[] delta = minus(MU_P, MU_Q);
    double[] aSigma = mul(a, SIGMA_P);
    double[] aSigma2 = mul(aSigma, aSigma);
    double k2 = 0.5 * trace(aSigma2) + quad(mul(aSigma, a), delta);
    double k4 = 3 * trace(mul(aSigma2, aSigma2)) + 12 * quad(mul(mul(aSigma2, aSigma), a), delta);
    double relSe = Math.sqrt((k4 + 2 * k2 * k2) / N) / (2 * k2);
    double ratio = m.negLogLikelihood().standardError() * Math.sqrt(N) / Math.sqrt(k2);
    assertEquals(1, ratio, Z * relSe, "Neg-LLH standard error / (sd/√n)");
    // A standard error without the √n, or with n in place of √n, is far outside.
    assertTrue(Math.abs(Math.sqrt(N) - 1) > Z * relSe && Math.abs(1 / Math.sqrt(N) - 1)
        > Z * relSe);

    // Per coordinate. meanError_d = |x̄q − x̄p| / s_p: with Δ = μq − μp, its delta-method SE is
    // √((σq²/m + σp²/n)/σp² + (Δ/σp)²/(2(n − 1))) (the last term from s_p, relative SE
    // 1/√(2(n − 1)) for Gaussian draws). logSdRatio_d = |log s_q − log s_p|, SE
    // √(1/(2(m − 1)) + 1/(2(n − 1))). All population values are ≥ 0.14, over 14 SE from 0, so the
    // absolute value does not bias them.
    for (int d = 0; d < D; d++) {
      double sp = Math.sqrt(SIGMA_P[d * D + d]);
      double sq = Math.sqrt(SIGMA_Q[d * D + d]);
      double diff = MU_Q[d] - MU_P[d];
      double meanSe = Math.sqrt((sq * sq / N + sp * sp / N) / (sp * sp)
          + diff * diff / (sp * sp) / (2.0 * (N - 1)));
      assertEquals(Math.abs(diff) / sp, m.meanError()[d], Z * meanSe, "mean error " + d);
      // Wrong: scaled by q's sd instead of p's.
      assertTrue(Math.abs(Math.abs(diff) / sq - m.meanError()[d]) > Z * meanSe,
          "mean error " + d + " also matches |Δ|/σq");
      double logSdSe = Math.sqrt(1.0 / (2 * (N - 1)) + 1.0 / (2 * (N - 1)));
      assertEquals(Math.abs(Math.log(sq / sp)), m.logSdRatio()[d], Z * logSdSe,
          "log sd ratio " + d);
      // Wrong: the log of the variance ratio.
      assertTrue(Math.abs(Math.abs(Math.log(sq * sq / (sp * sp))) - m.logSdRatio()[d])
          > Z * logSdSe, "log sd ratio " + d + " also matches the log variance ratio");
    }
  }

  /** Without p's normaliser, KL is NaN (and the other metrics are still computed). */
  @Test
  void klIsNanWithoutTheNormaliser() {
    Target target = gaussianTarget(MU_P, SIGMA_P);
    double[] pDraws = draws(MU_P, SIGMA_P, 3, 200);
    Evaluation.Metrics m = evaluate(new GaussianModel(NAMES, MU_Q, SIGMA_Q), pDraws, target,
        pDraws, Double.NaN);
    assertTrue(Double.isNaN(m.kl().value()) && Double.isNaN(m.kl().standardError()));
    assertTrue(Double.isFinite(m.negLogLikelihood().value())
        && Double.isFinite(m.fisher().value()));
  }

  /**
   * Per-coordinate metrics of a sample x (1,000 Gaussian draws, D = 2) against transformed copies
   * of itself, where the quantile coupling pairs x_(i) with the i-th order statistic of the copy,
   * so the answers are exact: a shift by c gives W₁ = mean error = |c|/s_p and log-sd ratio 0; a
   * scaling about the mean by s > 0 gives W₁ = |s − 1|·mean|x − x̄|/s_p, mean error 0 and log-sd
   * ratio |log s|; a scaling about 0 gives W₁ = |s − 1|·mean|x|/s_p and mean error
   * |s − 1|·|x̄|/s_p. Only rounding separates them: each copied value errs by a few ulps of
   * max|x| + |c|, and the interpolated quantile's weight by about n ulps of the sample's range, so
   * the tolerance is 8·n·ε·(max|x| + |c| + 1)/s_p. The scaling about the mean tells W₁ from the
   * mean difference (0 there), and s ≠ 1 tells division by s_p from division by s_q.
   */
  @Test
  void perCoordinateMetricsOfShiftedAndScaledCopiesAreExact() {
    int dim = 2;
    int n = 1000;
    double[] mu = {0.5, -1.0};
    double[] sigma = {2.0, 0.6, 0.6, 1.0};
    Target target = Targets.of("gaussian", NAMES.subList(0, dim), (z, g) -> {
      g[0] = -z[0];
      g[1] = -z[1];
      return -0.5 * (z[0] * z[0] + z[1] * z[1]);
    });
    GaussianModel anyQ = new GaussianModel(NAMES.subList(0, dim), new double[dim],
        new double[] {1, 0, 0, 1});
    double[] x = new GaussianModel(NAMES.subList(0, dim), mu, sigma).sample(
        RandomStreams.of(SEED).stream(RandomStreams.EVALUATE, 4), n);
    double[] c = {0.7, -1.3};
    double[] s = {1.5, 0.4};
    double[] mean = SampleMoments.mean(x, n, dim);
    double[] shifted = new double[n * dim];
    double[] scaledAboutMean = new double[n * dim];
    double[] scaledAboutZero = new double[n * dim];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dim; d++) {
        double v = x[i * dim + d];
        shifted[i * dim + d] = v + c[d];
        scaledAboutMean[i * dim + d] = mean[d] + s[d] * (v - mean[d]);
        scaledAboutZero[i * dim + d] = s[d] * v;
      }
    }
    Evaluation.Metrics shift = evaluate(anyQ, shifted, target, x, Double.NaN);
    Evaluation.Metrics aboutMean = evaluate(anyQ, scaledAboutMean, target, x, Double.NaN);
    Evaluation.Metrics aboutZero = evaluate(anyQ, scaledAboutZero, target, x, Double.NaN);
    for (int d = 0; d < dim; d++) {
      double[] col = SampleMoments.column(x, dim, d);
      double sd = sd(col);
      double maxAbs = 0;
      double meanAbsDev = 0;
      double meanAbs = 0;
      for (double v : col) {
        maxAbs = Math.max(maxAbs, Math.abs(v));
        meanAbsDev += Math.abs(v - mean[d]) / n;
        meanAbs += Math.abs(v) / n;
      }
      double tol = 8 * n * EPS * (maxAbs + Math.abs(c[d]) + 1) / sd;
      double sdQ = s[d] * sd;

      assertEquals(Math.abs(c[d]) / sd, shift.wasserstein()[d], tol, "W1 of shift " + d);
      assertEquals(Math.abs(c[d]) / sd, shift.meanError()[d], tol, "mean error of shift " + d);
      assertEquals(0, shift.logSdRatio()[d], tol, "log sd ratio of shift " + d);

      double w1 = Math.abs(s[d] - 1) * meanAbsDev / sd;
      assertEquals(w1, aboutMean.wasserstein()[d], tol, "W1 of scaling about mean " + d);
      assertEquals(0, aboutMean.meanError()[d], tol, "mean error of scaling about mean " + d);
      assertEquals(Math.abs(Math.log(s[d])), aboutMean.logSdRatio()[d], tol,
          "log sd ratio of scaling " + d);
      // Wrong answers: W₁ as the mean difference (0), W₁ over q's sd.
      assertTrue(w1 > tol && Math.abs(Math.abs(s[d] - 1) * meanAbsDev / sdQ - w1) > tol);

      assertEquals(Math.abs(s[d] - 1) * meanAbs / sd, aboutZero.wasserstein()[d], tol,
          "W1 of scaling about 0 " + d);
      assertEquals(Math.abs(s[d] - 1) * Math.abs(mean[d]) / sd, aboutZero.meanError()[d], tol,
          "mean error of scaling about 0 " + d);
      // Wrong answer: the mean error over q's sd.
      assertTrue(Math.abs(Math.abs(s[d] - 1) * Math.abs(mean[d]) * (1 / sd - 1 / sdQ)) > tol);
    }
  }

  /**
   * The oracle Gaussian of 20,000 draws of p = N(μp, Σp), D = 3, against p. It is N(m̂, Ŝ) with
   * the draws' mean and (n − 1) covariance, evaluated on the same draws, so given m̂, Ŝ its
   * values are exact (δ = m̂ − μp, Σ = Σp; the in-sample mean of (z − m̂)ᵀŜ⁻¹(z − m̂) is
   * D(n − 1)/n and that of the p-side terms tr(Σ⁻¹((n − 1)/n·Ŝ + δδᵀ))):
   *
   * <pre>
   *   KL     = ½[log|Ŝ|/|Σ| + D(n − 1)/n − ((n − 1)/n)·tr(Σ⁻¹Ŝ) − δᵀΣ⁻¹δ]
   *   Fisher = ((n − 1)/n)·tr((Σ⁻¹ − Ŝ⁻¹) Ŝ (Σ⁻¹ − Ŝ⁻¹)) + ‖Σ⁻¹δ‖²
   *   NegLLH = ½ log|2πŜ| + ½ D (n − 1)/n
   * </pre>
   *
   * checked within the rounding bound 8·n·ε·(largest term). These pin the oracle's mean and
   * covariance to the sample moments: a biased (n) covariance would move KL by about D/(2n) =
   * 7.5e-5, far outside. The same values must come from {@link Evaluation#of} with the
   * {@link GaussianModel} N(m̂, Ŝ).
   *
   * <p>Sampling law: with W = Σ^{−½}ŜΣ^{−½}, −2n·KL ≈ n[tr W − log|W| − D] + n δᵀΣ⁻¹δ, the
   * likelihood-ratio statistic for Σ (χ² with D(D+1)/2 df) plus an independent χ²_D, so
   * −2n·KL ~ χ²_{D(D+3)/2} = χ²_9: it must lie between the 5e-5 and 1 − 5e-5 quantiles (false
   * alarm 1e-4). For Fisher, tr(Σ⁻¹X) ≤ λmax(Σ⁻¹)·tr X and (w − 1)²/w ≈ 2(w − 1 − log w) give
   * n·Fisher ≤ 2 λmax(Σ⁻¹)·(−2n·KL) to second order, so n·Fisher/(2 λmax(Σ⁻¹)) must be below the
   * 1 − 1e-4 quantile of χ²_9 (false alarm ≤ 1e-4). A Gaussian with the covariance 20% too large,
   * or the mean off by 0.1 sd, fails both bounds.
   */
  @Test
  void oracleGaussianOfGaussianDrawsIsTheSampleMomentsGaussian() {
    Target target = gaussianTarget(MU_P, SIGMA_P);
    double logZ = logZ(SIGMA_P);
    double[] pDraws = draws(MU_P, SIGMA_P, 5, N);
    LocalScoreEvaluator evaluator = new LocalScoreEvaluator(target, 1);
    Evaluation.Metrics oracle = OracleGaussian.inSample(target, pDraws, logZ, evaluator, 1)
        .metrics();
    assertEquals(N, oracle.referenceDraws());

    double[] mHat = SampleMoments.mean(pDraws, N, D);
    double[] sHat = SampleMoments.covariance(pDraws, N, mHat, D);
    double[] sigmaInv = inverse(SIGMA_P);
    double[] sHatInv = inverse(sHat);
    double[] delta = minus(mHat, MU_P);
    double f = (N - 1.0) / N;
    double kl = 0.5 * (Math.log(det(sHat) / det(SIGMA_P)) + D * f
        - f * trace(mul(sigmaInv, sHat)) - quad(sigmaInv, delta));
    double[] diffInv = minus(sigmaInv, sHatInv);
    double[] shiftScore = mulVec(sigmaInv, delta);
    double fisher = f * trace(mul(mul(diffInv, sHat), diffInv)) + dot(shiftScore, shiftScore);
    double negLlh = 0.5 * (D * Math.log(2 * Math.PI) + Math.log(det(sHat))) + 0.5 * D * f;

    // Largest terms, for the rounding bounds: |log p̃| + |log Z| + |log q̂| per draw (KL, Neg-LLH)
    // and (‖Σ⁻¹(z − μ)‖ + ‖Ŝ⁻¹(z − m̂)‖)² (Fisher).
    double logQNorm = 0.5 * (D * Math.log(2 * Math.PI) + Math.log(det(sHat)));
    double maxLog = 0;
    double maxScore = 0;
    double[] z = new double[D];
    for (int i = 0; i < N; i++) {
      System.arraycopy(pDraws, i * D, z, 0, D);
      double[] ep = minus(z, MU_P);
      double[] eq = minus(z, mHat);
      maxLog = Math.max(maxLog, 0.5 * quad(sigmaInv, ep) + Math.abs(logZ)
          + logQNorm + 0.5 * quad(sHatInv, eq));
      double g = norm(mulVec(sigmaInv, ep)) + norm(mulVec(sHatInv, eq));
      maxScore = Math.max(maxScore, g * g);
    }
    double tolLog = 8 * N * EPS * maxLog;
    double tolFisher = 8 * N * EPS * maxScore;
    assertEquals(kl, oracle.kl().value(), tolLog, "oracle KL");
    assertEquals(fisher, oracle.fisher().value(), tolFisher, "oracle Fisher");
    assertEquals(negLlh, oracle.negLogLikelihood().value(), tolLog, "oracle Neg-LLH");
    // Wrong answers: factor 1 in place of (n − 1)/n (as if the in-sample quadratic terms were
    // population expectations), and the biased covariance's KL (log|Ŝ| lower by D·log(n/(n − 1)) and
    // the in-sample quadratic term exactly D).
    double klFactorOne = 0.5 * (Math.log(det(sHat) / det(SIGMA_P)) + D
        - trace(mul(sigmaInv, sHat)) - quad(sigmaInv, delta));
    double klBiased = 0.5 * (Math.log(det(sHat) / det(SIGMA_P)) + D * Math.log(f) + D
        - f * trace(mul(sigmaInv, sHat)) - quad(sigmaInv, delta));
    assertTrue(Math.abs(klFactorOne - oracle.kl().value()) > tolLog, "factor-one KL");
    assertTrue(Math.abs(klBiased - oracle.kl().value()) > tolLog, "biased-covariance KL");

    // The same Gaussian through Evaluation.of (GaussianModel's Cholesky solves rather than the
    // oracle's explicit inverse): equal up to rounding.
    GaussianModel hat = new GaussianModel(NAMES, mHat, sHat);
    Evaluation.Metrics viaOf = evaluate(hat, pDraws, target, pDraws, logZ);
    assertEquals(oracle.kl().value(), viaOf.kl().value(), tolLog, "KL via of");
    assertEquals(oracle.fisher().value(), viaOf.fisher().value(), tolFisher, "Fisher via of");
    assertEquals(oracle.negLogLikelihood().value(), viaOf.negLogLikelihood().value(), tolLog,
        "Neg-LLH via of");

    double lambdaMax = 1 / SymmetricEigen.of(SIGMA_P, D).minValue();
    ChiSquaredDistribution chi2 = ChiSquaredDistribution.of(D * (D + 3) / 2.0);
    double lo = chi2.inverseCumulativeProbability(5e-5);
    double hi = chi2.inverseSurvivalProbability(5e-5);
    double hiFisher = chi2.inverseSurvivalProbability(1e-4);
    double klStat = -2 * N * oracle.kl().value();
    double fisherStat = N * oracle.fisher().value() / (2 * lambdaMax);
    assertTrue(klStat > lo && klStat < hi,
        "-2n KL = " + klStat + " outside chi2_9 (" + lo + ", " + hi + ")");
    assertTrue(fisherStat < hiFisher, "n Fisher / (2 λmax) = " + fisherStat + " > " + hiFisher);

    // Wrong Gaussians fail the same bounds: covariance ×1.2, mean off by 0.1 sd in coordinate 0.
    double[] wider = sHat.clone();
    for (int i = 0; i < wider.length; i++) {
      wider[i] *= 1.2;
    }
    double[] offMean = mHat.clone();
    offMean[0] += 0.1 * Math.sqrt(sHat[0]);
    for (GaussianModel wrong : new GaussianModel[] {new GaussianModel(NAMES, mHat, wider),
        new GaussianModel(NAMES, offMean, sHat)}) {
      Evaluation.Metrics w = evaluate(wrong, pDraws, target, pDraws, logZ);
      double wrongKl = -2 * N * w.kl().value();
      double wrongFisher = N * w.fisher().value() / (2 * lambdaMax);
      assertTrue(!(wrongKl > lo && wrongKl < hi), "wrong Gaussian passes the KL bound");
      assertTrue(wrongFisher >= hiFisher, "wrong Gaussian passes the Fisher bound");
    }
  }

  private static void assertWithin(double expected, Evaluation.Estimate e, String what) {
    assertTrue(Math.abs(e.value() - expected) <= Z * e.standardError(), what + ": estimate "
        + e.value() + " ± " + e.standardError() + ", closed form " + expected);
  }

  private static void assertOutside(double wrong, Evaluation.Estimate e, String what) {
    assertTrue(Math.abs(e.value() - wrong) > Z * e.standardError(), what + ": wrong answer "
        + wrong + " within " + Z + " SE of " + e.value() + " ± " + e.standardError());
  }

  // Small dense algebra for 3×3 (row-major), independent of the code under test.

  private static double sd(double[] v) {
    double mean = 0;
    for (double x : v) {
      mean += x;
    }
    mean /= v.length;
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    return Math.sqrt(ss / (v.length - 1));
  }

  private static double det(double[] m) {
    return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
        + m[2] * (m[3] * m[7] - m[4] * m[6]);
  }

  /** The inverse through the adjugate (3×3). */
  private static double[] inverse(double[] m) {
    double det = det(m);
    return new double[] {
      (m[4] * m[8] - m[5] * m[7]) / det, (m[2] * m[7] - m[1] * m[8]) / det,
      (m[1] * m[5] - m[2] * m[4]) / det,
      (m[5] * m[6] - m[3] * m[8]) / det, (m[0] * m[8] - m[2] * m[6]) / det,
      (m[2] * m[3] - m[0] * m[5]) / det,
      (m[3] * m[7] - m[4] * m[6]) / det, (m[1] * m[6] - m[0] * m[7]) / det,
      (m[0] * m[4] - m[1] * m[3]) / det};
  }

  private static double[] mul(double[] a, double[] b) {
    double[] out = new double[D * D];
    for (int i = 0; i < D; i++) {
      for (int j = 0; j < D; j++) {
        for (int k = 0; k < D; k++) {
          out[i * D + j] += a[i * D + k] * b[k * D + j];
        }
      }
    }
    return out;
  }

  private static double[] mulVec(double[] a, double[] v) {
    double[] out = new double[D];
    for (int i = 0; i < D; i++) {
      for (int k = 0; k < D; k++) {
        out[i] += a[i * D + k] * v[k];
      }
    }
    return out;
  }

  private static double trace(double[] a) {
    return a[0] + a[4] + a[8];
  }

  private static double[] minus(double[] a, double[] b) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] - b[i];
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  private static double quad(double[] a, double[] v) {
    return dot(v, mulVec(a, v));
  }
}
