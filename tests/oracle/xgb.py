#!/usr/bin/python3
"""Known answers for lib/models/xgb (the xgb family) from python3-xgboost 1.7.

Run from the repo root (Debian's python3 with python3-xgboost and
python3-sklearn):
    /usr/bin/python3 tests/oracle/xgb.py

Reads fixtures/pipeline_data.tsv (400 customers, written by pipeline.py) and
builds the design matrix the xgb family sees: the features in table order, a
nominal one one-hot (sorted categories, the first dropped), an ordinal one
its code, a numeric one as it is (scaler passthrough). Rows 0..N_FIT-1 are
fitted, rows N_FIT.. predicted. With early stopping, the validation rows are
train_test_split(range(N_FIT), test_size=validation_fraction,
stratify=y, random_state=seed) (lib/models/split's split_train_test), both
sides in that (shuffled) order; xgboost.train watches "valid" and stops after
early_stopping_rounds rounds without a lower log loss; predictions use the
rounds up to the best. Everything on one thread (nthread 1).

Writes
  xgb_cases.tsv     case, params (lib/pipeline's text), best_rounds;
  xgb_proba.tsv     case, row, proba (predict);
  xgb_contribs.tsv  case, row, then the contributions of each column and the
                    bias (predict(pred_contribs=True)), in log-odds.
"""
import csv
import os

import numpy as np
import xgboost as xgb
from sklearn.model_selection import train_test_split

assert xgb.__version__.startswith("1.7"), xgb.__version__

SRC = "tests/oracle/fixtures/pipeline_data.tsv"
OUT = "tests/oracle/fixtures"
N_FIT = 300
ID, TARGET, POSITIVE = "id", "Покупательская активность", "Снизилась"
NOMINAL = ["Популярная_категория"]
ORDINAL = {"Тип сервиса": ["стандарт", "премиум"], "Разрешить сообщать": ["нет", "да"]}

# (n_estimators, max_depth, learning_rate, subsample, colsample_bytree,
#  min_child_weight, reg_lambda, reg_alpha, early_stopping_rounds,
#  validation_fraction, seed)
CASES = [
    (50, 3, 0.1, 1, 1, 1, 1, 0, 0, 0.1, 0),
    (300, 4, 0.05, 0.8, 0.7, 2, 2, 0.1, 10, 0.2, 7),
    (100, 6, 0.3, 0.9, 0.5, 0.5, 0.5, 0, 5, 0.1, 3),
]


def g(x):
    return repr(float(x))


def text(c):
    n, d, lr, ss, cs, mcw, lam, alpha, esr, vf, seed = c
    return (f"scaler=passthrough drop_first=true n_estimators={n} max_depth={d} learning_rate={g(lr)} "
            f"subsample={g(ss)} colsample_bytree={g(cs)} min_child_weight={g(mcw)} reg_lambda={g(lam)} "
            f"reg_alpha={g(alpha)} early_stopping_rounds={esr} validation_fraction={g(vf)} random_state={seed}")


def design(header, body):
    cols = []
    for j, name in enumerate(header):
        if name in (ID, TARGET):
            continue
        v = [r[j] for r in body]
        if name in NOMINAL:
            cats = sorted(set(v))
            cols += [[1.0 if x == c else 0.0 for x in v] for c in cats[1:]]
        elif name in ORDINAL:
            cols.append([float(ORDINAL[name].index(x)) for x in v])
        else:
            cols.append([float(x) for x in v])
    y = np.array([1 if r[header.index(TARGET)] == POSITIVE else 0 for r in body])
    return np.array(cols).T, y


def fit(c, X, y):
    n, d, lr, ss, cs, mcw, lam, alpha, esr, vf, seed = c
    params = {"objective": "binary:logistic", "tree_method": "hist", "nthread": 1, "eval_metric": "logloss",
              "max_depth": d, "eta": lr, "subsample": ss, "colsample_bytree": cs, "min_child_weight": mcw,
              "lambda": lam, "alpha": alpha, "seed": seed, "verbosity": 0}
    if esr == 0:
        bst = xgb.train(params, xgb.DMatrix(X, label=y, nthread=1), num_boost_round=n)
        return bst, n
    tr, va = train_test_split(np.arange(len(y)), test_size=vf, stratify=y, random_state=seed)
    dtr = xgb.DMatrix(X[tr], label=y[tr], nthread=1)
    dva = xgb.DMatrix(X[va], label=y[va], nthread=1)
    bst = xgb.train(params, dtr, num_boost_round=n, evals=[(dva, "valid")], early_stopping_rounds=esr,
                    verbose_eval=False)
    return bst, bst.best_iteration + 1


def main():
    with open(SRC, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    X, y = design(rows[0], rows[1:])
    dte = xgb.DMatrix(X[N_FIT:], nthread=1)
    cases, proba, contribs = [], [], []
    for ci, c in enumerate(CASES):
        bst, rounds = fit(c, X[:N_FIT], y[:N_FIT])
        cases.append([str(ci + 1), text(c), str(rounds)])
        p = bst.predict(dte, iteration_range=(0, rounds))
        phi = bst.predict(dte, pred_contribs=True, iteration_range=(0, rounds))
        for i in range(len(p)):
            proba.append([str(ci + 1), str(N_FIT + i), g(p[i])])
            contribs.append([str(ci + 1), str(N_FIT + i)] + [g(v) for v in phi[i]])
    q = X.shape[1]
    for name, head, body in [("xgb_cases.tsv", ["case", "params", "rounds"], cases),
                             ("xgb_proba.tsv", ["case", "row", "proba"], proba),
                             ("xgb_contribs.tsv", ["case", "row"] + [f"c{j}" for j in range(q)] + ["bias"],
                              contribs)]:
        with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="\n") as f:
            for r in [head] + body:
                f.write("\t".join(r) + "\n")


if __name__ == "__main__":
    main()
