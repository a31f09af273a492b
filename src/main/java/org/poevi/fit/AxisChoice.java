package org.poevi.fit;

import java.util.Locale;
import org.poevi.math.ParetoTail;
import org.poevi.math.SampleMoments;

/**
 * {@code experts.axes = auto}: of two fits, on the pool and on the pool with the coordinate
 * experts ({@link AxisExperts}) and the candidate experts priced at the first fit's α
 * ({@link Pricing}), the one whose q is closer to p in KL(p; q), the divergence the benchmarks
 * report. ("With them" below means the second fit's added experts.)
 *
 * <ul>
 *   <li>With a MALA population (draws of p), the difference of the two KL(p; q) is the mean of
 *       log q_without − log q_with over the chains' positions (each q with its validated
 *       normaliser): no weights, and it sees mass of p that a q misses.
 *   <li>Without one, the same mean under p by self-normalised importance sampling from both
 *       fits' draws pooled, whose proposal is the defensive mixture of the two q's (weights
 *       p̃/q_mix, both log q's at every draw; standard error by the delta method). Each fit's
 *       own importance estimate of KL(p; q) (from r = log p̃ − log q at its draws) is reported
 *       too, but it is not paired and its weights are heavier-tailed: on sinh-arcsinh D = 10 it
 *       said 0.31 ± 0.11 against 0.22 ± 0.005 for a second round whose KL(p; q) on exact draws
 *       was lower (ratio 0.205 against 0.231).
 * </ul>
 *
 * The coordinate experts are kept when that says their q is closer, and three guards hold:
 *
 * <ul>
 *   <li>their PSIS k̂ of r is at most max(0.7, the other fit's), unless their ELBO is higher by
 *       more than {@value #ELBO_GUARD_SE} standard errors: an importance estimate from
 *       heavier-tailed weights is not to be trusted over a reliable one, but the ELBO, a plain
 *       mean over q's draws, needs no weights. (Priced experts took the banana's k̂ from 0.69 to
 *       0.80 while the ELBO rose by 0.29 nats and KL(p; q) on exact draws fell from 0.125 to
 *       0.050. A cap at k̂ = 1 broke affine equivariance: in the Laplace frame of the banana
 *       scaled by 10³ and 10⁻³ the same gain came with k̂ 1.20 and 1.22 at two of three seeds,
 *       and mean KL 0.29 against the plain banana's 0.044, AffineEquivarianceTest);
 *   <li>their ELBO, E_q[r] = log Z − KL(q; p), is not lower by more than
 *       {@value #ELBO_GUARD_SE} standard errors of the difference and more than
 *       {@value #ELBO_GUARD_NATS} nats: q must not put mass where p has
 *       almost none. On the funnel the Fisher divergence takes far coordinate experts along the
 *       log-scale, and the ELBO falls from −1.1 to −13 (KL(p; q) ratio 0.78 against 1.14);
 *   <li>their q can be sampled and normalised as well as the other ({@link #unusable}).
 * </ul>
 *
 * Draws of q alone cannot see mass of p that q misses: on the centred eight schools the q with
 * coordinate experts has the better ELBO, importance estimate and k̂ (7.41 against 3.65, 0.59
 * against 1.39, 0.67 against 0.81) and misses the funnel's neck (Neg-LLH 34.3 against 27.2 on
 * the NUTS draws); its population's chains see that. The ELBO alone is not the criterion either:
 * it prefers the fit without them on sinh-arcsinh D = 10 (by 1.5 standard errors), where KL(p; q)
 * falls from 0.58 to 0.30 (docs/benchmarks.md).
 */
public final class AxisChoice {
  /**
   * The fit without them is refitted with them only when its PSIS k̂ is at least this: below it
   * q's tails already match p's, and the second fit costs as much as the first (measured on the
   * logistic regressions of conf/examples, k̂ ≤ 0.2, and posteriordb's arK, 0.10: the coordinate
   * experts gained under 0.01 nats in Neg-LLH there and took arK's fit from 3 to 14 s).
   */
  static final double TRY_KHAT = 0.3;

  /** The ELBO's largest drop, in standard errors of the difference, that keeps them ... */
  static final double ELBO_GUARD_SE = 3;

  /**
   * ... or in nats, whichever is larger. The guard is for gross misplacement (the funnel's ELBO
   * fell by 12 nats); a few tenths come with real gains in KL(p; q): the banana at fit seed 3
   * lost 0.20 nats of ELBO for a KL ratio of 0.108 against 0.370, the acceptance check's
   * sinh-arcsinh (b) 0.24 for 0.358 against 0.505.
   */
  static final double ELBO_GUARD_NATS = 0.5;

  /** The reason of a fit dropped by the ELBO guard. */
  static final String LOWER_ELBO = "a lower ELBO";

  private AxisChoice() {}

  /**
   * The estimates and the choice.
   *
   * @param kept whether the fit with the coordinate experts was kept
   * @param reason why: "closer to p", or the first test it failed
   * @param without KL(p; q), its standard error, the ELBO, its standard error and PSIS k̂
   *     without them
   * @param with the same with them
   * @param chainGain KL(p; q_without) − KL(p; q_with) over the population's chains, or without
   *     a population over both fits' draws by importance sampling ({@code fromChains})
   * @param chainGainSe its standard error
   * @param priced priced experts in the second fit's pool ({@link Pricing})
   * @param candidates candidates priced
   * @param axes whether the second fit's pool had the coordinate experts
   * @param round the round of pricing compared, from 1 ({@link RefineSettings#rounds})
   * @param fromChains whether the gain is over the population's chains
   */
  public record Outcome(boolean kept, String reason, Estimates without, Estimates with,
      double chainGain, double chainGainSe, int priced, int candidates, boolean axes,
      int round, boolean fromChains) {
    /** One line for the console. */
    public String describe() {
      return String.format(Locale.ROOT, "%s%s %s (%s): KL(p; q) by importance"
          + " sampling %.4g ± %.2g with them, %.4g ± %.2g without; ELBO %.4g against %.4g;"
          + " PSIS k-hat %.2f against %.2f%s", round > 1 ? "round " + round + " of pricing: "
          : "", added(priced, axes),
          kept ? "kept" : "dropped", reason, with.kl(), with.klSe(), without.kl(), without.klSe(),
          with.elbo(), without.elbo(), with.khat(), without.khat(), Double.isNaN(chainGain) ? ""
          : String.format(Locale.ROOT,
          "; over %s they lower KL(p; q) by %.4g ± %.2g", fromChains
          ? "the population's chains" : "both fits' draws (importance-weighted)", chainGain,
          chainGainSe));
    }
  }

  /**
   * What one fit's draws say about its q.
   *
   * @param kl KL(p; q) by self-normalised importance sampling (+∞ when not finite)
   * @param klSe its standard error (delta method)
   * @param elbo E_q[log p̃ − log q] (−∞ when not finite)
   * @param elboSe its standard error
   * @param khat PSIS k̂ of log p̃ − log q
   */
  public record Estimates(double kl, double klSe, double elbo, double elboSe, double khat) {}

  /**
   * {@code pool} (with the coordinate experts) when there are at most as many coordinate experts
   * as other experts, else null, saying why on {@code progress}; null for null. The QP's sums
   * grow as the square of the pool, so this bounds the second fit's QP to about four times the
   * first's: at D = 50 the 700 coordinate experts took sinh-arcsinh's fit from 22 s to 72 s (and
   * at D = 100 they would be 1400), and there their q could not be sampled anyway
   * ({@link #unusable}). {@code experts.axes = always} fits them whatever their number.
   */
  static ExpertPool affordable(ExpertPool pool, Progress progress) {
    if (pool == null) {
      return null;
    }
    long axes = pool.kinds().stream().filter(AxisExperts.KIND::equals).count();
    long others = pool.kinds().size() - axes;
    if (axes > 0 && axes <= others) {
      return pool;
    }
    if (axes > 0) {
      progress.phase("no coordinate experts: " + axes + " of them would outnumber the pool's "
          + others + " experts (experts.axes = always fits them anyway)");
    }
    return null;
  }

  /** What the second fit adds: "the coordinate experts", "N priced experts" or both. */
  static String added(int priced, boolean axes) {
    String p = priced + " priced expert" + (priced == 1 ? "" : "s");
    return axes ? (priced > 0 ? "the coordinate experts and " + p : "the coordinate experts") : p;
  }

  /** Whether to refit with them ({@link #TRY_KHAT}); says why not on {@code progress}. */
  static boolean worthTrying(PoeResult without, Progress progress) {
    double khat = without.finish().psisKhat();
    if (khat >= TRY_KHAT) {
      return true;
    }
    progress.phase(String.format(Locale.ROOT, "no second fit (coordinate or priced experts):"
        + " PSIS k-hat %.2f < %.1f (q's tails already match p's)", khat, TRY_KHAT));
    return false;
  }

  /**
   * The chosen fit, carrying the outcome and both fits' evaluations and time ({@code with} ran
   * second, on the same evaluator and clock, so its counts include the first fit's).
   *
   * @param population the population, whose chains are draws of p, if any
   */
  static PoeResult choose(PoeResult without, PoeResult with,
      java.util.Optional<Population> population, int threads, Pricing.Refined refined,
      int round) {
    Chains fromP = population.map(Population::chains).orElse(null);
    Estimates a = estimates(without.finish());
    Estimates b = estimates(with.finish());
    double[] gain = fromP == null ? drawsGain(without, with, threads)
        : chainGain(without, with, fromP, threads);
    String reason = verdict(gain, a, b, with, without, true);
    boolean kept = reason == null;
    return (kept ? with : without).chosen(new Outcome(kept, kept ? "closer to p" : reason, a, b,
        gain[0], gain[1], refined.chosen(), refined.candidates(), refined.coordinate(), round,
        fromP != null),
        with.scoreEvaluations(), with.seconds());
  }

  /**
   * {@link #choose}, and when the ELBO guard drops {@code with}, {@code with} again with p's
   * scores at its own draws in its objective ({@link MassRepair.Pending#withOwnDraws}; {@code
   * pending}: {@code with}'s fit), chosen or not as any other. On sinh-arcsinh D = 50 at fit seed
   * 4 the priced experts' q was 0.99 nats closer to p over the population's chains but its ELBO
   * 3.3 nats lower: its draws reach where p is small, which the Fisher divergence under p does
   * not see (docs/benchmarks.md).
   */
  static PoeResult chooseOrRepair(PoeResult without, PoeResult with, MassRepair.Pending pending,
      java.util.Optional<Population> population, int threads, Pricing.Refined refined,
      int round, Progress progress) {
    PoeResult chosen = choose(without, with, population, threads, refined, round);
    if (!LOWER_ELBO.equals(chosen.axes().orElseThrow().reason())) {
      return chosen;
    }
    progress.phase(chosen.axes().orElseThrow().describe());
    PoeResult repaired = pending.withOwnDraws(with);
    return repaired == null ? chosen : choose(without, repaired, population, threads, refined,
        round);
  }

  /**
   * Null when {@code with} is to be kept: its {gain, standard error} over {@code without}
   * (log q_with − log q_without under p) above 0, and the guards of the class comment on their
   * estimates {@code b} and {@code a} (the PSIS k̂ guard only when {@code khatGuard}); else the
   * first test it failed.
   */
  static String verdict(double[] gain, Estimates a, Estimates b, PoeResult with,
      PoeResult without, boolean khatGuard) {
    return !(gain[0] > 0) ? "not closer to p"
        : khatGuard && b.khat() > Math.max(ParetoTail.RELIABLE_KHAT, a.khat())
            && !(b.elbo() - a.elbo() > ELBO_GUARD_SE * Math.hypot(a.elboSe(), b.elboSe()))
            ? "a larger PSIS k-hat"
        : b.elbo() < a.elbo() - Math.max(ELBO_GUARD_NATS, ELBO_GUARD_SE * Math.hypot(
            a.elboSe(), b.elboSe()))
        ? LOWER_ELBO : unusable(with, without);
  }

  /**
   * Null when {@code with}'s draws and normaliser are as usable as {@code other}'s; else which is
   * not, with the numbers. Usable: its draws pass the MCMC check for missed mass when the
   * other's do ({@link org.poevi.family.NormalizerValidation#massMissed}: on sinh-arcsinh at
   * D = 50 two kept q's with missed mass looked 0.625 and 0.582 of the best Gaussian's KL where
   * they are at least 0.948 and 1.843), its output draws keep at least min(10%, the other's share)
   * effective, and its chosen log-normaliser is reliable (k̂ ≤ 0.7) when the other's is. A q
   * that cannot be sampled or normalised gives users poor draws and log densities, however close
   * it is to p: at D = 50 on sinh-arcsinh the q with every coordinate expert (230 active,
   * ν ≈ 1900) kept 1 effective Feynman draw of 10⁵, and its z-space log C (k̂ 0.87) was 1.6 nats
   * below the tempered Gibbs sampler's, which made its KL ratio look 0.55 where it is 0.87
   * ({@link org.poevi.family.ValidatedSampler}).
   */
  static String unusable(PoeResult with, PoeResult other) {
    if (with.finish().normalizer().massMissed() && !other.finish().normalizer().massMissed()) {
      return "its draws miss mass of q (MCMC on q from them drifts), so its log-normaliser and"
          + " draws are unreliable";
    }
    double share = drawsShare(with);
    double otherShare = drawsShare(other);
    if (share < Math.min(MIN_DRAWS_ESS, otherShare)) {
      return String.format(Locale.ROOT, "fewer effective draws: %.3g%% of the output draws"
          + " against %.3g%%", 100 * share, 100 * otherShare);
    }
    boolean reliable = with.finish().normalizer().chosenEstimate().isReliable();
    return reliable || !other.finish().normalizer().chosenEstimate().isReliable() ? null
        : String.format(Locale.ROOT, "a less reliable normaliser: %s, k-hat %.2f",
            with.finish().normalizer().chosen().label(),
            with.finish().normalizer().chosenEstimate().khat());
  }

  private static double drawsShare(PoeResult fit) {
    return fit.finish().draws().drawsEss() / fit.finish().draws().numDraws();
  }

  /** The share of effective output draws that is always enough. */
  static final double MIN_DRAWS_ESS = org.poevi.family.SampleResult.USABLE_DRAWS_SHARE;

  /** {mean, standard error} of log q_with − log q_without over the chains' positions. */
  static double[] chainGain(PoeResult without, PoeResult with, Chains chains, int threads) {
    double[] qa = logQ(without, chains.z(), threads);
    double[] qb = logQ(with, chains.z(), threads);
    double[] d = new double[qa.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = qb[i] - qa[i];
    }
    double[] gain = SampleMoments.meanAndStandardError(d);
    return Double.isFinite(gain[0]) ? gain : new double[] {Double.NEGATIVE_INFINITY, 0};
  }


  /**
   * {mean, standard error} of log q_with − log q_without under p, by self-normalised importance
   * sampling from both fits' output draws pooled: their proposal is the mixture of the two q's,
   * each weighted by its share of the draws, so the weights p̃/q_mix are at most p̃/q over the
   * share for either q, and the difference is paired, evaluated at every draw.
   */
  static double[] drawsGain(PoeResult without, PoeResult with, int threads) {
    PoeResult.Finish a = without.finish();
    PoeResult.Finish b = with.finish();
    int na = a.draws().numDraws();
    return pairedGain(concat(a.logP(), b.logP()), concat(a.logQ(), logQ(without,
        b.draws().draws(), threads)), concat(logQ(with, a.draws().draws(), threads), b.logQ()),
        na);
  }

  /**
   * {@link #drawsGain} from log p̃, log q_a and log q_b at the pooled draws, the first
   * {@code na} of them drawn from q_a and the rest from q_b.
   */
  static double[] pairedGain(double[] logP, double[] logQa, double[] logQb, int na) {
    int n = logP.length;
    double shareA = Math.log((double) na / n);
    double shareB = Math.log((double) (n - na) / n);
    double[] w = new double[n]; // log weights, then weights
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      w[i] = logP[i] - org.poevi.math.LogSpace.logAddExp(shareA + logQa[i], shareB + logQb[i]);
      max = Math.max(max, w[i]);
    }
    double sumW = 0;
    double sumWf = 0;
    for (int i = 0; i < n; i++) {
      w[i] = Math.exp(w[i] - max);
      sumW += w[i];
      sumWf += w[i] * (logQb[i] - logQa[i]);
    }
    double gain = sumWf / sumW;
    // Influence of draw i (mean zero): w_i (f_i − gain) / mean w, in place of w.
    for (int i = 0; i < n; i++) {
      w[i] *= (logQb[i] - logQa[i] - gain) * n / sumW;
    }
    double[] influence = w;
    double se = SampleMoments.meanAndStandardError(influence)[1];
    return Double.isFinite(gain) && Double.isFinite(max) ? new double[] {gain, se}
        : new double[] {Double.NEGATIVE_INFINITY, 0};
  }

  static double[] concat(double[] x, double[] y) {
    double[] out = java.util.Arrays.copyOf(x, x.length + y.length);
    System.arraycopy(y, 0, out, x.length, y.length);
    return out;
  }

  private static double[] logQ(PoeResult r, double[] z, int threads) {
    return r.family().logDensities(z, r.finish().normalizer().chosenEstimate().estimate(),
        threads);
  }

  /** The estimates from a fit's finish: its draws' log p̃ and log q, and their PSIS k̂. */
  static Estimates estimates(PoeResult.Finish f) {
    return estimates(f.logP(), f.logQ(), f.psisKhat());
  }

  /** The estimates from log p̃ and log q at draws of q, and their PSIS k̂. */
  static Estimates estimates(double[] logP, double[] logQ, double khat) {
    int n = logP.length;
    double[] r = new double[n];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      r[i] = logP[i] - logQ[i];
      max = Math.max(max, r[i]);
    }
    double[] elbo = SampleMoments.meanAndStandardError(r);
    if (!Double.isFinite(elbo[0]) || !Double.isFinite(max)) {
      return new Estimates(Double.POSITIVE_INFINITY, 0, Double.NEGATIVE_INFINITY, 0,
          Double.POSITIVE_INFINITY);
    }
    // f = mean of w·r and g = mean of w, with w = e^(r − max): KL = f/g − log g − max.
    double[] w = new double[n];
    double f = 0;
    double g = 0;
    for (int i = 0; i < n; i++) {
      w[i] = Math.exp(r[i] - max);
      f += w[i] * r[i] / n;
      g += w[i] / n;
    }
    // Influence of draw i on KL (mean zero): ((w r − f) − (f/g + 1)(w − g)) / g.
    double[] influence = new double[n];
    for (int i = 0; i < n; i++) {
      influence[i] = (w[i] * r[i] - f - (f / g + 1) * (w[i] - g)) / g;
    }
    return new Estimates(f / g - Math.log(g) - max,
        SampleMoments.meanAndStandardError(influence)[1], elbo[0], elbo[1], khat);
  }

}
