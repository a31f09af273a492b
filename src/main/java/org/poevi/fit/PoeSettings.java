package org.poevi.fit;

/**
 * Every setting of a product-of-experts fit, shaped like the fit: the run, the {@code init}
 * phase, the {@code experts} and the iterations on α ({@code fit}). Each part validates itself
 * and names its configuration key; the defaults are those of {@code conf/reference.conf}.
 */
public record PoeSettings(RunSettings run, InitSettings init, ExpertSource experts,
    AlphaSettings alpha, RefineSettings refine) {

  /** With the default {@code experts.refine-*} settings. */
  public PoeSettings(RunSettings run, InitSettings init, ExpertSource experts,
      AlphaSettings alpha) {
    this(run, init, experts, alpha, RefineSettings.defaults());
  }

  /**
   * {@code experts.refine-count} and {@code experts.refine-candidates}: the candidates priced into
   * the second fit's pool ({@link Pricing}), in the default number of rounds.
   */
  public PoeSettings withRefine(int count, int candidates) {
    return withRefine(count, candidates, RefineSettings.defaults().rounds());
  }

  /** The same with {@code experts.refine-rounds} too. */
  public PoeSettings withRefine(int count, int candidates, int rounds) {
    return new PoeSettings(run, init, experts, alpha, new RefineSettings(count, candidates,
        rounds));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from the defaults, with shortcuts for the settings varied most. */
  public static final class Builder {
    private RunSettings run = RunSettings.defaults();
    private InitSettings init = InitSettings.defaults();
    private ExpertSource experts = ExpertPool.Settings.defaults();
    private AlphaSettings alpha = AlphaSettings.defaults();

    public Builder run(RunSettings v) {
      run = v;
      return this;
    }

    public Builder init(InitSettings v) {
      init = v;
      return this;
    }

    public Builder experts(ExpertSource v) {
      experts = v;
      return this;
    }

    public Builder alpha(AlphaSettings v) {
      alpha = v;
      return this;
    }

    public Builder seed(long v) {
      run = new RunSettings(v, run.threads(), run.outputDraws());
      return this;
    }

    public Builder threads(int v) {
      run = new RunSettings(run.seed(), v, run.outputDraws());
      return this;
    }

    public Builder outputDraws(int v) {
      run = new RunSettings(run.seed(), run.threads(), v);
      return this;
    }

    public Builder modeStarts(int v) {
      init = new InitSettings(v, init.startScale(), init.gaussianRounds(), init.gaussianDraws(),
          init.frame(), init.gaussianReuse());
      return this;
    }

    public Builder gaussianRounds(int v) {
      init = new InitSettings(init.modeStarts(), init.startScale(), v, init.gaussianDraws(),
          init.frame(), init.gaussianReuse());
      return this;
    }

    public Builder gaussianDraws(int v) {
      init = new InitSettings(init.modeStarts(), init.startScale(), init.gaussianRounds(), v,
          init.frame(), init.gaussianReuse());
      return this;
    }

    /** The experts (and starting α) of a fitted product of experts ({@code experts.from}). */
    public Builder initial(org.poevi.family.ProductOfExperts model) {
      experts = new ExpertSource.Given(model);
      return this;
    }

    /** Bulk expert centres ({@code experts.count}) of a built pool. */
    public Builder locations(int v) {
      if (!(experts instanceof ExpertPool.Settings p)) {
        throw new IllegalStateException("experts.count is for a built pool, not given experts");
      }
      experts = p.withLocations(v);
      return this;
    }

    public Builder iterations(int v) {
      alpha = new AlphaSettings(v, alpha.batchSize(), alpha.eta(), alpha.sumSlack(),
          alpha.tolerance(), alpha.metric(), alpha.objective());
      return this;
    }

    public Builder batchSize(int v) {
      alpha = new AlphaSettings(alpha.iterations(), v, alpha.eta(), alpha.sumSlack(),
          alpha.tolerance(), alpha.metric(), alpha.objective());
      return this;
    }

    public Builder objective(ObjectiveSettings v) {
      alpha = new AlphaSettings(alpha.iterations(), alpha.batchSize(), alpha.eta(),
          alpha.sumSlack(), alpha.tolerance(), alpha.metric(), v);
      return this;
    }

    public Builder tolerance(double v) {
      alpha = new AlphaSettings(alpha.iterations(), alpha.batchSize(), alpha.eta(),
          alpha.sumSlack(), v, alpha.metric(), alpha.objective());
      return this;
    }

    public Builder eta(double v) {
      alpha = new AlphaSettings(alpha.iterations(), alpha.batchSize(), v, alpha.sumSlack(),
          alpha.tolerance(), alpha.metric(), alpha.objective());
      return this;
    }

    /** Under p, when the MALA population replaces weighted batches. */
    public Builder population(PopulationMode v) {
      return objective(underP().withPopulation(v));
    }

    /** Under p, the population's burn-in steps. */
    public Builder moveBurnIn(int v) {
      return objective(underP().withMoveBurnIn(v));
    }

    /** Under p, whether the affine calibration runs ({@link AffineCalibration}). */
    public Builder affineCalibration(boolean v) {
      return objective(underP().withAffineCalibration(v));
    }

    /** Under p, whether the KL projection of α runs ({@link KlProjection}). */
    public Builder klProjection(boolean v) {
      return objective(underP().withKlProjection(v));
    }

    /** Under p, every how many burn-in steps one is an independence step (0: none). */
    public Builder independenceEvery(int v) {
      return objective(underP().withIndependenceEvery(v));
    }

    private UnderPSettings underP() {
      if (!(alpha.objective() instanceof UnderPSettings p)) {
        throw new IllegalStateException("the population settings are under p; the objective is "
            + alpha.objective().objective().label());
      }
      return p;
    }

    public PoeSettings build() {
      return new PoeSettings(run, init, experts, alpha);
    }
  }
}
