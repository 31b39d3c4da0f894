#!/usr/bin/python3
"""Fixtures for src/metrics/stats.ts: Student t CDF / quantiles, mean/sd/95% CI, Welch's and the
paired t-test from scipy, and Holm's correction written out from its definition (Holm 1979).
Run by hand where Debian's python3-scipy is installed:

    /usr/bin/python3 scripts/make_scipy_fixtures.py   # writes test/fixtures/scipy/stats.json
"""
import json
import os

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20261205)
out = {"scipy": scipy.__version__, "cdf": [], "quantile": [], "summary": [], "welch": [], "paired": [], "holm": []}

for df in [1, 2, 3, 4, 5.5, 9, 17.3, 30, 100, 1000]:
    for t in [-40.0, -5.0, -2.0, -0.7, 0.0, 0.3, 1.0, 2.5, 8.0]:
        out["cdf"].append({"t": t, "df": df, "cdf": float(stats.t.cdf(t, df)), "sf2": float(2 * stats.t.sf(abs(t), df))})
    for p in [0.001, 0.025, 0.1, 0.5, 0.8, 0.95, 0.975, 0.995, 0.9999]:
        out["quantile"].append({"p": p, "df": df, "q": float(stats.t.ppf(p, df))})

for n in [2, 3, 5, 8, 20]:
    x = rng.normal(0.8, 0.03, n)
    m = float(np.mean(x)); sd = float(np.std(x, ddof=1)); se = float(stats.sem(x))
    lo, hi = stats.t.interval(0.95, n - 1, loc=m, scale=se)
    out["summary"].append({"x": x.tolist(), "mean": m, "sd": sd, "se": se, "ciLow": float(lo), "ciHigh": float(hi)})

for na, nb, shift, sa, sb in [(5, 5, 0.02, 0.01, 0.01), (5, 5, 0.002, 0.01, 0.02), (3, 7, 0.05, 0.03, 0.005), (10, 4, -0.01, 0.02, 0.02), (2, 2, 0.1, 0.05, 0.05)]:
    a = rng.normal(0.7 + shift, sa, na); b = rng.normal(0.7, sb, nb)
    r = stats.ttest_ind(a, b, equal_var=False)
    va = np.var(a, ddof=1) / na; vb = np.var(b, ddof=1) / nb
    df = (va + vb) ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1))
    diff = float(np.mean(a) - np.mean(b)); half = float(stats.t.ppf(0.975, df) * np.sqrt(va + vb))
    out["welch"].append({"a": a.tolist(), "b": b.tolist(), "t": float(r.statistic), "p": float(r.pvalue), "df": float(df), "diff": diff, "ciLow": diff - half, "ciHigh": diff + half})

for n, shift in [(5, 0.01), (5, 0.0), (3, 0.05), (12, -0.004)]:
    base = rng.normal(0.7, 0.02, n)
    a = base + shift + rng.normal(0, 0.005, n); b = base + rng.normal(0, 0.005, n)
    r = stats.ttest_rel(a, b)
    ci = r.confidence_interval(0.95)
    out["paired"].append({"a": a.tolist(), "b": b.tolist(), "t": float(r.statistic), "p": float(r.pvalue), "df": float(r.df), "diff": float(np.mean(a - b)), "ciLow": float(ci.low), "ciHigh": float(ci.high)})

def holm(ps):
    m = len(ps); order = np.argsort(ps, kind="stable"); adj = np.empty(m); running = 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (m - k) * ps[i])); adj[i] = running
    return adj.tolist()

for ps in [[0.01, 0.04, 0.03, 0.005], [0.5, 0.001], [0.2, 0.2, 0.2], [0.0001, 0.02, 0.049, 0.3, 0.8, 0.011]]:
    out["holm"].append({"p": ps, "adjusted": holm(ps)})

path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "scipy", "stats.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", os.path.normpath(path))
