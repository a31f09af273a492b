package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.family.ModelJson;
import org.poevi.family.ProductOfExperts;
import org.poevi.math.RandomStreams;
import org.poevi.qp.OjAlgoQpSolver;
import org.poevi.targets.FunnelTarget;
import org.poevi.targets.GaussianMixtureTarget;
import org.poevi.targets.ProductOfTTarget;

class PoeFitterTest {
  private static PoeSettings.Builder small() {
    return PoeSettings.builder().threads(2).gaussianRounds(2).gaussianDraws(2000)
        .modeStarts(8).outputDraws(2000).batchSize(512);
  }

  /**
   * The realisable case: the target is a product of t experts and the pool holds exactly its
   * experts, so Q α* = ∇log p at every point, G α* = h for every batch, and the proximal iteration
   * contracts to α* with no noise floor (SPEC §3's theorem with δ = 0). Every objective reaches
   * ‖α − α*‖ ≤ 0.05‖α*‖, and the error falls geometrically: every step shrinks it. Because
   * G α* = h holds whatever the points are, this checks each variant's plumbing (batches, sums,
   * QP, proximal steps), not the distribution of its points: ResampleMoveTest does that for the
   * MALA population, FeynmanSamplerTest for draws from q.
   */
  @Test
  void realisableTargetConvergesGeometrically() throws Exception {
    ProductOfExperts truth = ModelJson.read(Path.of("conf/examples/bimodal-2d.json")).family();
    ProductOfTTarget target = ProductOfTTarget.of(ModelJson.read(
        Path.of("conf/examples/bimodal-2d.json")));
    double[] alphaStar = truth.alpha();
    double norm = Math.sqrt(alphaStar[0] * alphaStar[0] + alphaStar[1] * alphaStar[1]
        + alphaStar[2] * alphaStar[2]);
    ProductOfExperts start = truth.withAlpha(new double[] {1, 1, 1});
    java.util.Map<String, PoeSettings.Builder> variants = new java.util.LinkedHashMap<>();
    variants.put("under-p, MALA population", small().objective(UnderPSettings.defaults())
        .population(PopulationMode.ALWAYS));
    variants.put("under-p, importance weights", small().objective(UnderPSettings.defaults())
        .population(PopulationMode.NEVER));
    variants.put("under-q", small().objective(UnderQSettings.defaults()));
    variants.put("under-q, tempered q", small().objective(new UnderQSettings(1.2, 0.2, 0.5)));
    for (var v : variants.entrySet()) {
      String objective = v.getKey();
      PoeResult r = new PoeFitter(v.getValue().initial(start).iterations(12).eta(1000)
          .tolerance(1e-9).build(), OjAlgoQpSolver.create()).fit(target,
          new LocalScoreEvaluator(target, 2), Progress.SILENT);
      double previous = Double.POSITIVE_INFINITY;
      for (double[] a : r.alphaPath()) {
        double e = 0;
        for (int k = 0; k < 3; k++) {
          e += (a[k] - alphaStar[k]) * (a[k] - alphaStar[k]);
        }
        e = Math.sqrt(e);
        assertTrue(e < previous + 1e-12, objective + ": error grew from " + previous + " to " + e
            + " path " + r.alphaPath().stream().map(java.util.Arrays::toString).toList());
        previous = e;
      }
      assertTrue(previous <= 0.05 * norm, objective + ": final error " + previous + " path "
          + r.alphaPath().stream().map(java.util.Arrays::toString).toList());
    }
  }

  /** The mode search finds the three modes of the separated default mixture. */
  @Test
  void modeSearchFindsAllModesOfASeparatedMixture() {
    GaussianMixtureTarget target = GaussianMixtureTarget.defaultMixture();
    List<ModeFinder.Mode> modes = ModeFinder.find(target, 16, 3, RandomStreams.of(2), 2)
        .modes();
    assertEquals(3, modes.size(), "modes " + modes.size());
  }

  /**
   * The paper's Algorithm 1 without step control on the funnel: whatever α does, the fit stops
   * with a reason, returns finite α, and the family it returns is valid.
   */
  @Test
  void aFitNeverReturnsADivergedAlpha() {
    FunnelTarget target = FunnelTarget.of(3, 3);
    ExpertPool.Settings d = ExpertPool.Settings.defaults();
    PoeResult r = new PoeFitter(small().objective(new UnderQSettings(1e9, 0, 1))
        .experts(new ExpertPool.Settings(ExpertPool.Placement.MODES, 10, d.plannedAlpha(),
            d.widths(), d.broadFactors(), d.globalWidths(), d.floor()))
        .iterations(8).build(), OjAlgoQpSolver.create()).fit(target,
        new LocalScoreEvaluator(target, 2), Progress.SILENT);
    double sum = 0;
    for (double a : r.family().alpha()) {
      assertTrue(Double.isFinite(a) && a >= 0, "alpha " + a);
      sum += a;
    }
    // The QP's constraint Σα ≥ D/2 + ε (3/2 + 1/2) holds for whatever α is returned.
    assertTrue(sum >= 2 - 1e-9, "sum(alpha) " + sum);
    assertEquals(r.trace().size(), r.alphaPath().size());
    assertTrue(Double.isFinite(r.finish().normalizer().chosenEstimate().estimate()));
  }
}
