#!/usr/bin/env python3
"""Real data sets and their independent NUTS reference posteriors for jobs/real-data-check.

  real-data-reference.py prepare OUTDIR              the data sets as CSV + spec.json each
  real-data-reference.py nuts OUTDIR NAME [options]  NumPyro NUTS on the same model and priors:
                                                     reference.csv + nuts.json (diagnostics)
  real-data-reference.py table OUTDIR NAME...        the results table (Markdown) and the verdict
  real-data-reference.py nuts-table OUTDIR NAME...   the reference posteriors' diagnostics

The data come from pip packages (no download at run time): scikit-learn's bundled copy of the
Wisconsin Diagnostic Breast Cancer data (UCI, CC BY 4.0) and statsmodels' bundled Spector and
Mazzeo data (Greene, Econometric Analysis; "used with express permission of the original
author"). The columns are written raw, unscaled; nothing is copied into the repository.

The model is poevi's logistic regression: y_i ~ Bernoulli(logit^-1(intercept + x_i' beta)) with
independent priors on the intercept and on each coefficient, on the original (unscaled) scale, in
poevi's prior syntax: normal(m, s), student_t(df, m, s), cauchy(m, s). NUTS uses a dense mass
matrix (the raw columns make the posterior strongly correlated and badly scaled), float64.
"""
import argparse
import json
import math
import os
import re
import sys
import time

# The data sets: loader, response, predictors (None: every other column), priors.
DATASETS = {
    # 569 tumours, 30 raw features (areas ~1000, fractal dimensions ~0.005): nearly separable.
    "breast-cancer": dict(
        source="scikit-learn load_breast_cancer (UCI Wisconsin Diagnostic Breast Cancer, "
               "Wolberg, Street and Mangasarian 1995; CC BY 4.0)",
        loader="breast_cancer", response="benign", predictors=None,
        intercept_prior="normal(0, 10)", coefficient_prior="normal(0, 2.5)"),
    # The same tumours, only the ten 'mean' features (D = 11).
    "breast-cancer-mean": dict(
        source="as breast-cancer, the ten 'mean ...' columns",
        loader="breast_cancer", response="benign",
        predictors=["mean_radius", "mean_texture", "mean_perimeter", "mean_area",
                    "mean_smoothness", "mean_compactness", "mean_concavity",
                    "mean_concave_points", "mean_symmetry", "mean_fractal_dimension"],
        intercept_prior="normal(0, 10)", coefficient_prior="normal(0, 2.5)"),
    # 32 students (Spector and Mazzeo 1980): grade improved after PSI teaching; GPA ~3, TUCE ~22.
    "spector": dict(
        source="statsmodels datasets.spector (Spector and Mazzeo 1980, via Greene, Econometric "
               "Analysis; used with the author's permission)",
        loader="spector", response="GRADE", predictors=["GPA", "TUCE", "PSI"],
        intercept_prior="normal(0, 10)", coefficient_prior="student_t(3, 0, 2.5)"),
}


def load_frame(loader):
    if loader == "breast_cancer":
        from sklearn.datasets import load_breast_cancer
        frame = load_breast_cancer(as_frame=True).frame
        frame = frame.rename(columns=lambda c: re.sub(r"\W+", "_", c.strip()))
        frame = frame.rename(columns={"target": "benign"})  # 1 benign, 0 malignant
        return frame
    if loader == "spector":
        import statsmodels.api as sm
        return sm.datasets.spector.load_pandas().data
    raise ValueError(loader)


def prepare(outdir):
    for name, spec in DATASETS.items():
        frame = load_frame(spec["loader"])
        predictors = spec["predictors"] or [c for c in frame.columns if c != spec["response"]]
        frame = frame[[spec["response"]] + predictors].astype(float)
        d = os.path.join(outdir, name)
        os.makedirs(d, exist_ok=True)
        frame.to_csv(os.path.join(d, "data.csv"), index=False)
        meta = dict(name=name, source=spec["source"], response=spec["response"],
                    predictors=predictors, rows=len(frame),
                    intercept_prior=spec["intercept_prior"],
                    coefficient_prior=spec["coefficient_prior"])
        with open(os.path.join(d, "spec.json"), "w") as f:
            json.dump(meta, f, indent=1)
        print(f"{name}: {len(frame)} rows, {len(predictors)} predictors, "
              f"mean({spec['response']}) = {frame[spec['response']].mean():.3f}")


def prior(text):
    """A poevi prior string as a NumPyro distribution."""
    import numpyro.distributions as dist
    m = re.fullmatch(r"\s*(\w+)\s*\(([^)]*)\)\s*", text)
    args = [float(a) for a in m.group(2).split(",")]
    kind = m.group(1)
    if kind == "normal":
        return dist.Normal(args[0], args[1])
    if kind == "student_t":
        return dist.StudentT(args[0], args[1], args[2])
    if kind == "cauchy":
        return dist.Cauchy(args[0], args[1])
    raise ValueError(text)


def importance_check(logp, flat, seed, n=200000, nu=7, scale=1.2, chunk=20000):
    """A second estimate of the posterior's means and sds, by self-normalised importance sampling
    from a multivariate t (nu = 7) with the NUTS draws' mean and 1.2 times their sd: unbiased
    whatever the proposal, so it checks the chains' mixing (not the model, which it shares)."""
    import numpy as np
    from scipy import stats
    mu, cov = flat.mean(0), np.cov(flat.T) * scale ** 2
    rng = np.random.default_rng(seed + 1)
    chol = np.linalg.cholesky(cov)
    logw, draws = [], []
    for _ in range(n // chunk):
        t = mu + (rng.standard_normal((chunk, len(mu))) @ chol.T) / np.sqrt(
            rng.chisquare(nu, chunk) / nu)[:, None]
        logw.append(logp(t) - stats.multivariate_t.logpdf(t, mu, cov, df=nu))
        draws.append(t)
    logw, draws = np.concatenate(logw), np.concatenate(draws)
    w = np.exp(logw - logw.max())
    w /= w.sum()
    mean = w @ draws
    sd = np.sqrt(w @ (draws - mean) ** 2)
    ref_sd = flat.std(0, ddof=1)
    diff = (flat.mean(0) - mean) / ref_sd
    return dict(draws=n, ess=float(1 / (w ** 2).sum()), max_mean_diff=float(np.abs(diff).max()),
                max_log_sd_ratio=float(np.abs(np.log(ref_sd / sd)).max()),
                mean_diff=diff.tolist())


def nuts(outdir, name, chains, warmup, draws, seed):
    import numpy as np
    import pandas as pd
    import jax
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist
    from numpyro.diagnostics import effective_sample_size, summary
    from numpyro.infer import MCMC, NUTS
    from numpyro.infer.util import log_density
    numpyro.enable_x64()
    d = os.path.join(outdir, name)
    with open(os.path.join(d, "spec.json")) as f:
        spec = json.load(f)
    frame = pd.read_csv(os.path.join(d, "data.csv"))
    X = jnp.asarray(frame[spec["predictors"]].to_numpy())
    y = jnp.asarray(frame[spec["response"]].to_numpy())
    p_int, p_coef = prior(spec["intercept_prior"]), prior(spec["coefficient_prior"])
    P = X.shape[1]

    def model(X, y):
        a = numpyro.sample("intercept", p_int)
        b = numpyro.sample("beta", p_coef.expand([P]).to_event(1))
        numpyro.sample("y", dist.Bernoulli(logits=a + X @ b), obs=y)

    kernel = NUTS(model, dense_mass=True, target_accept_prob=0.9, max_tree_depth=10)
    mcmc = MCMC(kernel, num_warmup=warmup, num_samples=draws, num_chains=chains,
                chain_method="sequential", progress_bar=False)
    start = time.time()
    mcmc.run(jax.random.PRNGKey(seed), X, y, extra_fields=("diverging", "num_steps"))
    seconds = time.time() - start
    s = mcmc.get_samples(group_by_chain=True)
    z = np.concatenate([np.asarray(s["intercept"])[..., None], np.asarray(s["beta"])], axis=-1)
    names = ["intercept"] + spec["predictors"]
    summ = summary(z, group_by_chain=True)  # split R-hat and ESS over chains
    rhat = np.asarray(summ["Param:0"]["r_hat"])
    ess = np.asarray(summ["Param:0"]["n_eff"])
    extra = mcmc.get_extra_fields(group_by_chain=True)
    divergences = int(np.asarray(extra["diverging"]).sum())
    steps = np.asarray(extra["num_steps"])
    flat = z.reshape(-1, z.shape[-1])

    def logp(v):
        return log_density(model, (X, y), {}, {"intercept": v[0], "beta": v[1:]})[0]

    lp = np.asarray(jax.vmap(logp)(jnp.asarray(flat)))
    # Stein's identity: E_p[grad log p] = 0. Each coordinate's mean score, as a z-score with the
    # scores' own ESS, must be small if the draws are from p (posteriordb's check).
    grads = np.asarray(jax.vmap(jax.grad(logp))(jnp.asarray(flat)))
    grads_ess = np.asarray(effective_sample_size(grads.reshape(chains, draws, -1)))
    stein = grads.mean(0) / (grads.std(0) / np.sqrt(grads_ess))
    ischeck = importance_check(lambda t: np.asarray(jax.vmap(logp)(jnp.asarray(t))), flat,
                               seed)
    out = pd.DataFrame(flat, columns=names)
    out.insert(0, "draw", np.tile(np.arange(1, draws + 1), chains))
    out.insert(0, "chain", np.repeat(np.arange(1, chains + 1), draws))
    out["lp__"] = lp
    out.to_csv(os.path.join(d, "reference.csv.gz"), index=False, float_format="%.10g")
    diag = dict(chains=chains, warmup=warmup, draws=draws, seed=seed, seconds=round(seconds, 1),
                max_rhat=float(rhat.max()), min_ess=float(ess.min()),
                divergences=divergences, max_tree_steps=int(steps.max()),
                mean_tree_steps=float(steps.mean()), max_abs_stein_z=float(np.abs(stein).max()),
                stein_z=dict(zip(names, stein.tolist())), importance_check=ischeck,
                mean=dict(zip(names, flat.mean(0).tolist())),
                sd=dict(zip(names, flat.std(0, ddof=1).tolist())),
                rhat=dict(zip(names, rhat.tolist())), ess=dict(zip(names, ess.tolist())))
    with open(os.path.join(d, "nuts.json"), "w") as f:
        json.dump(diag, f, indent=1)
    ok = diag["max_rhat"] < 1.01 and diag["min_ess"] >= 1000 and divergences == 0
    print(f"{name}: NUTS {chains}x{draws} (+{warmup} warmup) in {seconds:.0f} s: max R-hat "
          f"{diag['max_rhat']:.4f}, min ESS {diag['min_ess']:.0f}, divergences {divergences}, "
          f"mean leapfrog steps {diag['mean_tree_steps']:.1f}, max |Stein z| "
          f"{diag['max_abs_stein_z']:.2f}; importance-sampling check: ESS {ischeck['ess']:.0f} of "
          f"{ischeck['draws']}, max |NUTS - IS mean|/sd {ischeck['max_mean_diff']:.3f}, max |log sd "
          f"ratio| {ischeck['max_log_sd_ratio']:.3f} -> {'ok' if ok else 'NOT CONVERGED'}")
    return 0 if ok else 1


def run_row(d, variant):
    with open(os.path.join(d, variant, "check.json")) as f:
        return json.load(f)


def table(outdir, names, variants, margin, mean_tol):
    """The Markdown table of every data set and variant; exit 1 if a gated variant fails."""
    print("| data set | D | N | variant | Neg-LLH (± se) | oracle Gaussian | Δ | max \\|mean err\\|/sd "
          "| worst coordinate | max \\|log sd ratio\\| | k̂ | fit s | jobs/poevi evaluate | verdict |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|")
    failed = []
    for name in names:
        d = os.path.join(outdir, name)
        with open(os.path.join(d, "spec.json")) as f:
            spec = json.load(f)
        for variant, gated in variants:
            path = os.path.join(d, variant, "check.json")
            if not os.path.exists(path):
                print(f"| {name} | {len(spec['predictors']) + 1} | {spec['rows']} | {variant} "
                      "| (no result) | | | | | | | | | FAILED TO RUN |")
                if gated:
                    failed.append(f"{name}/{variant}")
                continue
            r = run_row(d, variant)
            e = r["evaluation"]
            m, g = e["model"], e["oracleGaussian"]
            nll, gnll = m["negLogLikelihood"]["value"], g["negLogLikelihood"]["value"]
            per = m["parameters"]
            worst = max(per, key=lambda k: abs(per[k]["meanError"]))
            ok = nll <= gnll + margin and m["maxMeanError"] <= mean_tol
            # The gated fits are also scored by jobs/poevi evaluate (cli-eval.json): the same
            # model.json, target, seed and draws, so the same Neg-LLH to rounding.
            cli = os.path.join(d, variant, "cli-eval.json")
            if gated:
                if os.path.exists(cli):
                    with open(cli) as f:
                        c = json.load(f)["model"]["negLogLikelihood"]["value"]
                    same = abs(c - nll) <= 1e-9 * max(1.0, abs(nll))
                    cli_text = f"{c:.4f}" + ("" if same else " (DIFFERS)")
                    ok = ok and same
                else:
                    cli_text, ok = "(missing)", False
            else:
                cli_text = ""
            verdict = ("pass" if ok else "FAIL") if gated else ("(would pass)" if ok
                                                                 else "(would fail)")
            if gated and not ok:
                failed.append(f"{name}/{variant}")
            khat = r.get("psisKhat")
            print(f"| {name} | {e['dimension']} | {spec['rows']} | {variant} | {nll:.3f} ± "
                  f"{m['negLogLikelihood']['standardError']:.3f} | {gnll:.3f} | "
                  f"{nll - gnll:+.3f} | {m['maxMeanError']:.3f} | {worst} "
                  f"({per[worst]['meanError']:+.3f}) | {m['maxLogSdRatio']:.3f} | "
                  f"{'' if khat is None else f'{khat:.2f}'} | {r['fitSeconds']:.1f} | {cli_text} | "
                  f"{verdict} |")
    print()
    print(f"gate: Neg-LLH <= oracle Gaussian + {margin} and max |mean error| <= {mean_tol} "
          "posterior sd")
    if failed:
        print("FAILED: " + ", ".join(failed))
        return 1
    print("all gated fits pass")
    return 0


def nuts_table(outdir, names):
    """The reference posteriors' diagnostics (Markdown)."""
    print("| data set | priors (intercept; coefficients) | chains x draws (warmup) | max R-hat "
          "| min ESS | divergences | mean leapfrog steps | max \\|Stein z\\| | IS check: ESS; "
          "max \\|mean diff\\|/sd; max \\|log sd ratio\\| | NUTS s |")
    print("|---|---|---|---:|---:|---:|---:|---:|---|---:|")
    for name in names:
        d = os.path.join(outdir, name)
        with open(os.path.join(d, "spec.json")) as f:
            spec = json.load(f)
        with open(os.path.join(d, "nuts.json")) as f:
            n = json.load(f)
        print(f"| {name} | {spec['intercept_prior']}; {spec['coefficient_prior']} | "
              f"{n['chains']} x {n['draws']} ({n['warmup']}) | {n['max_rhat']:.4f} | "
              f"{n['min_ess']:.0f} | {n['divergences']} | {n['mean_tree_steps']:.1f} | "
              f"{n['max_abs_stein_z']:.2f} | {n['importance_check']['ess']:.0f} of "
              f"{n['importance_check']['draws']}; {n['importance_check']['max_mean_diff']:.3f}; "
              f"{n['importance_check']['max_log_sd_ratio']:.3f} | {n['seconds']:.0f} |")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("outdir")
    n = sub.add_parser("nuts")
    n.add_argument("outdir")
    n.add_argument("name", choices=sorted(DATASETS))
    n.add_argument("--chains", type=int, default=4)
    n.add_argument("--warmup", type=int, default=2000)
    n.add_argument("--draws", type=int, default=5000)
    n.add_argument("--seed", type=int, default=20261204)
    t = sub.add_parser("table")
    t.add_argument("outdir")
    t.add_argument("names", nargs="+")
    t.add_argument("--variants", default="poe:gate",
                   help="comma-separated VARIANT[:gate] (gate: counts for the exit code)")
    t.add_argument("--margin", type=float, default=0.5)
    t.add_argument("--mean-tol", type=float, default=0.1)
    nt = sub.add_parser("nuts-table")
    nt.add_argument("outdir")
    nt.add_argument("names", nargs="+")
    a = ap.parse_args()
    if a.cmd == "prepare":
        prepare(a.outdir)
        return 0
    if a.cmd == "nuts":
        return nuts(a.outdir, a.name, a.chains, a.warmup, a.draws, a.seed)
    if a.cmd == "nuts-table":
        return nuts_table(a.outdir, a.names)
    variants = [(v.split(":")[0], v.endswith(":gate")) for v in a.variants.split(",")]
    return table(a.outdir, a.names, variants, a.margin, a.mean_tol)


if __name__ == "__main__":
    sys.exit(main())
