#!/usr/bin/python3
"""Reference numbers for the corr stage on the real merged table
(tests/e2e/test_corr.sh checks the stage's matrices against them).

phi_K and its Z for every pair of columns but the id, target included, with
the independent implementation of tests/oracle/phik_ref.py (phik 0.12
defaults: numeric columns are interval, 10 equal-width bins; the rest
categorical; noise correction on; Z "asymptotic"). Pearson
(numpy.corrcoef) and Spearman (scipy.stats.spearmanr) for every pair of
numeric columns, VIF_j = TSS/SSE of numpy least squares of column j on
[1, the other numeric columns].

Usage (from the repo root, after `make data/interim/customers.tsv
DATA=data/raw`):
  /usr/bin/python3 tests/oracle/corr_stage.py [data/interim/customers.tsv]
Writes tests/oracle/fixtures/corr_stage_phik.tsv (x, y, phik, z),
corr_stage_linear.tsv (x, y, pearson, spearman) and corr_stage_vif.tsv.
"""
import os
import sys

import numpy as np
from scipy import stats

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import phik_ref  # noqa: E402

FIX = "tests/oracle/fixtures/"


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    header = lines[0].split("\t")
    body = [ln.split("\t") for ln in lines[1:] if ln]
    cols = {}
    for k, name in enumerate(header):
        vals = [row[k] for row in body]
        try:
            if name == "id":
                raise ValueError
            cols[name] = ("num", np.array([float(v) if v != "" else np.nan for v in vals]))
        except ValueError:
            cols[name] = ("str", [v if v != "" else None for v in vals])
    return header, cols


def vif(X):
    out = []
    for j in range(X.shape[1]):
        y = X[:, j]
        Z = np.column_stack([np.ones(len(y)), np.delete(X, j, axis=1)])
        coef, *_ = np.linalg.lstsq(Z, y, rcond=None)
        out.append(np.sum((y - y.mean()) ** 2) / np.sum((y - Z @ coef) ** 2))
    return out


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "data/interim/customers.tsv"
    header, cols = read_tsv(path)
    names = [h for h in header if h != "id"]
    codes = {}
    for h in names:
        kind, v = cols[h]
        codes[h] = phik_ref.bin_interval(v)[0] if kind == "num" else phik_ref.levels(v)
    r17 = phik_ref.r17
    with open(FIX + "corr_stage_phik.tsv", "w") as f:
        f.write("x\ty\tphik\tz\n")
        for i, x in enumerate(names):
            for y in names[i + 1:]:
                O = phik_ref.table(codes[x], codes[y])
                f.write(f"{x}\t{y}\t{r17(phik_ref.phik_from_table(O))}\t{r17(phik_ref.significance_from_table(O))}\n")
    num = [h for h in names if cols[h][0] == "num"]
    with open(FIX + "corr_stage_linear.tsv", "w") as f:
        f.write("x\ty\tpearson\tspearman\n")
        for i, x in enumerate(num):
            for y in num[i + 1:]:
                a, b = cols[x][1], cols[y][1]
                ok = ~np.isnan(a) & ~np.isnan(b)
                f.write(f"{x}\t{y}\t{r17(np.corrcoef(a[ok], b[ok])[0, 1])}\t"
                        f"{r17(stats.spearmanr(a[ok], b[ok]).correlation)}\n")
    X = np.column_stack([cols[h][1] for h in num])
    X = X[~np.isnan(X).any(axis=1)]
    with open(FIX + "corr_stage_vif.tsv", "w") as f:
        f.write("feature\tvif\n")
        for h, v in zip(num, vif(X)):
            f.write(f"{h}\t{r17(v)}\n")


if __name__ == "__main__":
    main()
