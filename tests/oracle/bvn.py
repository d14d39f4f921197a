#!/usr/bin/python3
"""Reference bivariate normal probabilities for tests/unit/test_bvn.c.

scipy 1.10's mvnun is Genz's MVNDST, which in two dimensions evaluates the
rectangle with Genz's deterministic BVNU (about 1e-15); it is what phik 0.12
calls. Writes tests/oracle/fixtures/bvn_rect.tsv: a1 b1 a2 b2 rho p.
Run from the repo root: /usr/bin/python3 tests/oracle/bvn.py
"""
import numpy as np
from scipy.stats import _mvn

INF = np.inf


def rect(a1, b1, a2, b2, rho):
    cov = np.array([[1.0, rho], [rho, 1.0]])
    p, info = _mvn.mvnun(np.array([a1, a2]), np.array([b1, b2]), np.zeros(2), cov,
                         maxpts=100000, abseps=1e-15, releps=1e-15)
    return p


def main():
    rows = []
    rhos = [0.0, 0.1, -0.25, 0.29, 0.31, 0.5, -0.6, 0.74, 0.76, 0.9, -0.92, 0.93, 0.95, -0.97,
            0.99, 0.999, -0.9999, 1.0, -1.0]
    pts = [-INF, -6.0, -3.2, -1.5, -0.4, 0.0, 0.3, 1.1, 2.5, 4.0, INF]
    # CDF grid: P(X < h, Y < k)
    for rho in rhos:
        for h in pts[1:]:
            for k in pts[1:]:
                rows.append((-INF, h, -INF, k, rho, rect(-INF, h, -INF, k, rho)))
    # random rectangles, some ends infinite, like phik's grid cells and beyond
    rng = np.random.default_rng(20240531)
    for _ in range(400):
        a1, b1 = np.sort(rng.uniform(-5, 5, 2))
        a2, b2 = np.sort(rng.uniform(-5, 5, 2))
        if rng.uniform() < 0.2:
            a1 = -INF
        if rng.uniform() < 0.2:
            b2 = INF
        if rng.uniform() < 0.1:
            b1 = INF
        rho = rhos[rng.integers(len(rhos))] if rng.uniform() < 0.5 else rng.uniform(-1, 1)
        rows.append((a1, b1, a2, b2, rho, rect(a1, b1, a2, b2, rho)))
    # phik's own cells: linspace(-5, 5, r+1) grids
    for r in (2, 3, 7, 10):
        e = np.linspace(-5, 5, r + 1)
        for rho in (0.0, 0.3, 0.7981277, 0.95, 1.0):
            for i in range(r):
                for j in range(r):
                    rows.append((e[i], e[i + 1], e[j], e[j + 1], rho, rect(e[i], e[i + 1], e[j], e[j + 1], rho)))

    def fmt(v):
        if v == INF:
            return "inf"
        if v == -INF:
            return "-inf"
        return repr(float(v))

    with open("tests/oracle/fixtures/bvn_rect.tsv", "w") as f:
        f.write("a1\tb1\ta2\tb2\trho\tp\n")
        for row in rows:
            f.write("\t".join(fmt(v) for v in row) + "\n")


if __name__ == "__main__":
    main()
