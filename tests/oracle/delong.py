#!/usr/bin/python3
"""Reference numbers for the paired DeLong test (lib/stats/metrics.c
metrics_delong_paired), computed the slow, direct way: the structural
components from every (positive, negative) pair, not Sun & Xu's midranks.

Run from the repo root:  /usr/bin/python3 tests/oracle/delong.py
Writes tests/oracle/fixtures/delong_scores.tsv (case, y, s1, s2) and
delong_expected.tsv (case, auc1, auc2, diff, se, z, p). Cases: two smooth
models, a k-NN-like one with many ties against a smooth one, one model
against itself plus noise, a clearly weaker one, and a small case. Floats with repr().
"""
import numpy as np
import scipy.stats
from sklearn.metrics import roc_auc_score

from fixio import f, write


def components(y, s):
    pos, neg = s[y == 1], s[y == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    return psi.mean(axis=1), psi.mean(axis=0), psi.mean()  # V10 (positives), V01 (negatives), AUC


def paired(y, s1, s2):
    v10a, v01a, a1 = components(y, s1)
    v10b, v01b, a2 = components(y, s2)
    m, k = len(v10a), len(v01a)
    s10 = np.cov(np.vstack([v10a, v10b]))  # unbiased (ddof 1)
    s01 = np.cov(np.vstack([v01a, v01b]))
    var = (s10[0, 0] + s10[1, 1] - 2 * s10[0, 1]) / m + (s01[0, 0] + s01[1, 1] - 2 * s01[0, 1]) / k
    assert abs(a1 - roc_auc_score(y, s1)) < 1e-12 and abs(a2 - roc_auc_score(y, s2)) < 1e-12
    se = np.sqrt(var)
    z = (a1 - a2) / se
    return a1, a2, a1 - a2, se, z, 2 * scipy.stats.norm.sf(abs(z))


def cases():
    rng = np.random.RandomState(7)
    n = 160
    y = (rng.rand(n) < 0.4).astype(int)
    x = y + rng.randn(n)
    yield "smooth", y, 1 / (1 + np.exp(-1.5 * x)), 1 / (1 + np.exp(-(0.8 * x + 0.6 * rng.randn(n))))
    knn = np.round((x - x.min()) / (x.max() - x.min()) * 15) / 15
    yield "ties", y, knn, 1 / (1 + np.exp(-x))
    yield "near", y, x, x + 0.05 * rng.randn(n)
    yield "weak", y, 1 / (1 + np.exp(-x)), 0.3 * x + rng.randn(n)
    ys = np.array([1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0])
    yield "small", ys, np.array([.9, .1, .8, .35, .4, .2, .7, .3, .6, .5, .05, .45]), \
        np.array([.6, .3, .9, .2, .3, .1, .4, .5, .2, .8, .3, .1])


def main():
    rows, exp = [], []
    for name, y, s1, s2 in cases():
        for i in range(len(y)):
            rows.append([name, str(int(y[i])), f(s1[i]), f(s2[i])])
        exp.append([name] + [f(v) for v in paired(y, s1, s2)])
    write("delong_scores.tsv", ["case", "y", "s1", "s2"], rows)
    write("delong_expected.tsv", ["case", "auc1", "auc2", "diff", "se", "z", "p"], exp)


if __name__ == "__main__":
    main()
