#!/usr/bin/python3
"""Reference numbers for tests/unit/test_stats.c (numpy 1.24 / scipy 1.10).

pandas is not installed here, so describe() is reproduced from its definition:
count of non-NaN, mean, std with ddof=1, numpy linear quantiles and
scipy.stats.skew(bias=False), which is pandas' G1 estimator. The Welch test is
scipy.stats.ttest_ind(equal_var=False), chi-square scipy.stats.chi2_contingency,
Holm the statsmodels step-down rule written out.
Run from the repo root: /usr/bin/python3 tests/oracle/stats.py
"""
import numpy as np
from scipy import stats

FIX = "tests/oracle/fixtures/"


def r17(v):
    return "nan" if v is None or (isinstance(v, float) and np.isnan(v)) else repr(float(v))


def arrays():
    rng = np.random.default_rng(7)
    a = {}
    x = rng.normal(10, 3, 200)
    x[rng.choice(200, 17, replace=False)] = np.nan
    a["normal"] = x
    a["lognormal"] = np.round(rng.lognormal(0, 1, 301), 2)  # skewed, with ties and outliers
    a["ints"] = rng.integers(0, 6, 150).astype(float)  # many ties: quantiles land on ties
    a["shifted"] = rng.normal(11, 5, 120)
    z = rng.normal(0, 1, 57)
    z[::5] = np.nan
    a["withnan"] = z
    a["one"] = np.array([3.5])
    a["two"] = np.array([1.0, 4.0])
    a["three"] = np.array([1.0, 2.0, 10.0])
    a["const"] = np.full(9, 2.25)
    a["allnan"] = np.array([np.nan, np.nan])
    a["quartiles"] = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
    return a


def describe(x):
    v = x[~np.isnan(x)]
    n = len(v)
    if n == 0:
        return [0, len(x)] + [np.nan] * 8 + [0]
    q1, q2, q3 = np.quantile(v, [0.25, 0.5, 0.75])
    iqr = q3 - q1
    out = int(np.sum((v < q1 - 1.5 * iqr) | (v > q3 + 1.5 * iqr)))
    std = np.std(v, ddof=1) if n >= 2 else np.nan
    if n < 3:
        sk = np.nan
    elif np.all(v == v[0]):
        sk = 0.0
    else:
        sk = stats.skew(v, bias=False)
    return [n, len(x) - n, np.mean(v), std, v.min(), q1, q2, q3, v.max(), sk, out]


def smd(x, y):
    x = x[~np.isnan(x)]
    y = y[~np.isnan(y)]
    nx, ny = len(x), len(y)
    sp = np.sqrt(((nx - 1) * np.var(x, ddof=1) + (ny - 1) * np.var(y, ddof=1)) / (nx + ny - 2))
    return (x.mean() - y.mean()) / sp


def holm(p):
    p = np.asarray(p, float)
    order = np.argsort(p, kind="stable")
    m = len(p)
    adj_sorted = np.minimum(1.0, np.maximum.accumulate(p[order] * np.arange(m, 0, -1)))
    out = np.empty(m)
    out[order] = adj_sorted
    return out


def main():
    a = arrays()
    with open(FIX + "stats_arrays.tsv", "w") as f:
        f.write("case\tvalue\n")
        for k, v in a.items():
            for x in v:
                f.write(f"{k}\t{r17(x)}\n")
    with open(FIX + "stats_describe.tsv", "w") as f:
        f.write("case\tcount\tmissing\tmean\tstd\tmin\tq25\tmedian\tq75\tmax\tskew\toutliers\n")
        for k, v in a.items():
            d = describe(v)
            f.write(k + "\t" + "\t".join([str(d[0]), str(d[1])] + [r17(t) for t in d[2:10]] + [str(d[10])]) + "\n")
    with open(FIX + "stats_tests.tsv", "w") as f:
        f.write("x\ty\tsmd\tt\tdf\tp\n")
        for xk, yk in [("normal", "shifted"), ("lognormal", "ints"), ("withnan", "normal"), ("three", "ints"),
                       ("shifted", "lognormal")]:
            x, y = a[xk], a[yk]
            t = stats.ttest_ind(x, y, equal_var=False, nan_policy="omit")
            xv, yv = x[~np.isnan(x)], y[~np.isnan(y)]
            vx, vy = np.var(xv, ddof=1) / len(xv), np.var(yv, ddof=1) / len(yv)
            df = (vx + vy) ** 2 / (vx ** 2 / (len(xv) - 1) + vy ** 2 / (len(yv) - 1))
            f.write(f"{xk}\t{yk}\t{r17(smd(x, y))}\t{r17(t.statistic)}\t{r17(df)}\t{r17(t.pvalue)}\n")
    tables = [
        [[12, 4, 1], [3, 10, 4], [1, 5, 10]],
        [[20, 5], [8, 17]],
        [[10, 10], [10, 10]],
        [[10.2, 9.8], [10, 10]],   # |O - E| < 0.5: Yates stops at E
        [[3, 0, 7, 1], [5, 2, 2, 9]],
        [[120, 80], [35, 70], [5, 9]],
        [[1, 0], [0, 1]],
        [[500, 1], [2, 700]],     # p far in the tail
        [[4, 5, 6]],              # dof 0
    ]
    with open(FIX + "stats_chi2.tsv", "w") as f:
        f.write("r\tc\tcells\tcorrection\tlambda\tstat\tdof\tp\n")
        for t in tables:
            O = np.array(t, float)
            for corr in (1, 0):
                for lam in ("pearson", "log-likelihood"):
                    if O.shape[0] == 1:
                        stat, p, dof = 0.0, 1.0, 0
                    else:
                        stat, p, dof, _ = stats.chi2_contingency(O, correction=bool(corr), lambda_=lam)
                    cells = ",".join(repr(float(v)) for v in O.ravel())
                    f.write(f"{O.shape[0]}\t{O.shape[1]}\t{cells}\t{corr}\t{lam}\t{r17(stat)}\t{dof}\t{r17(p)}\n")
    with open(FIX + "stats_holm.tsv", "w") as f:
        f.write("p\tadj\n")
        rng = np.random.default_rng(3)
        for p in ([0.01, 0.04, 0.03, 0.005], [0.5, 0.2, 0.2, 0.9, 0.04, 0.001], rng.uniform(0, 0.2, 25).tolist(),
                  [0.3]):
            adj = holm(p)
            f.write(",".join(repr(float(v)) for v in p) + "\t" + ",".join(repr(float(v)) for v in adj) + "\n")


if __name__ == "__main__":
    main()
