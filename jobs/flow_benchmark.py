"""A normalizing flow on the design-study targets (issue #19, item 3): a masked autoregressive
flow with rational-quadratic splines (flowjax), fitted by the ELBO, scored by KL(p; q) on exact
draws of p and divided by the oracle Gaussian's (the exact draws' own mean and covariance: in-sample,
so optimistic by about D(D + 3)/(4n) nats, under 0.001 for these D <= 10 targets at the default
n = 100,000; `jobs/poevi evaluate` takes the moments from independent draws
instead). A benchmark, not a dependency of poevi.

    python jobs/flow_benchmark.py OUTDIR [--evaluations 2e6,1e5] [--targets banana,...] [--seed 1]

Writes OUTDIR/results.csv and OUTDIR/results.md. The targets are those of conf/examples (the
same parameters as poevi's Java targets; tests of the log densities against poevi's are in
poevi's own evaluate, not here): banana (D = 2, scale 2, curvature 0.5), funnel (D = 3, scale 3),
gaussian-mixture (the 3-mode 2-D default), sinh-arcsinh (D = 10, skew 0.3, tail 0.7,
correlation 0.5) and student-t (D = 4, 3 degrees of freedom).
"""
import argparse
import math
import os
import sys
import time

import numpy as np

LOG_2PI = math.log(2 * math.pi)


def mvn_logpdf(jnp, x, mean, cov_inv, logdet):
    d = x - mean
    return -0.5 * (d @ cov_inv @ d) - 0.5 * logdet - 0.5 * len(mean) * LOG_2PI


def sinh_arcsinh(jnp, sd, skew, tail, r):
    S = r ** np.abs(np.subtract.outer(np.arange(sd), np.arange(sd)))
    S_inv = np.linalg.inv(S)
    S_logdet = np.linalg.slogdet(S)[1]
    chol = np.linalg.cholesky(S)

    def lp(x):
        a = tail * jnp.arcsinh(x) - skew
        y = jnp.sinh(a)
        jac = jnp.sum(jnp.log(jnp.cosh(a) * tail / jnp.sqrt(1 + x * x)))
        return mvn_logpdf(jnp, y, np.zeros(sd), S_inv, S_logdet) + jac

    def draw(rng, n):
        y = rng.standard_normal((n, sd)) @ chol.T
        return np.sinh((np.arcsinh(y) + skew) / tail)

    return sd, lp, draw


def targets(jnp, jsp):
    """name -> (D, log p normalised for one point (jax), exact sampler (numpy rng, n))."""
    out = {}

    # Banana: z1 ~ N(0, s^2), z2 | z1 ~ N(b (z1^2 - s^2), 1).
    s, b = 2.0, 0.5

    def banana_lp(z):
        m = b * (z[0] ** 2 - s * s)
        return (-0.5 * (z[0] / s) ** 2 - math.log(s) - 0.5 * (z[1] - m) ** 2 - LOG_2PI)

    def banana_draw(rng, n):
        z1 = s * rng.standard_normal(n)
        return np.column_stack([z1, b * (z1 ** 2 - s * s) + rng.standard_normal(n)])

    out["banana"] = (2, banana_lp, banana_draw)

    # Neal's funnel, D = 3: v ~ N(0, 9), x_i | v ~ N(0, e^v).
    fs, fd = 3.0, 3

    def funnel_lp(z):
        v = z[0]
        lp = -0.5 * (v / fs) ** 2 - math.log(fs) - 0.5 * LOG_2PI
        x = z[1:]
        return lp + jnp.sum(-0.5 * x * x * jnp.exp(-v) - 0.5 * v - 0.5 * LOG_2PI)

    def funnel_draw(rng, n):
        v = fs * rng.standard_normal(n)
        x = rng.standard_normal((n, fd - 1)) * np.exp(v / 2)[:, None]
        return np.column_stack([v, x])

    out["funnel"] = (fd, funnel_lp, funnel_draw)

    # The 3-mode 2-D mixture.
    w = np.array([0.3, 0.4, 0.3])
    means = np.array([[-3, -1.5], [3, -1.5], [0, 3]], dtype=float)
    covs = np.array([[[1, 0.5], [0.5, 1]], [[1, -0.5], [-0.5, 1]], [[1.5, 0], [0, 0.5]]])
    invs = np.linalg.inv(covs)
    logdets = np.log(np.linalg.det(covs))

    def mixture_lp(z):
        terms = [math.log(w[j]) + mvn_logpdf(jnp, z, means[j], invs[j], logdets[j])
                 for j in range(3)]
        return jsp.special.logsumexp(jnp.stack(terms))

    def mixture_draw(rng, n):
        j = rng.choice(3, size=n, p=w)
        chol = np.linalg.cholesky(covs)
        e = rng.standard_normal((n, 2))
        return means[j] + np.einsum("nij,nj->ni", chol[j], e)

    out["gaussian-mixture"] = (2, mixture_lp, mixture_draw)

    # Sinh-arcsinh, D = 10 and 50: y ~ N(0, S), S_ij = r^|i-j|, x = sinh((asinh(y) + skew) / tail).
    for sd in (10, 50):
        out["sinh-arcsinh-%d" % sd] = sinh_arcsinh(jnp, sd, 0.3, 0.7, 0.5)

    # Student t, D = 4, 3 degrees of freedom, location 0, scale I.
    td, nu = 4, 3.0
    tconst = (math.lgamma((nu + td) / 2) - math.lgamma(nu / 2)
              - 0.5 * td * math.log(nu * math.pi))

    def t_lp(z):
        return tconst - 0.5 * (nu + td) * jnp.log1p(jnp.sum(z * z) / nu)

    def t_draw(rng, n):
        g = rng.standard_normal((n, td))
        return g / np.sqrt(rng.chisquare(nu, n) / nu)[:, None]

    out["student-t"] = (td, t_lp, t_draw)
    return out


def trace_steps(steps, samples):
    """About 12 steps, log-spaced in evaluations from 10^4 (or the first step) to the last."""
    lo = max(1, 10000 // samples)
    return {int(round(v)) for v in np.geomspace(lo, steps, 12)} | {steps}


def write_traces(out, traces, poevi_dir):
    for name, points in traces.items():
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        rows = ["method,score_evaluations,fisher"]
        rows += ["%s,%d,%r" % (m, e, f) for m, e, f in points]
        if poevi_dir and os.path.exists(os.path.join(poevi_dir, name, "fisher-trace.csv")):
            with open(os.path.join(poevi_dir, name, "fisher-trace.csv")) as f:
                rows += [line.strip() for line in f.readlines()[1:] if line.strip()]
        with open(os.path.join(d, "fisher-trace.csv"), "w") as f:
            f.write("\n".join(rows) + "\n")
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            continue
        series = {}
        for line in rows[1:]:
            m, e, v = line.split(",")
            series.setdefault(m, ([], []))
            series[m][0].append(float(e))
            series[m][1].append(float(v))
        fig, ax = plt.subplots(figsize=(9, 4.5))
        for m, (e, v) in series.items():
            ax.loglog(e, v, marker="o", ms=3, label=m)
        ax.set_xlabel("score evaluations")
        ax.set_ylabel("Fisher(p; q)")
        ax.set_title(name + ": Fisher(p; q) against score evaluations")
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(d, "fisher-vs-evaluations.png"), dpi=100)
        plt.close(fig)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--evaluations", default="2e6,1e5")
    ap.add_argument("--targets", default="banana,funnel,gaussian-mixture,sinh-arcsinh-10,student-t")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--samples", type=int, default=500, help="draws per ELBO gradient")
    ap.add_argument("--reference-draws", type=int, default=100000)
    ap.add_argument("--interval", type=float, default=8, help="the splines' interval [-b, b]")
    ap.add_argument("--learning-rate", type=float, default=5e-4)
    ap.add_argument("--stl", action="store_true", help="sticking-the-landing gradients")
    ap.add_argument("--trace", action="store_true",
                    help="Fisher(p; q) along the training: OUTDIR/<target>/fisher-trace-flow.csv")
    ap.add_argument("--poevi-trace", default=None,
                    help="a `poevi benchmark paper-synthetic --trace` directory: its"
                         " <target>/fisher-trace.csv is plotted with the flow's")
    a = ap.parse_args()

    import jax
    import jax.numpy as jnp
    import jax.random as jr
    import jax.scipy as jsp
    from flowjax.bijections import RationalQuadraticSpline
    from flowjax.distributions import Normal
    from flowjax.flows import masked_autoregressive_flow
    from flowjax.train import step as train_step
    import equinox as eqx
    import optax
    import paramax

    def train(tree, key, loss_fn, steps, learning_rate, checkpoints, fisher):
        """flowjax's fit_to_key_based_loss, step for step, with Fisher(p; q) at checkpoints."""
        optimizer = optax.adam(learning_rate)
        params, static = eqx.partition(tree, eqx.is_inexact_array,
                                       is_leaf=lambda leaf: isinstance(leaf, paramax.NonTrainable))
        opt_state = optimizer.init(params)
        losses, trace = [], []
        for i, k in enumerate(jr.split(key, steps)):
            params, opt_state, loss = train_step(params, static, key=k, optimizer=optimizer,
                                                 opt_state=opt_state, loss_fn=loss_fn)
            losses.append(loss.item())
            if i + 1 in checkpoints:
                trace.append((i + 1, fisher(eqx.combine(params, static))))
        return eqx.combine(params, static), losses, trace
    from flowjax.train.losses import ElboLoss

    jax.config.update("jax_enable_x64", True)
    os.makedirs(a.out, exist_ok=True)
    all_targets = targets(jnp, jsp)
    budgets = [int(float(e)) for e in a.evaluations.split(",")]
    rows = []
    traces = {}

    scores_q = eqx.filter_jit(lambda q, points: jax.vmap(jax.grad(q.log_prob))(points))

    def fisher_of(q, score_p, points):
        # In chunks: the flow's inverse runs D passes, and 5000 points at once at D = 50 asked
        # for 56 GB.
        score_q = np.concatenate([np.asarray(scores_q(q, points[i:i + 250]))
                                  for i in range(0, points.shape[0], 250)])
        return float(np.mean(np.sum((score_p - score_q) ** 2, axis=1)))
    for name in a.targets.split(","):
        dim, lp, draw = all_targets[name]
        rng = np.random.default_rng(a.seed)
        p = draw(rng, a.reference_draws)
        lp_vec = jax.jit(jax.vmap(lp))
        log_p = np.asarray(lp_vec(jnp.asarray(p)))
        # The oracle Gaussian: the exact draws' own mean and covariance.
        mu = p.mean(0)
        cov = np.cov(p, rowvar=False).reshape(dim, dim)
        cinv = np.linalg.inv(cov)
        d = p - mu
        log_g = (-0.5 * np.einsum("ni,ij,nj->n", d, cinv, d) - 0.5 * np.log(np.linalg.det(cov))
                 - 0.5 * dim * LOG_2PI)
        kl_g = float(np.mean(log_p - log_g))
        # Fisher(p; q) as poevi's FisherTrace computes it: 5000 exact draws, E_p|∇log p − ∇log q|².
        trace_p = jnp.asarray(p[:5000])
        score_p = np.asarray(jax.vmap(jax.grad(lp))(trace_p))
        for budget in budgets:
            steps = max(1, budget // a.samples)
            key, flow_key, train_key = jr.split(jr.key(a.seed), 3)
            flow = masked_autoregressive_flow(
                flow_key, base_dist=Normal(jnp.zeros(dim)),
                transformer=RationalQuadraticSpline(knots=8, interval=a.interval), invert=False)
            t0 = time.time()
            checkpoints = trace_steps(steps, a.samples) if a.trace else set()
            flow, losses, fisher = train(flow, train_key, ElboLoss(lp, num_samples=a.samples,
                                                                   stick_the_landing=a.stl),
                                         steps, a.learning_rate, checkpoints,
                                         lambda q: fisher_of(q, score_p, trace_p))
            seconds = time.time() - t0
            label = "flow" if len(budgets) == 1 else "flow %.0e" % budget
            for st, f in fisher:
                traces.setdefault(name, []).append((label, st * a.samples, f))
            if fisher:
                write_traces(a.out, {name: traces[name]}, a.poevi_trace)
            # The ELBO's own divergence at the end: KL(q; p) = E_q[log q - log p] (p normalised).
            reverse = float(np.mean(np.asarray(losses)[-max(1, steps // 20):]))
            log_q = np.concatenate([np.asarray(flow.log_prob(jnp.asarray(chunk)))
                                    for chunk in np.array_split(p, 20)])
            diff = log_p - log_q
            kl = float(np.mean(diff))
            se = float(np.std(diff) / math.sqrt(len(diff)))
            row = dict(target=name, dim=dim, evaluations=steps * a.samples, kl=kl, kl_se=se,
                       kl_oracle_gaussian=kl_g, ratio=kl / kl_g, reverse_kl=reverse,
                       seconds=seconds)
            rows.append(row)
            print(f"{name}: {steps * a.samples} evaluations: KL {kl:.4f} +- {se:.4f}, oracle"
                  f" Gaussian {kl_g:.4f}, ratio {kl / kl_g:.3f}, KL(q; p) {reverse:.4f} ({seconds:.0f} s)",
                  flush=True)
    keys = list(rows[0].keys())
    with open(os.path.join(a.out, "results.csv"), "w") as f:
        f.write(",".join(keys) + "\n")
        for r in rows:
            f.write(",".join(str(r[k]) for k in keys) + "\n")
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write("| target | D | ELBO gradient evaluations | KL(p; q) | oracle Gaussian | ratio | s |\n")
        f.write("|---|---:|---:|---:|---:|---:|---:|\n")
        for r in rows:
            f.write(f"| {r['target']} | {r['dim']} | {r['evaluations']:,} | {r['kl']:.4f} ±"
                    f" {r['kl_se']:.4f} | {r['kl_oracle_gaussian']:.4f} | **{r['ratio']:.3f}** |"
                    f" {r['seconds']:.0f} |\n")
    print("wrote " + os.path.join(a.out, "results.md"))


if __name__ == "__main__":
    sys.exit(main())
