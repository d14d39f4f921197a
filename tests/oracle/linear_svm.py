#!/usr/bin/python3
"""Known answers for lib/logreg and lib/svc from scikit-learn 1.2.

Run from the repository root:  /usr/bin/python3 tests/oracle/linear_svm.py
Reads the real market_file.csv (ONECLICK_REAL or data/raw),
takes its eight numeric columns for the first N_ROWS customers, standardizes
them with the mean and population std computed here, and writes:

  logreg_data.tsv      y and the standardized X (shared by test_logreg and test_svc)
  logreg_scaling.tsv   column, mean, std used for the standardization
  logreg_cases.tsv     LogisticRegression(solver='liblinear') coef_/intercept_ per case
  logreg_proba.tsv     predict_proba[:, 1] of every case on the first rows
  svc_cases.tsv        SVC settings per case, the resolved gamma, number of SVs
  svc_decision.tsv     decision_function (and predict_proba[:, 1]) per case and row
"""
import os
import sys
import csv

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC
from fixio import OUT, write
from fixio import f as g

N_ROWS = None  # all 1300: the file is sorted by target, the first 400 are one class
N_PRED = 40  # rows whose predictions are recorded
COLUMNS = ["Маркет_актив_6_мес", "Маркет_актив_тек_мес", "Длительность",
           "Акционные_покупки", "Средний_просмотр_категорий_за_визит",
           "Неоплаченные_продукты_штук_квартал", "Ошибка_сервиса", "Страниц_за_визит"]
TARGET, POSITIVE = "Покупательская активность", "Снизилась"


def load():
    base = os.environ.get("ONECLICK_REAL", "data/raw")
    with open(os.path.join(base, "market_file.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))[:N_ROWS]
    X = np.array([[float(r[c]) for c in COLUMNS] for r in rows])
    y = np.array([1 if r[TARGET] == POSITIVE else 0 for r in rows])
    mean, std = X.mean(axis=0), X.std(axis=0)
    return (X - mean) / std, y, mean, std


def main():
    assert sklearn.__version__.startswith("1.2"), sklearn.__version__
    X, y, mean, std = load()
    p = X.shape[1]
    write("logreg_data.tsv", ["y"] + ["x%d" % j for j in range(p)],
          [[int(y[i])] + [g(v) for v in X[i]] for i in range(len(y))])
    write("logreg_scaling.tsv", ["column", "mean", "std"],
          [[c, g(m), g(s)] for c, m, s in zip(COLUMNS, mean, std)])

    lr_cases = [("l2", 1.0, "none"), ("l2", 0.01, "none"), ("l2", 100.0, "none"),
                ("l2", 1.0, "balanced"), ("l1", 1.0, "none"), ("l1", 0.1, "none"),
                ("l1", 0.05, "balanced"), ("l1", 10.0, "none")]
    cases, proba = [], []
    for k, (pen, C, cw) in enumerate(lr_cases):
        m = LogisticRegression(solver="liblinear", penalty=pen, C=C, tol=1e-4,
                               class_weight=None if cw == "none" else cw,
                               fit_intercept=True, intercept_scaling=1, max_iter=100,
                               random_state=0).fit(X, y)
        # The same problem solved to a far tighter tolerance: how far sklearn's
        # own answer is from the optimum, so that the C test's bound is honest.
        t = LogisticRegression(solver="liblinear", penalty=pen, C=C, tol=1e-10,
                               class_weight=None if cw == "none" else cw,
                               max_iter=10000, random_state=0).fit(X, y)
        gap = max(np.max(np.abs(m.coef_ - t.coef_)), abs(m.intercept_[0] - t.intercept_[0]))
        cases.append([k, pen, g(C), cw, int(m.n_iter_[0]), g(gap)]
                     + [g(v) for v in m.coef_[0]] + [g(m.intercept_[0])]
                     + [g(v) for v in t.coef_[0]] + [g(t.intercept_[0])])
        pr = m.predict_proba(X[:N_PRED])[:, 1]
        proba += [[k, i, g(pr[i])] for i in range(N_PRED)]
    write("logreg_cases.tsv", ["case", "penalty", "C", "class_weight", "n_iter", "gap_to_optimum"]
          + ["coef%d" % j for j in range(p)] + ["intercept"]
          + ["opt_coef%d" % j for j in range(p)] + ["opt_intercept"], cases)
    write("logreg_proba.tsv", ["case", "row", "p1"], proba)

    svc_cases = [("rbf", 1.0, "scale", 3, 0.0, "none", 0),
                 ("rbf", 10.0, "auto", 3, 0.0, "none", 0),
                 ("rbf", 1.0, "0.05", 3, 0.0, "balanced", 0),
                 ("linear", 1.0, "scale", 3, 0.0, "none", 0),
                 ("linear", 0.1, "scale", 3, 0.0, "balanced", 0),
                 ("poly", 1.0, "scale", 3, 1.0, "none", 0),
                 ("poly", 0.5, "auto", 2, 0.5, "none", 0),
                 ("sigmoid", 0.5, "auto", 3, 0.0, "none", 0),
                 ("rbf", 1.0, "scale", 3, 0.0, "none", 1)]
    cases, dec = [], []
    for k, (kern, C, gam, deg, c0, cw, prob) in enumerate(svc_cases):
        gamma = gam if gam in ("scale", "auto") else float(gam)
        m = SVC(kernel=kern, C=C, gamma=gamma, degree=deg, coef0=c0, tol=1e-3,
                cache_size=200, shrinking=True, probability=bool(prob),
                class_weight=None if cw == "none" else cw, random_state=0).fit(X, y)
        cases.append([k, kern, g(C), gam, deg, g(c0), cw, prob, g(m._gamma),
                      int(m.n_support_.sum()), g(m.intercept_[0])])
        d = m.decision_function(X[:N_PRED])
        pr = m.predict_proba(X[:N_PRED])[:, 1] if prob else np.full(N_PRED, np.nan)
        dec += [[k, i, g(d[i]), g(pr[i])] for i in range(N_PRED)]
    write("svc_cases.tsv", ["case", "kernel", "C", "gamma_spec", "degree", "coef0",
                            "class_weight", "probability", "gamma", "n_support", "intercept"], cases)
    write("svc_decision.tsv", ["case", "row", "decision", "p1"], dec)

    # gamma='scale' on awkward shapes, to pin the summation order of X.var().
    rng = np.random.default_rng(7)
    rows = []
    for n, q in [(1, 1), (3, 2), (7, 1), (9, 1), (17, 3), (129, 1), (300, 7), (1300, 8), (2000, 5)]:
        A = rng.normal(3.0, 2.0, size=(n, q)) ** 3
        v = A.var()
        rows.append([n, q, g(1.0 / (q * v)) if v != 0 else g(1.0), "|".join(g(a) for a in A.ravel())])
    write("svc_gamma.tsv", ["n", "p", "gamma", "values"], rows)


if __name__ == "__main__":
    sys.exit(main())
