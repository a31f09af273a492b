package org.poevi.fit;

import java.util.ArrayList;
import java.util.List;
import org.poevi.family.Expert;
import org.poevi.math.Cholesky;
import org.poevi.math.RandomStreams;
import org.poevi.math.SymmetricEigen;
import org.poevi.targets.Target;

/**
 * The candidate experts (SPEC §4), deliberately more than the QP will keep:
 *
 * <ul>
 *   <li><b>mode</b> experts: at each local maximum of log p̃, Λ = H/(2·a·s) for each width s;
 *   <li><b>bulk</b> experts: at L quasi-random points of the preliminary Gaussian N(m, S)
 *       (a randomly shifted Halton sequence mapped through Φ⁻¹ and the Cholesky factor of S), with
 *       Λ = H(x)/(2·a·s) from the local negative Hessian H(x), for each width s;
 *   <li><b>broad</b> experts: at m, Λ = S⁻¹/(2·a·c) for each c in the broad factors.
 * </ul>
 *
 * An expert with exponent α has curvature 2αΛ at its centre, so Λ = H/(2a) matches the target's
 * curvature H at the planned exponent a; s &gt; 1 widens it. Local Hessians are floored at
 * floor·λ_min(S⁻¹), so that where the target is flat or not log-concave an expert is wide rather
 * than invalid. The prototype found bulk coverage to matter as much as the weights (a mode-only pool
 * could not beat the best Gaussian on banana even with exact draws).
 *
 * @param experts the pool, in the order mode, bulk, broad
 * @param kinds "mode", "bulk", "global", "broad", "jitter" or "given" for each expert
 * @param evaluations target gradient evaluations building the pool used (its local Hessians)
 * @param scales for a dense pool, the coordinates that set others' scales (no coordinate
 *     experts along them: {@link AxisExperts#scales}); null when not known
 */
public record ExpertPool(List<Expert> experts, List<String> kinds, long evaluations,
    boolean[] scales) {
  ExpertPool(List<Expert> experts, List<String> kinds, long evaluations) {
    this(experts, kinds, evaluations, null);
  }

  /** A pool of given experts (a model's), each of kind "given". */
  static ExpertPool given(List<Expert> experts) {
    return new ExpertPool(List.copyOf(experts), java.util.Collections.nCopies(experts.size(),
        "given"), 0);
  }

  /**
   * This dense pool with the coordinate experts around {@code gaussian} added ({@code axes} as
   * in {@link #build}); null for a structured pool (it has none under experts.axes = auto).
   */
  ExpertPool withAxes(GaussianFit gaussian, double[] axes, Settings settings) {
    if (experts.isEmpty() || experts.get(0).isStructured()) {
      return null;
    }
    List<Expert> all = new ArrayList<>(experts);
    List<String> allKinds = new ArrayList<>(kinds);
    int dim = gaussian.mean().length;
    AxisExperts.add(all, allKinds, gaussian, Cholesky.inverse(gaussian.covariance(), dim), axes,
        scales, settings);
    return new ExpertPool(List.copyOf(all), List.copyOf(allKinds), evaluations, scales);
  }

  /** The same pool without the experts of kind {@code kind}. */
  ExpertPool without(String kind) {
    List<Expert> kept = new ArrayList<>();
    List<String> keptKinds = new ArrayList<>();
    for (int k = 0; k < experts.size(); k++) {
      if (!kinds.get(k).equals(kind)) {
        kept.add(experts.get(k));
        keptKinds.add(kinds.get(k));
      }
    }
    return new ExpertPool(List.copyOf(kept), List.copyOf(keptKinds), evaluations, scales);
  }

  /** The form of the experts' matrices ({@code experts.structure}, issue #20). */
  public enum Structure implements ConfigChoice {
    /** Structured above {@value #AUTO_DIMENSION} dimensions, dense up to it. */
    AUTO("auto"),
    /** A dense D×D Λ per expert. */
    DENSE("dense"),
    /** Λ = c·M + U Uᵀ around the preliminary precision M ({@link StructuredPool}). */
    STRUCTURED("structured");

    /** auto: dense up to this dimension. */
    public static final int AUTO_DIMENSION = 100;
    /** experts.rank's default. */
    public static final int DEFAULT_RANK = 4;

    private final String label;

    Structure(String label) {
      this.label = label;
    }

    @Override
    public String label() {
      return label;
    }

    /** True when a pool in dimension D is structured. */
    public boolean structured(int dim) {
      return this == STRUCTURED || (this == AUTO && dim > AUTO_DIMENSION);
    }

    public static Structure parse(String s) {
      return ConfigChoice.parse(values(), "experts.structure", s);
    }
  }

  /** Where the pool's experts go. */
  public enum Placement implements ConfigChoice {
    /** Modes, the bulk of the preliminary Gaussian, and broad experts (the default). */
    BULK("bulk"),
    /**
     * The paper's heuristic: experts at the modes, plus {@code locations} jittered experts around
     * each mode, at Mahalanobis radius about c ∈ widths in the mode's Hessian metric, each with its
     * local curvature (Λ = floored H(x)/(2a)).
     */
    MODES("modes");

    private final String label;

    Placement(String label) {
      this.label = label;
    }

    @Override
    public String label() {
      return label;
    }

    public static Placement parse(String s) {
      return ConfigChoice.parse(values(), "experts.placement", s);
    }
  }

  /**
   * The pool's settings (the {@code experts} block).
   *
   * @param placement {@code experts.placement}
   * @param locations {@code experts.count}: bulk centres, or jittered experts per mode
   * @param plannedAlpha {@code experts.planned-alpha}: the exponent a at which an expert's
   *     curvature matches the target's
   * @param widths {@code experts.widths}: width factors s of the mode and bulk experts
   * @param broadFactors {@code experts.broad-factors}: factors c of the broad experts
   *     Λ = S⁻¹/(2ac)
   * @param globalWidths {@code experts.global-widths}: widths s of the global-shape experts at the
   *     bulk locations, Λ = S⁻¹/(2as)
   * @param floor {@code experts.hessian-floor}: local curvatures are floored at this times
   *     λ_min(S⁻¹)
   * @param axes {@code experts.axes}: whether the pool has coordinate experts
   * @param axisOffsets {@code experts.axis-offsets}: offsets t, in marginal sds, of the
   *     coordinate experts along each of the target's coordinates ({@link AxisExperts})
   * @param axisWidths {@code experts.axis-widths}: their widths w, in marginal sds
   */
  public record Settings(Placement placement, int locations, double plannedAlpha,
      double[] widths, double[] broadFactors, double[] globalWidths, double floor, long seed,
      Structure structure, int rank, AxisMode axes, double[] axisOffsets, double[] axisWidths)
      implements ExpertSource {
    /** Without coordinate experts. */
    public Settings(Placement placement, int locations, double plannedAlpha, double[] widths,
        double[] broadFactors, double[] globalWidths, double floor, long seed,
        Structure structure, int rank) {
      this(placement, locations, plannedAlpha, widths, broadFactors, globalWidths, floor, seed,
          structure, rank, AxisMode.NEVER, new double[] {0}, new double[] {1});
    }

    /** Settings whose pool draws from the fit's own streams ({@code experts.seed = 0}). */
    public Settings(Placement placement, int locations, double plannedAlpha, double[] widths,
        double[] broadFactors, double[] globalWidths, double floor) {
      this(placement, locations, plannedAlpha, widths, broadFactors, globalWidths, floor, 0);
    }

    /** With the default structure (auto) and rank. */
    public Settings(Placement placement, int locations, double plannedAlpha, double[] widths,
        double[] broadFactors, double[] globalWidths, double floor, long seed) {
      this(placement, locations, plannedAlpha, widths, broadFactors, globalWidths, floor, seed,
          Structure.AUTO, Structure.DEFAULT_RANK);
    }

    /** The same settings with another structure and rank. */
    public Settings withStructure(Structure s, int r) {
      return new Settings(placement, locations, plannedAlpha, widths, broadFactors, globalWidths,
          floor, seed, s, r, axes, axisOffsets, axisWidths);
    }

    /** The same settings with another experts.axes. */
    public Settings withAxes(AxisMode a) {
      return new Settings(placement, locations, plannedAlpha, widths, broadFactors, globalWidths,
          floor, seed, structure, rank, a, axisOffsets, axisWidths);
    }

    /** The same settings with another grid of coordinate experts. */
    Settings withAxisGrid(double[] offsets, double[] axisWidthsNew) {
      return new Settings(placement, locations, plannedAlpha, widths, broadFactors, globalWidths,
          floor, seed, structure, rank, axes, offsets, axisWidthsNew);
    }

    /** The same settings with another number of bulk locations. */
    public Settings withLocations(int n) {
      return new Settings(placement, n, plannedAlpha, widths, broadFactors, globalWidths, floor,
          seed, structure, rank, axes, axisOffsets, axisWidths);
    }

    /**
     * Refuses experts.axes = always with structured experts in dimension D (before any work).
     *
     * @throws org.poevi.InvalidInputException naming the keys
     */
    void checkAxes(int dim) {
      if (axes == AxisMode.ALWAYS && structure.structured(dim)) {
        throw new org.poevi.InvalidInputException("experts.axes = always needs dense experts:"
            + " set experts.structure = dense (D = " + dim + " is structured under auto above"
            + " D = " + Structure.AUTO_DIMENSION + "), or experts.axes = auto or never");
      }
    }

    /** The streams the pool draws its locations from: the fit's, or experts.seed's own. */
    RandomStreams streams(RandomStreams fit) {
      return seed == 0 ? fit : RandomStreams.of(seed);
    }

    public Settings {
      SettingsChecks.nonNegative(locations, "experts.count");
      SettingsChecks.positiveFinite(plannedAlpha, "experts.planned-alpha");
      if (widths.length == 0) {
        throw new org.poevi.InvalidInputException("experts.widths must not be empty");
      }
      widths = SettingsChecks.positiveFinite(widths, "experts.widths");
      broadFactors = SettingsChecks.positiveFinite(broadFactors, "experts.broad-factors");
      globalWidths = SettingsChecks.positiveFinite(globalWidths, "experts.global-widths");
      SettingsChecks.positiveFinite(floor, "experts.hessian-floor");
      axisOffsets = SettingsChecks.finite(axisOffsets, "experts.axis-offsets");
      if (axisOffsets.length == 0) {
        throw new org.poevi.InvalidInputException("experts.axis-offsets must not be empty"
            + " (experts.axes = never turns the coordinate experts off)");
      }
      if (axisWidths.length == 0) {
        throw new org.poevi.InvalidInputException("experts.axis-widths must not be empty");
      }
      axisWidths = SettingsChecks.positiveFinite(axisWidths, "experts.axis-widths");
      if (rank < 0 || rank > 1000) {
        throw new org.poevi.InvalidInputException("experts.rank must be between 0 and 1000, got "
            + rank);
      }
    }

    /** The defaults of conf/reference.conf. */
    public static Settings defaults() {
      return new Settings(Placement.BULK, 64, 2, new double[] {0.5, 1, 2},
          new double[] {4, 16}, new double[] {0.5, 2}, 0.1, 0, Structure.AUTO,
          Structure.DEFAULT_RANK, AxisMode.AUTO, new double[] {-5, -3, -1.5, 0, 1.5, 3, 5},
          new double[] {1, 2});
    }
  }

  static ExpertPool build(Target target, List<ModeFinder.Mode> modes, GaussianFit gaussian,
      Settings settings, RandomStreams streams, int threads, Progress progress) {
    return build(target, modes, gaussian, settings, null, streams, threads, progress);
  }

  /**
   * The pool; {@code axes} (row-major D×D, row d the linear form that gives the user's
   * coordinate d in the fit's coordinates; null for the identity) places the coordinate experts.
   */
  static ExpertPool build(Target target, List<ModeFinder.Mode> modes, GaussianFit gaussian,
      Settings settings, double[] axes, RandomStreams streams, int threads, Progress progress) {
    int dim = target.dim();
    if (settings.structure().structured(dim)) {
      return StructuredPool.build(target, modes, gaussian, settings, streams, threads, progress);
    }
    double[] precision = Cholesky.inverse(gaussian.covariance(), dim);
    double floor = curvatureFloor(settings, precision, dim);
    List<Expert> experts = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    for (ModeFinder.Mode mode : modes) {
      addWidths(experts, kinds, "mode", mode.location(),
          Hessians.floored(mode.negativeHessian(), dim, floor), settings);
    }
    double[][] locations = settings.placement() == Placement.BULK
        ? Halton.gaussianPoints(gaussian, settings.locations(), dim,
            streams.stream(RandomStreams.POOL, 0))
        : jitteredLocations(modes, settings.locations(), settings.widths(), dim, floor, streams);
    Hessians.Curvatures curvatures = Hessians.negativeHessians(target, locations, threads,
        progress);
    double[][] hessians = curvatures.hessians();
    for (int i = 0; i < hessians.length; i++) {
      hessians[i] = Hessians.floored(hessians[i], dim, floor);
    }
    for (int i = 0; i < locations.length; i++) {
      if (settings.placement() == Placement.BULK) {
        addBulk(experts, kinds, locations[i], hessians[i], precision, settings);
      } else {
        experts.add(Expert.of(locations[i], GaussianFit.scaled(hessians[i],
            1 / (2 * settings.plannedAlpha()))));
        kinds.add("jitter");
      }
    }
    if (settings.placement() == Placement.MODES) {
      return new ExpertPool(List.copyOf(experts), List.copyOf(kinds), curvatures.evaluations());
    }
    for (double c : settings.broadFactors()) {
      experts.add(Expert.of(gaussian.mean(), GaussianFit.scaled(precision,
          1 / (2 * settings.plannedAlpha() * c))));
      kinds.add("broad");
    }
    boolean[] scales = AxisExperts.scales(locations, hessians, axes, dim);
    if (settings.axes() != AxisMode.NEVER) {
      AxisExperts.add(experts, kinds, gaussian, precision, axes, scales, settings);
    }
    return new ExpertPool(List.copyOf(experts), List.copyOf(kinds), curvatures.evaluations(),
        scales);
  }

  /** experts.hessian-floor times the smallest eigenvalue of the precision S⁻¹. */
  static double curvatureFloor(Settings settings, double[] precision, int dim) {
    return settings.floor() * SymmetricEigen.of(precision, dim).minValue();
  }

  /**
   * The experts at one bulk location: its floored local curvature at each width, and the global
   * shape S⁻¹ at each global width.
   */
  static void addBulk(List<Expert> experts, List<String> kinds, double[] location,
      double[] curvature, double[] precision, Settings settings) {
    addWidths(experts, kinds, "bulk", location, curvature, settings);
    for (double s : settings.globalWidths()) {
      experts.add(Expert.of(location, GaussianFit.scaled(precision,
          1 / (2 * settings.plannedAlpha() * s))));
      kinds.add("global");
    }
  }

  private static void addWidths(List<Expert> experts, List<String> kinds, String kind,
      double[] location, double[] curvature, Settings settings) {
    for (double s : settings.widths()) {
      experts.add(Expert.of(location, GaussianFit.scaled(curvature,
          1 / (2 * settings.plannedAlpha() * s))));
      kinds.add(kind);
    }
  }

  /**
   * n points around each mode: mode + c·L⁻ᵀ y/√D with y ~ N(0, I), H = L Lᵀ the mode's floored
   * negative Hessian and c cycling through the widths (Mahalanobis radius about c).
   */
  static double[][] jitteredLocations(List<ModeFinder.Mode> modes, int perMode, double[] widths,
      int dim, double floor, RandomStreams streams) {
    double[][] out = new double[modes.size() * perMode][];
    for (int m = 0; m < modes.size(); m++) {
      ModeFinder.Mode mode = modes.get(m);
      double[] factor = Cholesky.pack(Hessians.floored(mode.negativeHessian(), dim, floor), dim);
      Cholesky.factor(factor, 0, dim);
      var normal = org.apache.commons.rng.sampling.distribution.ZigguratSampler.NormalizedGaussian
          .of(streams.stream(RandomStreams.POOL, 1, m));
      for (int j = 0; j < perMode; j++) {
        double c = widths[j % widths.length];
        double[] y = new double[dim];
        for (int d = 0; d < dim; d++) {
          y[d] = normal.sample() * c / Math.sqrt(dim);
        }
        Cholesky.solveLowerTransposed(factor, 0, dim, y, 0);
        double[] z = mode.location().clone();
        for (int d = 0; d < dim; d++) {
          z[d] += y[d];
        }
        out[m * perMode + j] = z;
      }
    }
    return out;
  }
}
