package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.poevi.baselines.Bam;
import org.poevi.baselines.BamSettings;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.qp.ActiveSetQpSolver;
import org.poevi.targets.BananaTarget;
import org.poevi.targets.Target;

/** What a target says about its own evaluation reaches the fit's warnings, for every method. */
class TargetWarningsTest {
  /** A banana that says it is on a slow path. */
  private static final class Slow implements Target {
    private static final long serialVersionUID = 1L;
    private final BananaTarget banana = BananaTarget.of(2);

    @Override
    public int dim() {
      return 2;
    }

    @Override
    public String name() {
      return "slow-banana";
    }

    @Override
    public double logDensity(double[] z, double[] gradient) {
      return banana.logDensity(z, gradient);
    }

    @Override
    public List<String> warnings() {
      return List.of("slow path");
    }
  }

  @Test
  void aTargetsWarningIsTheFitsWarning() {
    Slow target = new Slow();
    PoeResult poe = new PoeFitter(PoeSettings.builder().threads(2).modeStarts(2)
        .gaussianRounds(1).gaussianDraws(1000).locations(4).iterations(1).batchSize(256)
        .outputDraws(500).build(), ActiveSetQpSolver.create()).fit(target,
        new LocalScoreEvaluator(target, 2), Progress.SILENT);
    assertEquals("slow path", poe.warnings().get(0));
    GaussianResult bam = new Bam(new BamSettings(2, 8), 1).fit(target,
        new LocalScoreEvaluator(target, 1), Progress.SILENT);
    assertTrue(bam.warnings().contains("slow path"), bam.warnings().toString());
  }
}
