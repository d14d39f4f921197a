#!/usr/bin/python3
"""Check the synthetic data generator against the real export (not a fixture
producer: run by hand, it prints a comparison).

    build/release/bin/synth --n 20000 --seed 1 --out /tmp/syn
    /usr/bin/python3 tests/oracle/synth_check.py /tmp/syn [data/raw]

For each data set: target share, per-feature mean/sd and correlation with the
target, and the held-out ROC-AUC of logistic regression and gradient boosting
(the planted relation should give ~0.85-0.92, never 1)."""
import csv
import os
import sys

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def read(path, sep=","):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter=sep))


def load(d):
    mf = read(os.path.join(d, "market_file.csv"))
    head, rows = mf[0], mf[1:]
    rev, mins = {}, {}
    for r in read(os.path.join(d, "market_money.csv"))[1:]:
        rev.setdefault(r[0], {})[r[1]] = float(r[2])
    for r in read(os.path.join(d, "market_time.csv"))[1:]:
        mins.setdefault(r[0], {})[r[1]] = float(r[2])
    profit = {r[0]: float(r[1].replace(",", ".")) for r in read(os.path.join(d, "money.csv"), ";")[1:]}
    cats = sorted({r[8] for r in rows})
    y = np.array([r[1] == "Снизилась" for r in rows], float)
    names = [head[j] for j in (4, 5, 6, 7, 9, 10, 11, 12)]
    names += ["rev_pp", "rev_p", "rev_c", "min_p", "min_c", "profit", "premium", "consent"] + cats
    X = []
    for r in rows:
        i = r[0]
        x = [float(r[j]) for j in (4, 5, 6, 7, 9, 10, 11, 12)]
        x += [rev[i]["препредыдущий_месяц"], rev[i]["предыдущий_месяц"], min(rev[i]["текущий_месяц"], 2e4)]
        x += [mins[i]["предыдцщий_месяц"], mins[i]["текущий_месяц"], profit[i]]
        x += [r[2] == "премиум", r[3] == "да"] + [r[8] == c for c in cats]
        X.append(x)
    return names, np.array(X, float), y, rows


def report(d):
    names, X, y, rows = load(d)
    print(f"== {d}: n={len(y)} declined={y.mean():.3f}")
    for k, nm in enumerate(names):
        c = X[:, k]
        cy = np.corrcoef(c, y)[0, 1] if c.std() > 0 else float("nan")
        print(f"  {nm[:34]:34s} mean {c.mean():9.3f} sd {c.std():8.3f} min {c.min():8.2f} max {c.max():8.2f} r_y {cy:+.3f}")
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, stratify=y, random_state=42)
    lr = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(Xtr, ytr)
    gb = HistGradientBoostingClassifier(random_state=0).fit(Xtr, ytr)
    print(f"  holdout ROC-AUC: logistic {roc_auc_score(yte, lr.predict_proba(Xte)[:, 1]):.4f}"
          f"  boosting {roc_auc_score(yte, gb.predict_proba(Xte)[:, 1]):.4f}")


if __name__ == "__main__":
    for d in sys.argv[1:]:
        report(d)
