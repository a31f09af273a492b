"""Coefficients of LogisticTerms' polynomials (src/main/java/org/poevi/targets/glm/LogisticTerms.java).

Chebyshev economization, in exact rational arithmetic, of
  - e^r = sum r^k / k! on |r| <= ln2/2, from degree 17 down to 11, and
  - atanh(s)/s = sum u^k / (2k + 1), u = s^2 in [0, 0.02944] (|s| <= 0.1716), from 15 down to 7,
printing the dropped terms' bound on the error and the coefficients (ascending degree) as Java hex
literals. Run: python3 docs/tools/economize.py
"""
from fractions import Fraction as F
import math
def cheb(n):
    # T_n coefficients in y, ascending
    T=[[F(1)],[F(0),F(1)]]
    for k in range(2,n+1):
        a=[F(0)]+[2*c for c in T[k-1]]
        b=T[k-2]+[F(0)]*(len(a)-len(T[k-2]))
        T.append([x-y for x,y in zip(a,b)])
    return T[n]
def poly_compose_affine(coeffs, alpha, beta):
    # p(alpha*x+beta) coefficients in x
    out=[F(0)]*len(coeffs)
    # expand (alpha x + beta)^k
    for k,c in enumerate(coeffs):
        for j in range(k+1):
            out[j]+=c*math.comb(k,j)*alpha**j*beta**(k-j)
    return out
def economize(p, lo, hi, target):
    p=p[:]
    err=F(0)
    for n in range(len(p)-1, target, -1):
        c=p[n]
        # T_n mapped to [lo,hi]: y = (2x - (hi+lo))/(hi-lo)
        t=cheb(n)
        tx=poly_compose_affine(t, F(2)/(hi-lo), -(hi+lo)/(hi-lo))
        lead=tx[n]
        scale=c/lead
        for j in range(n+1):
            p[j]-=scale*tx[j]
        assert p[n]==0
        err+=abs(scale)
        p=p[:n]
    return p, err
h=F(3465735902799727,10**16)  # ln2/2 ~ 0.34657359028
exp_taylor=[F(1,math.factorial(k)) for k in range(18)]
e,err=economize(exp_taylor, -h, h, 11)
print("exp deg 11 err", float(err))
print("EXP", [float(c).hex() for c in e])
U=F(2944,100000)
lg=[F(1,2*k+1) for k in range(16)]
l,err2=economize(lg, F(0), U, 7)
print("log deg 7 err", float(err2))
print("LOG", [float(c).hex() for c in l])
