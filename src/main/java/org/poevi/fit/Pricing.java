package org.poevi.fit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.family.Expert;
import org.poevi.family.QMatrixBlock;
import org.poevi.family.ScoreBasis;
import org.poevi.math.BlockParallel;
import org.poevi.math.Cholesky;
import org.poevi.math.RandomStreams;
import org.poevi.targets.Target;

/**
 * Column generation for the pool of the second fit (experts.axes = auto): many candidate experts
 * are priced at the first fit's α, and the best join the pool. The Fisher objective
 * F(α) = E_w‖Q̂α − ŝ‖² (hats: in the score metric) has, for a candidate c at α_c = 0, the slope
 * 2d_c with d_c = E_w[ĝ_cᵀ(Q̂α − ŝ)] and the curvature 2G_cc with G_cc = E_w‖ĝ_c‖². Alone it can
 * lower F by d_c²/G_cc when d_c &lt; 0 (the QP's reduced cost, as in the simplex method's
 * pricing); the {@link RefineSettings#count} candidates of largest gain are added. Pricing costs
 * O(candidates · points · D²) and no Gram matrix, so it can look at far more experts than the QP
 * could fit (4·64 more bulk centres and a finer grid of coordinate experts, about 1,400 at D = 2
 * and 1,800 at D = 10), and it places experts where q's scores miss p's.
 *
 * <p>The candidates:
 * <ul>
 *   <li>bulk and global experts (as the pool's) at the next
 *       {@link RefineSettings#candidates}·experts.count points of the pool's own quasi-random
 *       sequence, each with its local curvature;
 *   <li>when the second fit has coordinate experts, coordinate experts on a finer grid
 *       ({@link #OFFSETS} × {@link #WIDTHS}, less the pairs of experts.axis-offsets and
 *       experts.axis-widths, which are in the pool already);
 *   <li>when the coordinate experts were too many to join the pool whole
 *       ({@link AxisChoice#affordable}: D ≥ 24 with the defaults), that finer grid and the
 *       default grid, all as candidates, so that the coordinates and offsets where q's scores
 *       miss p's most still get theirs; in the first round only ({@link RefineSettings}).
 * </ul>
 * The points are the first fit's MALA population's chains (p's draws), or without one a fresh
 * weighted batch with the fit's tempered weights; {@link #BATCHES} batches' worth. The sums go
 * block by block in block order, so the choice is the same for any number of threads.
 */
final class Pricing {
  /** Offsets of the candidate coordinate experts, in marginal sds. */
  static final double[] OFFSETS = {-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6};
  /** Widths of the candidate coordinate experts, in marginal sds. */
  static final double[] WIDTHS = {0.5, 1, 2, 4};

  private Pricing() {}

  /**
   * The second fit's pool: {@code base} with the chosen candidates.
   *
   * @param pool the pool
   * @param chosen candidates added
   * @param candidates candidates priced
   * @param evaluations target evaluations of the candidates' curvatures
   * @param coordinate whether the pool has every coordinate expert of the default grid (else
   *     at most the priced ones)
   */
  record Refined(ExpertPool pool, int chosen, int candidates, long evaluations,
      boolean coordinate) {}

  /** What pricing needs of the fit: its target, settings, evaluator, streams and frame. */
  record Fit(Target target, PoeSettings settings, ScoreEvaluator evaluator,
      RandomStreams streams, Progress progress, double[] axes) {
    void stage(String description) {
      progress.phase(description);
      evaluator.stage(description);
    }
  }

  /**
   * The next fit's pool: the coordinate experts ({@code withAxes}, or {@code pool} when there
   * are none) and the candidates priced at the last kept fit's last α ({@code alphaPath}).
   * Round r (from 0) takes its bulk candidates at the sequence's next centres, after those of
   * the earlier rounds. {@code coordinateWhole}: the coordinate experts joined the pool whole
   * in the first round ({@code withAxes} there).
   */
  static Refined refine(Fit fit, ExpertPool pool, ExpertPool withAxes,
      Optional<Population> population, GaussianFit gaussian, List<double[]> alphaPath,
      int round, boolean coordinateWhole) {
    ExpertPool base = withAxes != null ? withAxes : pool;
    PoeSettings settings = fit.settings();
    int threads = settings.run().threads();
    RefineSettings refine = settings.refine();
    int count = refine.count(fit.target().dim());
    Points points = count == 0 || alphaPath.isEmpty() ? null : points(population,
        settings.alpha().objective(), gaussian, fit.evaluator(), fit.streams(),
        settings.alpha().batchSize(), threads);
    if (points == null) {
      return new Refined(base, 0, 0, 0, withAxes != null);
    }
    fit.stage("pricing candidate experts at the " + (round == 0 ? "first" : "last kept")
        + " fit's alpha");
    ExpertPool.Settings poolSettings = (ExpertPool.Settings) settings.experts();
    // A dense pool with known funnel coordinates (pool.scales()) was built for coordinate
    // experts. When they join it whole, the finer grid is priced in every round; when they were
    // too many, both grids are priced instead, in the first round only: in a later round more
    // of them put q's mass in a corner where p has none (RefineSettings#rounds).
    boolean axesPriced = !coordinateWhole && pool.scales() != null;
    ExpertPool candidates = candidates(fit.target(), gaussian, poolSettings, refine.candidates(),
        poolSettings.streams(fit.streams()), threads, fit.progress(),
        coordinateWhole || (axesPriced && round == 0), axesPriced, fit.axes(), pool.scales(),
        round);
    if (candidates.experts().isEmpty()) {
      return new Refined(base, 0, 0, 0, withAxes != null);
    }
    ScoreMetric metric = settings.alpha().metric();
    Prices prices = price(metric.basis(pool.experts(), gaussian),
        alphaPath.get(alphaPath.size() - 1), metric.basis(candidates.experts(), gaussian), points,
        points.logW().length, fit.target().dim(), threads);
    int[] chosen = select(prices, count, round > 0 ? NEGLIGIBLE : 0);
    fit.progress().phase(String.format(java.util.Locale.ROOT, "%d of %d candidate experts priced"
        + " in (batch Fisher divergence %.4g; the best alone would lower it by %.3g)",
        chosen.length, candidates.experts().size(), prices.fisher(),
        chosen.length > 0 ? prices.gain(chosen[0]) : 0.0));
    return new Refined(with(base, candidates, chosen), chosen.length,
        candidates.experts().size(), candidates.evaluations(), withAxes != null);
  }

  /** The points the candidates are priced on, with their log weights. */
  record Points(double[] z, double[] scores, double[] logW) {}

  /**
   * The points to price on: at most {@link #BATCHES}·{@code batchSize} of the population's chains
   * (equal weights); without one, under p, a weighted batch of that size drawn from the stream
   * {@link #BATCH} and evaluated, with the fit's tempered weights p̃/r; null under q or when p̃ is
   * 0 at every point. Far more candidates than points are priced, so the points are several
   * batches: with one batch the mixture's KL ratio was 0.018 against 0.013 with four.
   */
  static Points points(Optional<Population> population, ObjectiveSettings objective,
      GaussianFit gaussian,
      ScoreEvaluator evaluator, RandomStreams streams, int batchSize,
      int threads) {
    int dim = gaussian.mean().length;
    if (population.isPresent()) {
      Chains chains = population.get().chains();
      int n = (int) Math.min((long) BATCHES * batchSize, chains.size());
      return new Points(Arrays.copyOf(chains.z(), n * dim), Arrays.copyOf(chains.scores(),
          n * dim), new double[n]);
    }
    if (!(objective instanceof UnderPSettings underP)) {
      return null;
    }
    org.poevi.math.MultivariateT proposal = underP.proposal(gaussian);
    int n = BATCHES * batchSize;
    double[] z = new double[n * dim];
    ImportanceTask.drawBatch(proposal, streams, BATCH, n, z, threads);
    double[] logP = new double[n];
    double[] scores = new double[n * dim];
    evaluator.evaluate(z, n, logP, scores);
    double[] logW = new double[n];
    ImportanceTask.logWeights(proposal, z, logP, logW, 0, n, 0);
    if (!(org.poevi.math.LogSpace.effectiveSampleSize(logW, 0, n) >= 1)) {
      return null;
    }
    ImportanceBatches.temper(logW, underP.minEssFraction() * n);
    return new Points(z, scores, logW);
  }

  /** The stream of the weighted batch drawn for pricing, apart from the fit's batches. */
  static final long BATCH = -1_000_000_000L;
  /** Batches' worth of points the candidates are priced on. */
  static final int BATCHES = 4;

  /**
   * Candidates for a pool built with {@code settings} around {@code gaussian}; with coordinate
   * experts when {@code axesToo} ({@code axes} and {@code skip} as in {@link AxisExperts#add}),
   * on the default grid too when {@code defaultGrid} (the pool has none); bulk centres of round
   * {@code round} ({@link #refine}).
   */
  static ExpertPool candidates(Target target, GaussianFit gaussian, ExpertPool.Settings settings,
      int factor, RandomStreams streams, int threads, Progress progress, boolean axesToo,
      boolean defaultGrid, double[] axes, boolean[] skip, int round) {
    int dim = target.dim();
    double[] precision = Cholesky.inverse(gaussian.covariance(), dim);
    double floor = ExpertPool.curvatureFloor(settings, precision, dim);
    double[][] locations = Halton.gaussianPoints(gaussian, settings.locations()
        * (1 + round * factor), factor * settings.locations(), dim,
        streams.stream(RandomStreams.POOL, 0));
    List<Expert> experts = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    long evaluations = 0;
    if (locations.length > 0) {
      Hessians.Curvatures curvatures = Hessians.negativeHessians(target, locations, threads,
          progress);
      for (int i = 0; i < locations.length; i++) {
        ExpertPool.addBulk(experts, kinds, locations[i],
            Hessians.floored(curvatures.hessians()[i], dim, floor), precision, settings);
      }
      evaluations = curvatures.evaluations();
    }
    if (axesToo) {
      for (double[] pair : coordinateGrid(settings.axisOffsets(), settings.axisWidths(),
          defaultGrid)) {
        AxisExperts.add(experts, kinds, gaussian, precision, axes, skip, settings.withAxisGrid(
            new double[] {pair[0]}, new double[] {pair[1]}));
      }
    }
    return new ExpertPool(List.copyOf(experts), List.copyOf(kinds), evaluations);
  }

  /**
   * The (offset, width) pairs of the candidate coordinate experts: the finer grid ({@link
   * #OFFSETS} × {@link #WIDTHS}) less the default grid's pairs, or when {@code defaultGrid} (the
   * pool has no coordinate experts) the finer grid and then the default pairs it lacks.
   */
  static List<double[]> coordinateGrid(double[] axisOffsets, double[] axisWidths,
      boolean defaultGrid) {
    List<double[]> pairs = new ArrayList<>();
    for (double t : OFFSETS) {
      for (double w : WIDTHS) {
        if (defaultGrid || !(contains(axisOffsets, t) && contains(axisWidths, w))) {
          pairs.add(new double[] {t, w});
        }
      }
    }
    if (defaultGrid) {
      for (double t : axisOffsets) {
        for (double w : axisWidths) {
          if (!(contains(OFFSETS, t) && contains(WIDTHS, w))) {
            pairs.add(new double[] {t, w});
          }
        }
      }
    }
    return pairs;
  }

  private static boolean contains(double[] values, double v) {
    for (double x : values) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }

  /**
   * Each candidate's slope d_c and curvature G_cc at α_c = 0, and F(α), over n points.
   *
   * @param slope d_c
   * @param curvature G_cc
   * @param fisher F(α) over the points
   */
  record Prices(double[] slope, double[] curvature, double fisher) {
    /** The single-expert gain d²/G of candidate c (0 when d ≥ 0). */
    double gain(int c) {
      return slope[c] < 0 && curvature[c] > 0 ? slope[c] * slope[c] / curvature[c] : 0;
    }
  }

  /**
   * The prices of {@code candidates} at the pool's {@code alpha}, over the n points (both bases
   * in the same score metric).
   */
  static Prices price(List<Expert> pool, double[] alpha, List<Expert> candidates, Points points,
      int n, int dim, int threads) {
    int kp = pool.size();
    int kc = candidates.size();
    int block = ScoreAccumulation.blockSize(dim, Math.max(kp, kc));
    int numBlocks = (n + block - 1) / block;
    double[] w = weights(points.logW(), n);
    double[][] parts = new double[numBlocks][];
    BlockParallel.forEach(numBlocks, threads, () -> new Object[] {
        new QMatrixBlock(pool, block), new QMatrixBlock(candidates, block),
        new double[block * dim * kp], new double[block * dim * kc], new double[block * dim],
        new double[block * dim]},
        (b, scratch) -> parts[b] = block(b * block, Math.min(block, n - b * block), scratch,
            alpha, points, w, dim, kp, kc, pool));
    double[] slope = new double[kc];
    double[] curvature = new double[kc];
    double fisher = 0;
    for (double[] part : parts) {
      for (int c = 0; c < kc; c++) {
        slope[c] += part[c];
        curvature[c] += part[kc + c];
      }
      fisher += part[2 * kc];
    }
    return new Prices(slope, curvature, fisher);
  }

  /** Normalised weights e^(logW − max) / Σ. */
  private static double[] weights(double[] logW, int n) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, logW[i]);
    }
    double[] w = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      w[i] = Math.exp(logW[i] - max);
      sum += w[i];
    }
    for (int i = 0; i < n; i++) {
      w[i] /= sum;
    }
    return w;
  }

  /** One block's {d_c..., G_cc..., F} from point {@code from} on (nb points). */
  private static double[] block(int from, int nb, Object[] scratch, double[] alpha,
      Points points, double[] w, int dim, int kp, int kc, List<Expert> pool) {
    int rows = nb * dim;
    double[] sp = (double[]) scratch[2];
    double[] sc = (double[]) scratch[3];
    double[] residual = (double[]) scratch[4];
    double[] target = (double[]) scratch[5];
    ((QMatrixBlock) scratch[0]).compute(points.z(), from * dim, nb, sp);
    ((QMatrixBlock) scratch[1]).compute(points.z(), from * dim, nb, sc);
    ScoreBasis.transformScores(pool, points.scores(), from, nb, target, 0);
    double[] part = new double[2 * kc + 1];
    // The target's scores are used once: their scratch then holds each row's point weight.
    double[] rowWeight = target;
    for (int r = 0; r < rows; r++) {
      double fitted = 0;
      for (int k = 0; k < kp; k++) {
        fitted += sp[k * rows + r] * alpha[k];
      }
      residual[r] = fitted - target[r];
      rowWeight[r] = w[from + r / dim];
      part[2 * kc] += rowWeight[r] * residual[r] * residual[r];
    }
    for (int c = 0; c < kc; c++) {
      double slope = 0;
      double curvature = 0;
      for (int r = 0; r < rows; r++) {
        double q = sc[c * rows + r] * rowWeight[r];
        slope += q * residual[r];
        curvature += q * sc[c * rows + r];
      }
      part[c] = slope;
      part[kc + c] = curvature;
    }
    return part;
  }

  /**
   * In later rounds, a gain below this share of F(α) is rounding: a candidate equal to an expert
   * of the pool (a later round's coordinate candidates include the earlier rounds' choices) has
   * slope 0 at the QP's optimum, up to its tolerance.
   */
  static final double NEGLIGIBLE = 1e-9;

  /**
   * The m candidates of largest gain above {@code negligible}·F(α), best first (ties by index).
   */
  static int[] select(Prices prices, int m, double negligible) {
    int kc = prices.slope().length;
    Integer[] order = new Integer[kc];
    for (int c = 0; c < kc; c++) {
      order[c] = c;
    }
    Arrays.sort(order, (a, b) -> Double.compare(prices.gain(b), prices.gain(a)));
    int n = 0;
    while (n < Math.min(m, kc) && prices.gain(order[n]) > negligible * prices.fisher()) {
      n++;
    }
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = order[i];
    }
    return out;
  }

  /** {@code pool} with the chosen candidates added (their curvatures' evaluations too). */
  static ExpertPool with(ExpertPool pool, ExpertPool candidates, int[] chosen) {
    List<Expert> experts = new ArrayList<>(pool.experts());
    List<String> kinds = new ArrayList<>(pool.kinds());
    for (int c : chosen) {
      experts.add(candidates.experts().get(c));
      kinds.add(candidates.kinds().get(c));
    }
    return new ExpertPool(List.copyOf(experts), List.copyOf(kinds),
        pool.evaluations() + candidates.evaluations(), pool.scales());
  }
}
