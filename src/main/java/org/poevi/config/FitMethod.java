package org.poevi.config;

import org.poevi.baselines.Advi;
import org.poevi.baselines.Bam;
import org.poevi.fit.Fitter;
import org.poevi.fit.PoeFitter;
import org.poevi.qp.ActiveSetQpSolver;

/**
 * The fit methods ({@code fit.method}), each mapped to its {@link Fitter} with its settings
 * from the configuration. A new method adds a constant here, its fitter (a class implementing
 * {@link Fitter}) and its settings block in conf/reference.conf.
 */
public enum FitMethod {
  /** The product of experts (SPEC §1–4). */
  POE("poe") {
    @Override
    Fitter fitter(FitConfig config) {
      return new PoeFitter(config.poeSettings(), ActiveSetQpSolver.create());
    }
  },
  /** Full-rank Gaussian ADVI (SPEC §8). */
  ADVI_FULLRANK("advi-fullrank") {
    @Override
    Fitter fitter(FitConfig config) {
      return config.started("fit.advi.init", Advi.fullRank(config.adviSettings(),
          config.runSettings().seed()), false);
    }
  },
  /** Mean-field Gaussian ADVI. */
  ADVI_MEANFIELD("advi-meanfield") {
    @Override
    Fitter fitter(FitConfig config) {
      return config.started("fit.advi.init", Advi.meanField(config.adviSettings(),
          config.runSettings().seed()), true);
    }
  },
  /** Batch and match, Gaussian score matching. */
  BAM("bam") {
    @Override
    Fitter fitter(FitConfig config) {
      return config.started("fit.bam.init", new Bam(config.bamSettings(),
          config.runSettings().seed()), false);
    }
  };

  private final String label;

  FitMethod(String label) {
    this.label = label;
  }

  /** The method's fitter, with its settings read from {@code config}. */
  abstract Fitter fitter(FitConfig config);

  /** The value of {@code fit.method}. */
  public String label() {
    return label;
  }

  /**
   * The method labelled {@code s}.
   *
   * @throws org.poevi.InvalidInputException naming fit.method and the methods
   */
  public static FitMethod parse(String s) {
    for (FitMethod m : values()) {
      if (m.label.equals(s)) {
        return m;
      }
    }
    throw new org.poevi.InvalidInputException("fit.method must be one of poe, advi-fullrank,"
        + " advi-meanfield, bam; got \"" + s + "\"");
  }
}
