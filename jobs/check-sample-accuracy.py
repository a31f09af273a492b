#!/usr/bin/env python3
"""Independent accuracy check of `poevi sample` on models it has never seen (issue #2 acceptance).

For 1-D skewed, 2-D singular, 2-D bimodal and three random 6-D models: runs
`jobs/poevi sample --draws 200000`, then checks log C within max(4 SE, 0.01), means within 0.03 sd,
variances within 6% and wall time under 60 s against an independent truth computed here with numpy:
sinh-sinh quadrature in 1-D and 2-D, importance sampling with 4e6 draws in 6-D.
Needs numpy and scipy (not part of CI). Usage: python3 jobs/check-sample-accuracy.py
"""
import json, subprocess, time, sys, numpy as np
from scipy import integrate, special
import os
os.makedirs("target/accept", exist_ok=True)
rng = np.random.default_rng(20261126)

def model(experts, names=None):
    D = len(experts[0][0])
    return {"format":"poevi-model","version":1,"dimension":D,
            "parameters": names or [f"p{i}" for i in range(D)],
            "experts":[{"location":list(map(float,m)),"lambda":np.asarray(L,float).tolist(),"alpha":float(a)} for m,L,a in experts]}

def logq(experts, Z):
    out = np.zeros(Z.shape[0])
    for m,L,a in experts:
        d = Z - np.asarray(m); L=np.asarray(L)
        out -= a*np.log1p(np.einsum('ij,jk,ik->i', d, L, d))
    return out

def truth_grid(experts, center, scale, angle=0.0, h=1/48, T=6.0):
    D = len(experts[0][0])
    t = np.arange(-T, T+h/2, h)
    u = 0.5*np.pi*np.sinh(t)
    x = np.sinh(u)*scale
    lw = np.log(h*scale*0.5*np.pi) + np.log(np.cosh(t)) + np.logaddexp(u, -u) - np.log(2)
    if D == 1:
        Z = (center[0] + x)[:,None]; LW = lw
    else:
        X, Y = np.meshgrid(x, x, indexing='ij'); c, s = np.cos(angle), np.sin(angle)
        Z = np.stack([center[0] + c*X.ravel() - s*Y.ravel(), center[1] + s*X.ravel() + c*Y.ravel()], 1)
        LW = (lw[:,None] + lw[None,:]).ravel()
    with np.errstate(all='ignore'):
        lf = logq(experts, Z) + LW
    lf[~np.isfinite(lf)] = -np.inf
    M = lf.max(); w = np.exp(lf - M); C = np.log(w.sum()) + M
    w /= w.sum()
    ok = w > 0
    mean = (w[ok,None]*Z[ok]).sum(0); var = (w[ok,None]*(Z[ok]-mean)**2).sum(0)
    return C, mean, var

def truth_is(experts, draws, n=4_000_000, dof=3.0):
    D = draws.shape[1]
    mu = draws.mean(0); S = np.cov(draws.T)*1.5
    Lc = np.linalg.cholesky(S)
    logs = []; zs = []
    tot = []
    for b in range(n//500_000):
        y = rng.standard_normal((500_000, D)); u = rng.chisquare(dof, 500_000)
        Z = mu + (y @ Lc.T)*np.sqrt(dof/u)[:,None]
        d = np.linalg.solve(Lc, (Z-mu).T).T; delta = (d**2).sum(1)
        logr = special.gammaln((dof+D)/2)-special.gammaln(dof/2)-D/2*np.log(dof*np.pi)-np.log(np.diag(Lc)).sum()-(dof+D)/2*np.log1p(delta/dof)
        lw = logq(experts, Z) - logr
        tot.append((lw, Z))
    lw = np.concatenate([a for a,_ in tot]); Z = np.concatenate([b for _,b in tot])
    M = lw.max(); w = np.exp(lw-M); C = np.log(w.mean())+M; se = w.std()/np.sqrt(len(w))/w.mean()
    wn = w/w.sum(); mean = (wn[:,None]*Z).sum(0); var = (wn[:,None]*(Z-mean)**2).sum(0)
    return C, se, mean, var

def run(name, experts, truth_fn, seed=7):
    path = f"target/accept/{name}.json"; out = f"target/accept/out-{name}"
    json.dump(model(experts), open(path,"w"))
    t0 = time.time()
    p = subprocess.run(["jobs/poevi","sample","--model",path,"--draws","200000","--seed",str(seed),"--out",out], capture_output=True, text=True)
    el = time.time()-t0
    if p.returncode: print(name, "FAILED", p.stderr); return
    # draws.csv: the D parameter columns, then lq__ (log q at each draw).
    s = json.load(open(out+"/summary.json")); draws = np.loadtxt(out+"/draws.csv", delimiter=",", skiprows=1, ndmin=2, usecols=range(len(experts[0][0])))
    C, mean, var, tse = truth_fn(experts, draws)
    est, se = s["logNormalizer"]["estimate"], s["logNormalizer"]["standardError"]
    sd = np.sqrt(var)
    mdev = np.abs(draws.mean(0)-mean)/sd; vdev = np.abs(draws.var(0, ddof=1)/var-1)
    ok = abs(est-C) <= max(4*se, 0.01) and mdev.max() <= 0.03 and vdev.max() <= 0.06 and el < 60
    print(f"{name:14s} {'OK ' if ok else 'BAD'} time {el:5.1f}s mode {s['sampling']['mode']:5s} logC {est:.4f}±{se:.4f} truth {C:.4f}(±{tse:.4f}) |diff| {abs(est-C):.4f} tol {max(4*se,0.01):.4f} | max mean dev {mdev.max():.4f} sd | max var dev {100*vdev.max():.2f}% | {s['logNormalizer']['method']} warn={len(s['warnings'])}")

def grid_truth(center, scale, angle=0.0):
    def f(experts, draws):
        C, m, v = truth_grid(experts, center, scale, angle)
        C2, _, _ = truth_grid(experts, center, scale, angle, h=1/96)
        return C, m, v, abs(C-C2)
    return f
def is_truth(experts, draws):
    C, se, m, v = truth_is(experts, draws); return C, m, v, se

I2 = np.eye(2)
run("skewed1d", [([0.],[[1.]],1.2), ([2.],[[0.1]],0.8), ([-1.],[[5.]],0.5)], grid_truth([0.],1.))
run("skewed1d-b", [([0.],[[2.]],3.0), ([3.],[[0.05]],1.0)], grid_truth([0.],1.))
v = np.array([1.0, -0.5]); 
run("singular2d", [([0.,0.],np.array([[1.,0.3],[0.3,0.8]]),1.5), ([1.,1.],np.outer(v,v),2.5), ([-1.,0.5],0.2*I2,1.0)], grid_truth([0.,0.],1., np.arctan2(1.0,0.5)))
run("bimodal2d", [([-2.5,0.],np.diag([3.,0.6]),2.0), ([2.5,1.],np.array([[3.,0.5],[0.5,1.]]),2.0), ([0.,0.],0.02*I2,1.5)], grid_truth([0.,0.5],1.5))
for k in range(3):
    D = 6; K = 5 + 2*k
    ex = []
    for j in range(K):
        A = rng.standard_normal((D,D)); L = 0.4*A.T@A/D + 0.2*np.eye(D)
        ex.append((rng.normal(0,1.0,D), L, 0))
    a = rng.uniform(0.5,1.5,K); a = a/a.sum()*(D/2 + 2 + k)
    ex = [(m,L,aa) for (m,L,_),aa in zip(ex,a)]
    run(f"random6d-{k}", ex, is_truth, seed=11+k)
