#!/usr/bin/python3
"""An independent numpy/scipy implementation of phi_K (phik 0.12 defaults) as
tests/oracle/phik-reference.md specifies it, used to produce the fixtures that
tests/unit/test_phik.c checks lib/phik against.

It follows the package's own route: bins with numpy.linspace/searchsorted,
scipy.stats.chi2_contingency for the statistic, scipy's mvnun (Genz) for the
bivariate normal cells, scipy.optimize.brentq for the root.

Writes (run from the repo root: /usr/bin/python3 tests/oracle/phik_ref.py):
  tests/oracle/fixtures/phik_tables.tsv    small tables -> phik, phik without noise correction, Z
  tests/oracle/fixtures/phik_market.tsv    all pairs of market_file.csv columns (except id)
  tests/oracle/fixtures/phik_market_bins.tsv  bin edges and occupied bins of its interval columns
The real data is read from $ONECLICK_REAL or data/raw.
"""
import csv
import os
import sys

import numpy as np
from scipy import integrate, optimize, stats
from scipy.stats import _mvn

FIX = "tests/oracle/fixtures/"
TINY = np.finfo(float).tiny  # DBL_MIN


# ---------------------------------------------------------------- columns --
def bin_edges(x, bins=10):
    v = x[~np.isnan(x)]
    lo, hi = v.min(), v.max()
    if not lo < hi:
        return None
    return np.linspace(lo - max(1e-14 * abs(lo), TINY), hi, bins + 1)


def bin_interval(x, bins=10):
    """Bin numbers 1..bins (searchsorted left); NaN stays NaN."""
    e = bin_edges(x, bins)
    out = np.full(len(x), np.nan)
    ok = ~np.isnan(x)
    out[ok] = np.searchsorted(e, x[ok], side="left")
    return out, e


def levels(values):
    """Categorical codes; None is missing."""
    uniq = sorted({v for v in values if v is not None})
    idx = {v: i for i, v in enumerate(uniq)}
    return np.array([np.nan if v is None else idx[v] for v in values], float)


def table(a, b):
    ok = ~np.isnan(a) & ~np.isnan(b)
    a, b = a[ok], b[ok]
    ra, ia = np.unique(a, return_inverse=True)
    rb, ib = np.unique(b, return_inverse=True)
    O = np.zeros((len(ra), len(rb)))
    np.add.at(O, (ia, ib), 1)
    return O


# ------------------------------------------------------------------- phik --
def bvn_cells(rho, r, c):
    ex = np.linspace(-5, 5, r + 1)
    ey = np.linspace(-5, 5, c + 1)
    cov = np.array([[1.0, rho], [rho, 1.0]])
    P = np.zeros((r, c))
    for i in range(r):
        for j in range(c):
            P[i, j] = _mvn.mvnun(np.array([ex[i], ey[j]]), np.array([ex[i + 1], ey[j + 1]]), np.zeros(2), cov)[0]
    return P


def phik_from_table(O, noise_correction=True):
    O = np.asarray(O, float)
    r, c = O.shape
    n = O.sum()
    if r <= 1 or c <= 1 or n == 0:
        return np.nan
    keep_r, keep_c = O.sum(1) > 0, O.sum(0) > 0
    Or = O[keep_r][:, keep_c]
    if Or.shape[0] > 1 and Or.shape[1] > 1:
        chi2 = stats.chi2_contingency(Or, correction=True, lambda_="pearson")[0]
    else:
        chi2 = 0.0
    E = np.outer(O.sum(1), O.sum(0)) / n
    pedestal = max(0, (r - 1) * (c - 1) - int(np.sum(E == 0))) if noise_correction else 0
    chi2max = n * min(r - 1, c - 1)
    p0 = bvn_cells(0.0, r, c)
    mask = p0 > 0

    def dist(rho):
        return n * np.sum((bvn_cells(rho, r, c)[mask] - p0[mask]) ** 2 / p0[mask])

    scale = (chi2max - pedestal) / dist(1.0)
    if chi2 > chi2max and np.isclose(chi2, chi2max, atol=1e-14):
        chi2 = chi2max
    if chi2 <= pedestal:
        return 0.0
    if chi2 >= chi2max:
        return 1.0
    return optimize.brentq(lambda rho: pedestal + scale * dist(rho) - chi2, 0, 1, xtol=1e-5)


def significance_from_table(O):
    O = np.asarray(O, float)
    O = O[O.sum(1) > 0][:, O.sum(0) > 0]
    r, c = O.shape
    if r <= 1 or c <= 1:
        return np.nan
    stat = stats.chi2_contingency(O, correction=True, lambda_="log-likelihood")[0]
    ndof = (r - 1) * (c - 1)
    p = stats.chi2.sf(stat, ndof)
    if p > 0:
        return -stats.norm.ppf(p)
    z = stat / ndof
    u = -np.log(2 * np.pi) - ndof * np.log(z) + ndof * (z - 1)
    return np.sqrt(u - np.log(u))


def check_cells_by_quadrature(rho=0.7, r=4, c=6):
    """mvnun against 1-D adaptive quadrature of phi(x)[Phi((y1-rho x)/s) - Phi((y0-rho x)/s)]."""
    ex, ey = np.linspace(-5, 5, r + 1), np.linspace(-5, 5, c + 1)
    s = np.sqrt(1 - rho * rho)
    P = bvn_cells(rho, r, c)
    for i in range(r):
        for j in range(c):
            q = integrate.quad(lambda x: stats.norm.pdf(x) * (stats.norm.cdf((ey[j + 1] - rho * x) / s)
                                                              - stats.norm.cdf((ey[j] - rho * x) / s)),
                               ex[i], ex[i + 1], epsabs=1e-15, epsrel=1e-13)[0]
            assert abs(q - P[i, j]) < 1e-12, (i, j, q, P[i, j])


def check_documented_values():
    """The worked examples of phik.md, to the 7 decimals it gives."""
    want = [("doc_3x3", True, 0.7981277), ("doc_3x3", False, 0.8236077),
            ("doc_2x2_yates", True, 0.6182292), ("doc_2x2_yates", False, 0.6412932)]
    for name, noise, v in want:
        got = phik_from_table(np.array(TABLES[name], float), noise)
        assert abs(got - v) < 5e-7, (name, noise, got, v)
    assert phik_from_table(np.array(TABLES["weak_2x2"], float)) == 0.0


# ------------------------------------------------------------------- data --
def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    cols = {}
    for k, name in enumerate(header):
        vals = [row[k] for row in body]
        try:
            cols[name] = ("num", np.array([float(v) if v != "" else np.nan for v in vals]))
        except ValueError:
            cols[name] = ("str", [v if v != "" else None for v in vals])
    return header, cols


def r17(v):
    return "nan" if np.isnan(v) else repr(float(v))


TABLES = {
    "doc_3x3": [[12, 4, 1], [3, 10, 4], [1, 5, 10]],
    "doc_2x2_yates": [[20, 5], [8, 17]],
    "weak_2x2": [[13, 12], [12, 13]],
    "t_2x3": [[10, 7, 3], [6, 8, 9]],
    "t_3x2_zeros": [[9, 0], [4, 5], [0, 8]],
    "t_4x5": [[5, 3, 0, 1, 2], [2, 8, 3, 0, 1], [0, 2, 9, 4, 0], [1, 0, 3, 7, 6]],
    "t_10x10_diag": (np.eye(10) * 7 + 1).tolist(),
    "t_2x7_unbalanced": [[30, 12, 5, 3, 2, 1, 1], [3, 9, 14, 11, 6, 4, 2]],
    "t_empty_row": [[10, 2, 1], [0, 0, 0], [3, 9, 4], [1, 2, 11]],
    "t_perfect": [[25, 0], [0, 25]],
    "t_indep": [[10, 20, 30], [20, 40, 60]],
    "t_large": [[1200, 300, 50], [400, 900, 300], [100, 350, 1100]],
}


def main():
    check_cells_by_quadrature()
    check_documented_values()
    with open(FIX + "phik_tables.tsv", "w") as f:
        f.write("name\tr\tc\tcells\tphik\tphik_nonoise\tz\n")
        for name, t in TABLES.items():
            O = np.array(t, float)
            cells = ",".join(repr(float(v)) for v in O.ravel())
            f.write(f"{name}\t{O.shape[0]}\t{O.shape[1]}\t{cells}\t{r17(phik_from_table(O))}\t"
                    f"{r17(phik_from_table(O, False))}\t{r17(significance_from_table(O))}\n")

    for case, kind in (("unit_interval_pair_50", "num"), ("unit_categorical_pair_50", "str")):
        hdr, cols = read_csv(f"tests/oracle/fixtures/phik-cases/{case}.csv")
        if kind == "num":
            a, b = bin_interval(cols[hdr[0]][1])[0], bin_interval(cols[hdr[1]][1])[0]
        else:
            a, b = levels(cols[hdr[0]][1]), levels(cols[hdr[1]][1])
        O = table(a, b)
        v = phik_from_table(O)
        print(case, O.shape, v, file=sys.stderr)
        assert abs(v - {"unit_interval_pair_50": 0.8115522, "unit_categorical_pair_50": 0.2730578}[case]) < 5e-7

    real = os.environ.get("ONECLICK_REAL", "data/raw")
    hdr, cols = read_csv(os.path.join(real, "market_file.csv"))
    names = [h for h in hdr if h != "id"]
    codes = {}
    with open(FIX + "phik_market_bins.tsv", "w") as f:
        f.write("column\tedges\tbin_counts\n")
        for h in names:
            kind, v = cols[h]
            if kind == "num":
                codes[h], e = bin_interval(v)
                counts = [int(np.sum(codes[h] == k)) for k in range(1, 11)]
                f.write(f"{h}\t" + ",".join(repr(float(x)) for x in e) + "\t" + ",".join(map(str, counts)) + "\n")
            else:
                codes[h] = levels(v)
    with open(FIX + "phik_market.tsv", "w") as f:
        f.write("x\ty\tr\tc\tphik\tz\n")
        for i, x in enumerate(names):
            for y in names[i + 1:]:
                O = table(codes[x], codes[y])
                f.write(f"{x}\t{y}\t{O.shape[0]}\t{O.shape[1]}\t{r17(phik_from_table(O))}\t"
                        f"{r17(significance_from_table(O))}\n")


if __name__ == "__main__":
    main()
