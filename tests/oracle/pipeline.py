#!/usr/bin/python3
"""Known answers for lib/pipeline and lib/search from scikit-learn 1.2.

Run from the repo root after `make data/interim/customers.tsv DATA=data/raw`:
    /usr/bin/python3 tests/oracle/pipeline.py

Takes N_ROWS customers of data/interim/customers.tsv (rows
numpy.random.RandomState(0).permutation(n)[:N_ROWS], in that order) (the merged
table: id, target, nominal, ordinal, numeric and wide period columns) and
writes them to fixtures/pipeline_data.tsv, so that the C tests read the very
rows sklearn saw. For each case, a Pipeline of

    ColumnTransformer(one-hot(drop='first', handle_unknown='ignore') on the
    nominal column, OrdinalEncoder(categories from params.yaml) on the
    ordinal ones, the case's scaler on the numeric ones; table order)
    + the case's model

writes
  pipeline_cases.tsv  case, family, params (lib/pipeline's text), and the
                      ROC-AUC of each of the 5 folds of
                      cross_val_score(pipe, X, y, cv=StratifiedKFold(5),
                      scoring='roc_auc') over all N_ROWS rows;
  pipeline_proba.tsv  case, row, proba: the pipeline fitted on rows
                      0..N_FIT-1, predict_proba[:, 1] of rows N_FIT..N_ROWS-1.
"""
import csv
import os

import numpy as np
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (MinMaxScaler, OneHotEncoder, OrdinalEncoder,
                                   RobustScaler, StandardScaler)
from sklearn.svm import SVC

assert sklearn.__version__.startswith("1.2"), sklearn.__version__

SRC = "data/interim/customers.tsv"
OUT = "tests/oracle/fixtures"
N_ROWS, N_FIT = 400, 300
ID, TARGET, POSITIVE = "id", "Покупательская активность", "Снизилась"
NOMINAL = ["Популярная_категория"]
ORDINAL = {"Тип сервиса": ["стандарт", "премиум"], "Разрешить сообщать": ["нет", "да"]}
SCALERS = {"standard": StandardScaler, "minmax": MinMaxScaler, "robust": RobustScaler,
           "passthrough": lambda: "passthrough"}

# (family, lib/pipeline params text, sklearn model)
CASES = [
    ("knn", "scaler=standard drop_first=true n_neighbors=15 weights=uniform p=1",
     KNeighborsClassifier(n_neighbors=15, weights="uniform", p=1, algorithm="brute")),
    ("knn", "scaler=minmax drop_first=true n_neighbors=10 weights=distance p=1",
     KNeighborsClassifier(n_neighbors=10, weights="distance", p=1, algorithm="brute")),
    ("knn", "scaler=robust drop_first=true n_neighbors=25 weights=uniform p=2",
     KNeighborsClassifier(n_neighbors=25, weights="uniform", p=2, algorithm="brute")),
    ("logreg", "scaler=standard drop_first=true penalty=l2 C=0.5 class_weight=none",
     LogisticRegression(solver="liblinear", penalty="l2", C=0.5)),
    ("logreg", "scaler=minmax drop_first=true penalty=l2 C=3 class_weight=balanced",
     LogisticRegression(solver="liblinear", penalty="l2", C=3, class_weight="balanced")),
    ("svc", "scaler=standard drop_first=true kernel=rbf C=2 gamma=scale degree=3 coef0=0 class_weight=none",
     SVC(kernel="rbf", C=2, gamma="scale")),
    ("svc", "scaler=robust drop_first=true kernel=linear C=0.1 gamma=scale degree=3 coef0=0 class_weight=balanced",
     SVC(kernel="linear", C=0.1, class_weight="balanced")),
    ("svc", "scaler=minmax drop_first=true kernel=poly C=1 gamma=auto degree=2 coef0=0 class_weight=none",
     SVC(kernel="poly", C=1, gamma="auto", degree=2)),
]


def g(x):
    return repr(float(x))


def main():
    with open(SRC, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    # The table is grouped by the target: take a fixed random subset, in that order.
    perm = np.random.RandomState(0).permutation(len(rows) - 1)[:N_ROWS]
    header, body = rows[0], [rows[1 + i] for i in perm]
    with open(os.path.join(OUT, "pipeline_data.tsv"), "w", encoding="utf-8", newline="\n") as f:
        for r in [header] + body:
            f.write("\t".join(r) + "\n")
    features = [c for c in header if c not in (ID, TARGET)]
    numeric = [c for c in features if c not in NOMINAL and c not in ORDINAL]
    cols = {c: [r[header.index(c)] for r in body] for c in header}
    y = np.array([1 if v == POSITIVE else 0 for v in cols[TARGET]])

    def frame(idx, names, num):
        return np.array([[float(cols[c][i]) if num else cols[c][i] for c in names] for i in idx],
                        dtype=float if num else object)

    idx = range(len(body))
    Xnom, Xord, Xnum = frame(idx, NOMINAL, False), frame(idx, list(ORDINAL), False), frame(idx, numeric, True)
    X = np.concatenate([Xnom, Xord, Xnum.astype(object)], axis=1)
    k1, k2 = len(NOMINAL), len(NOMINAL) + len(ORDINAL)

    case_rows, proba_rows = [], []
    for ci, (family, text, model) in enumerate(CASES):
        scaler = dict(kv.split("=") for kv in text.split())["scaler"]
        ct = ColumnTransformer([
            ("ohe", OneHotEncoder(drop="first", handle_unknown="ignore", sparse_output=False), list(range(k1))),
            ("ord", OrdinalEncoder(categories=list(ORDINAL.values())), list(range(k1, k2))),
            ("num", SCALERS[scaler](), list(range(k2, X.shape[1]))),
        ])
        pipe = Pipeline([("prep", ct), ("model", model)])
        folds = cross_val_score(pipe, X, y, cv=StratifiedKFold(5), scoring="roc_auc")
        case_rows.append([str(ci + 1), family, text] + [g(v) for v in folds])
        if family == "svc":
            continue  # Platt scaling uses libsvm's rand(): no known answer for probabilities
        pipe.fit(X[:N_FIT], y[:N_FIT])
        for i, p in enumerate(pipe.predict_proba(X[N_FIT:])[:, 1]):
            proba_rows.append([str(ci + 1), str(N_FIT + i), g(p)])

    with open(os.path.join(OUT, "pipeline_cases.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(["case", "family", "params"] + [f"fold_{k + 1}" for k in range(5)]) + "\n")
        for r in case_rows:
            f.write("\t".join(r) + "\n")
    with open(os.path.join(OUT, "pipeline_proba.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("case\trow\tproba\n")
        for r in proba_rows:
            f.write("\t".join(r) + "\n")


if __name__ == "__main__":
    main()
