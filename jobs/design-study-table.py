#!/usr/bin/env python3
"""Markdown table of a design-study directory (see jobs/design-study)."""
import json, os, sys

out = sys.argv[1]
rows = []
print("| target | variant | KL(p;q) | KL oracle Gaussian | ratio | Fisher(p;q) | Fisher Gaussian | final ESS frac | nu | active/K | score evals | wall s | stop | log C reported (method) | independent log C | PSIS k |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---:|")
for t in sorted(os.listdir(out)):
    tdir = os.path.join(out, t)
    if not os.path.isdir(tdir):
        continue
    for v in sorted(os.listdir(tdir)):
        d = os.path.join(tdir, v)
        try:
            s = json.load(open(f"{d}/summary.json"))
            e = json.load(open(f"{d}/eval.json"))
        except (OSError, ValueError):
            print(f"| {t} | {v} | failed | | | | | | | | | | | | | |")
            continue
        try:
            c = json.load(open(f"{d}/check.json"))
            ind = c.get("quadrature", c["independentIs"])
            kind = "quad" if "quadrature" in c else f"IS ±{c['independentIsSe']:.3f}"
            indep = f"{ind:.3f} ({kind})"
        except (OSError, ValueError, KeyError):
            indep = "n/a"
        m, g = e["model"], e["oracleGaussian"]
        ln = s["logNormalizer"]
        print(f"| {t} | {v} | {m['kl']['value']:.4f} ± {m['kl']['standardError']:.4f} | {g['kl']['value']:.4f} | "
              f"**{e['klRatio']:.3f}** | {m['fisher']['value']:.4g} | {g['fisher']['value']:.4g} | "
              f"{(s['sampling']['essFraction'] if s['sampling']['essFraction'] is not None else 1):.3f} | {s['dof']:.3g} | "
              f"{s['experts']['active']}/{s['experts']['pool']} | {s['fit']['scoreEvaluations']} | {s['fit']['wallTimeSeconds']:.1f} | "
              f"{s['fit']['stopReason']} | {ln['estimate']:.3f} ± {ln['standardError']:.3f} ({ln['method']}) | {indep} | {(s['psisKhat'] if s['psisKhat'] is not None else float('nan')):.2f} |")
