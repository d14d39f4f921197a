#!/usr/bin/python3
"""Reference numbers for lib/models/calib.c: scikit-learn 1.2's
CalibratedClassifierCV on given scores (an estimator whose decision function
is the score itself, cv="prefit"), method sigmoid and isotonic.

Run from the repo root:  /usr/bin/python3 tests/oracle/calib.py
Writes tests/oracle/fixtures/calib_fit.tsv (case, score, y: what is fitted)
and calib_expected.tsv (case, method, score, probability: the calibrated
probability at the fitted scores and at a grid beyond them). Cases: smooth
decision scores, k-NN-like probabilities with many ties, a small case with a
violation for the pool-adjacent-violators step. Floats with repr().
"""
import os

import numpy as np
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV

assert sklearn.__version__.startswith("1.2"), sklearn.__version__
OUT = "tests/oracle/fixtures"


class Score(ClassifierMixin, BaseEstimator):
    """A fitted 'model' whose decision function is its one input column."""

    def __init__(self):
        self.classes_ = np.array([0, 1])

    def fit(self, X, y):
        return self

    def decision_function(self, X):
        return np.asarray(X)[:, 0]


def cases():
    rng = np.random.RandomState(11)
    n = 300
    y = (rng.rand(n) < 0.38).astype(int)
    yield "smooth", 1.7 * y - 0.9 + rng.randn(n), y
    x = y + 0.9 * rng.randn(n)
    knn = np.round(1 / (1 + np.exp(-2 * x)) * 15) / 15
    yield "ties", knn, y
    yield "small", np.array([0.1, 0.2, 0.3, 0.35, 0.5, 0.5, 0.6, 0.8, 0.9, 0.95]), \
        np.array([0, 1, 0, 0, 1, 0, 1, 1, 0, 1])


def f(v):
    return repr(float(v))


def main():
    fit_rows, exp_rows = [], []
    for name, s, y in cases():
        fit_rows += [[name, f(a), str(int(b))] for a, b in zip(s, y)]
        grid = np.concatenate([s, np.linspace(s.min() - 1, s.max() + 1, 41)])
        for method in ("sigmoid", "isotonic"):
            cal = CalibratedClassifierCV(Score(), method=method, cv="prefit").fit(s.reshape(-1, 1), y)
            p = cal.predict_proba(grid.reshape(-1, 1))[:, 1]
            exp_rows += [[name, method, f(a), f(b)] for a, b in zip(grid, p)]
    for fname, head, rows in (("calib_fit.tsv", "case\tscore\ty", fit_rows),
                              ("calib_expected.tsv", "case\tmethod\tscore\tprobability", exp_rows)):
        with open(os.path.join(OUT, fname), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(head + "\n")
            for r in rows:
                fh.write("\t".join(r) + "\n")


if __name__ == "__main__":
    main()
