#!/usr/bin/python3
"""Reference numbers for tests/unit/test_eda_fig.c (numpy 1.24, matplotlib 3.6).

Histograms: the edges are numpy.histogram's for the rows that have a class
(NaN and class -1 left out), the counts per class numpy.histogram with those
edges. Box plots: matplotlib.cbook.boxplot_stats(whis=1.5), which is Tukey's
box with numpy's linear percentiles.
Run from the repo root: /usr/bin/python3 tests/oracle/eda.py
"""
import numpy as np
from matplotlib import cbook

FIX = "tests/oracle/fixtures/"


def r17(v):
    return repr(float(v))


def cases():
    rng = np.random.default_rng(11)
    c = {}
    n = 300
    x = np.round(rng.normal(5000, 700, n), 1)
    cls = (rng.random(n) < 0.4).astype(int)
    x[rng.choice(n, 9, replace=False)] = np.nan
    cls[rng.choice(n, 7, replace=False)] = -1
    c["normal"] = (x, cls, [25, 7])
    k = np.arange(31) / 10.0  # 0.0, 0.1, ... 3.0: values fall on bin edges
    x = np.concatenate([k, k[::3]])
    c["grid"] = (x, np.arange(len(x)) % 2, [3, 7, 30])
    x = np.round(rng.lognormal(0, 1, 201), 2)
    c["skew"] = (x, (rng.random(201) < 0.5).astype(int), [10, 1])
    c["const"] = (np.full(6, 5.0), np.array([0, 1, 0, 1, 1, 0]), [4])
    c["ints"] = (rng.integers(0, 7, 150).astype(float), (rng.random(150) < 0.3).astype(int), [6])
    return c


def main():
    with open(FIX + "eda_values.tsv", "w") as f:
        f.write("case\tcls\tx\n")
        for name, (x, cls, _) in cases().items():
            for v, c in zip(x, cls):
                f.write(f"{name}\t{c}\t{'' if np.isnan(v) else r17(v)}\n")
    with open(FIX + "eda_hist.tsv", "w") as f:
        f.write("case\tbins\tbin\tlo\thi\tcount0\tcount1\n")
        for name, (x, cls, binss) in cases().items():
            ok = ~np.isnan(x) & (cls >= 0)
            for bins in binss:
                _, edges = np.histogram(x[ok], bins=bins)
                h0, _ = np.histogram(x[ok & (cls == 0)], bins=edges)
                h1, _ = np.histogram(x[ok & (cls == 1)], bins=edges)
                for b in range(bins):
                    f.write(f"{name}\t{bins}\t{b}\t{r17(edges[b])}\t{r17(edges[b + 1])}\t{h0[b]}\t{h1[b]}\n")
    with open(FIX + "eda_box.tsv", "w") as f:
        f.write("case\tq1\tmed\tq3\twhislo\twhishi\tfliers\n")
        for name, (x, _, _) in cases().items():
            s = cbook.boxplot_stats(x[~np.isnan(x)], whis=1.5)[0]
            fl = ",".join(r17(v) for v in np.sort(s["fliers"]))
            f.write(f"{name}\t{r17(s['q1'])}\t{r17(s['med'])}\t{r17(s['q3'])}\t{r17(s['whislo'])}\t"
                    f"{r17(s['whishi'])}\t{fl}\n")


if __name__ == "__main__":
    main()
