#!/usr/bin/python3
"""Reference correlation matrices and VIFs for tests/unit/test_corr.c.

Pearson and Spearman per pair over the pairwise-complete rows
(np.corrcoef and scipy.stats.spearmanr on x[ok], y[ok]); VIF_j = 1/(1-R_j^2)
from numpy least squares of column j on [1, other columns] over the rows
where every column is present (statsmodels' variance_inflation_factor with a
constant in the design).
Writes tests/oracle/fixtures/corr_data.tsv (the input columns) and
corr_expected.tsv (kind, i, j, value). Run from the repo root.
"""
import numpy as np
from scipy import stats

FIX = "tests/oracle/fixtures/"


def data():
    rng = np.random.default_rng(11)
    n = 240
    a = rng.normal(0, 1, n)
    b = 0.6 * a + rng.normal(0, 0.8, n)
    c = np.round(rng.exponential(2.0, n))          # many ties
    d = np.round(b * 2) / 2 + 0.3 * c               # ties, related to b and c
    e = rng.integers(0, 4, n).astype(float)         # 4 distinct values
    f = a ** 3 + rng.normal(0, 0.5, n)              # monotone-ish: Spearman > Pearson
    for col, frac in ((b, 0.05), (d, 0.1), (f, 0.02)):
        col[rng.choice(n, int(frac * n), replace=False)] = np.nan
    return np.column_stack([a, b, c, d, e, f])


def vif(X):
    ok = ~np.isnan(X).any(axis=1)
    X = X[ok]
    out = []
    for j in range(X.shape[1]):
        y = X[:, j]
        Z = np.column_stack([np.ones(len(y)), np.delete(X, j, axis=1)])
        coef, *_ = np.linalg.lstsq(Z, y, rcond=None)
        sse = np.sum((y - Z @ coef) ** 2)
        tss = np.sum((y - y.mean()) ** 2)
        out.append(tss / sse)
    return out, int(ok.sum())


def main():
    X = data()
    p = X.shape[1]
    with open(FIX + "corr_data.tsv", "w") as fh:
        fh.write("\t".join("abcdef") + "\n")
        for row in X:
            fh.write("\t".join("nan" if np.isnan(v) else repr(float(v)) for v in row) + "\n")
    with open(FIX + "corr_expected.tsv", "w") as fh:
        fh.write("kind\ti\tj\tvalue\n")
        for i in range(p):
            for j in range(p):
                ok = ~np.isnan(X[:, i]) & ~np.isnan(X[:, j])
                pr = np.corrcoef(X[ok, i], X[ok, j])[0, 1]
                sr = stats.spearmanr(X[ok, i], X[ok, j]).correlation
                fh.write(f"pearson\t{i}\t{j}\t{pr!r}\nspearman\t{i}\t{j}\t{sr!r}\n")
        v, nused = vif(X)
        for j in range(p):
            fh.write(f"vif\t{j}\t{nused}\t{v[j]!r}\n")
        # ranks of column d (ties, NaN) as scipy.stats.rankdata
        d = X[:, 3]
        ok = ~np.isnan(d)
        rk = np.full(len(d), np.nan)
        rk[ok] = stats.rankdata(d[ok])
        for i, r in enumerate(rk):
            fh.write(f"rank\t{i}\t3\t{'nan' if np.isnan(r) else repr(float(r))}\n")


if __name__ == "__main__":
    main()
