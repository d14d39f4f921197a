#!/usr/bin/python3
"""The notebook's search, for `make bench` to time beside ours.

    sklearn_search.py INTERIM [N_ITER] [JOBS]

INTERIM is the interim directory of a `make report` on the real data: its
customers.tsv (the merged table), train/split.tsv (the held-out test rows)
and train/folds.tsv (the CV fold of every training row, twins kept in one).
The search is scikit-learn's RandomizedSearchCV over the five families of
params.yaml's train.spaces (xgb: xgboost's XGBClassifier, one thread per fit,
early stopping on validation_fraction of the fit's rows as the xgb family
does it) (the same hyperparameters and ranges; a nested
choice such as gamma's "scale, auto or a log-uniform number" is a small
distribution object), one-hot encoding of the nominal column (first level
dropped), ordinal codes for the two-level ones, the family's scaler on the
numeric columns; N_ITER candidates (default 100), the same 5 folds as the
train stage (PredefinedSplit), ROC-AUC, JOBS parallel jobs (default 2, the
train stage's threads), refit of the best on all training rows as a notebook
does. Prints one line:

    sklearn_search<TAB>candidates<TAB>folds<TAB>seconds<TAB>best_cv_roc_auc

where seconds is the wall time of RandomizedSearchCV.fit alone (reading the
data and building the pipeline are not counted).
"""
import csv
import sys
import time

import numpy as np
from scipy.stats import loguniform, randint, uniform
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import PredefinedSplit, RandomizedSearchCV, train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (MinMaxScaler, OneHotEncoder, OrdinalEncoder, RobustScaler,
                                   StandardScaler)
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier
from xgboost import XGBClassifier

TARGET, POSITIVE = "Покупательская активность", "Снизилась"
ORDINAL = {"Тип сервиса": ["стандарт", "премиум"], "Разрешить сообщать": ["нет", "да"]}
NOMINAL = ["Популярная_категория"]


class OneOf:
    """A choice among constants and distributions, as params.yaml nests them."""

    def __init__(self, *options):
        self.options = options

    def rvs(self, random_state=None):
        rng = np.random.RandomState(random_state) if not hasattr(random_state, "randint") else random_state
        o = self.options[rng.randint(len(self.options))]
        return o.rvs(random_state=rng) if hasattr(o, "rvs") else o


class EarlyStoppedXGB(ClassifierMixin, BaseEstimator):
    """XGBClassifier stopped early on a stratified share of the rows it fits."""

    def __init__(self, n_estimators=400, max_depth=6, learning_rate=0.3, subsample=1.0, colsample_bytree=1.0,
                 min_child_weight=1.0, reg_lambda=1.0, reg_alpha=0.0, early_stopping_rounds=20,
                 validation_fraction=0.1, random_state=0):
        self.n_estimators, self.max_depth, self.learning_rate = n_estimators, max_depth, learning_rate
        self.subsample, self.colsample_bytree, self.min_child_weight = subsample, colsample_bytree, min_child_weight
        self.reg_lambda, self.reg_alpha = reg_lambda, reg_alpha
        self.early_stopping_rounds, self.validation_fraction = early_stopping_rounds, validation_fraction
        self.random_state = random_state

    def fit(self, X, y):
        tr, va = train_test_split(np.arange(len(y)), test_size=self.validation_fraction, stratify=y,
                                  random_state=self.random_state)
        self.model_ = XGBClassifier(
            n_estimators=self.n_estimators, max_depth=self.max_depth, learning_rate=self.learning_rate,
            subsample=self.subsample, colsample_bytree=self.colsample_bytree,
            min_child_weight=self.min_child_weight, reg_lambda=self.reg_lambda, reg_alpha=self.reg_alpha,
            early_stopping_rounds=self.early_stopping_rounds, tree_method="hist", n_jobs=1,
            random_state=self.random_state, eval_metric="logloss")
        self.model_.fit(X[tr], y[tr], eval_set=[(X[va], y[va])], verbose=False)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)

    def predict(self, X):
        return self.model_.predict(X)


def read(interim):
    with open(f"{interim}/customers.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    with open(f"{interim}/train/split.tsv", encoding="utf-8") as f:
        train = {r["id"] for r in csv.DictReader(f, delimiter="\t") if r["set"] == "train"}
    with open(f"{interim}/train/folds.tsv", encoding="utf-8") as f:
        fold = {r["id"]: int(r["fold"]) for r in csv.DictReader(f, delimiter="\t")}
    rows = [r for r in rows if r["id"] in train]
    cols = [c for c in rows[0] if c not in ("id", TARGET)]
    numeric = [c for c in cols if c not in ORDINAL and c not in NOMINAL]
    X = np.empty((len(rows), len(cols)), dtype=object)
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            X[i, j] = float(r[c]) if c in numeric else r[c]
    y = np.array([r[TARGET] == POSITIVE for r in rows], dtype=int)
    folds = np.array([fold[r["id"]] - 1 for r in rows])
    return X, y, folds, cols, numeric


def search(X, y, folds, cols, numeric, n_iter, jobs):
    idx = {c: j for j, c in enumerate(cols)}
    prep = ColumnTransformer([
        ("ord", OrdinalEncoder(categories=[ORDINAL[c] for c in ORDINAL]), [idx[c] for c in ORDINAL]),
        ("nom", OneHotEncoder(drop="first"), [idx[c] for c in NOMINAL]),
        ("num", StandardScaler(), [idx[c] for c in numeric]),
    ])
    pipe = Pipeline([("prep", prep), ("model", KNeighborsClassifier())])
    scalers = {"standard": StandardScaler(), "minmax": MinMaxScaler(), "robust": RobustScaler(),
               "passthrough": "passthrough"}

    def sc(*names):
        return [scalers[n] for n in names]

    spaces = [
        {"model": [KNeighborsClassifier()], "prep__num": sc("standard", "minmax", "robust", "passthrough"),
         "model__n_neighbors": randint(3, 151), "model__weights": ["uniform", "distance"], "model__p": [1, 2]},
        {"model": [DecisionTreeClassifier(random_state=0)], "prep__num": sc("passthrough", "standard"),
         "model__criterion": ["gini", "entropy"], "model__max_depth": OneOf(None, randint(2, 15)),
         "model__min_samples_split": randint(2, 61), "model__min_samples_leaf": randint(1, 31),
         "model__max_features": [None, "sqrt", "log2", 0.5], "model__class_weight": [None, "balanced"]},
        {"model": [LogisticRegression(solver="liblinear")], "prep__num": sc("standard", "minmax", "robust",
                                                                              "passthrough"),
         "model__penalty": ["l1", "l2"], "model__C": loguniform(0.001, 100),
         "model__class_weight": [None, "balanced"]},
        {"model": [SVC()], "prep__num": sc("standard", "minmax", "robust"),
         "model__kernel": ["rbf", "linear", "poly", "sigmoid"], "model__C": loguniform(0.01, 100),
         "model__gamma": OneOf("scale", "auto", loguniform(0.0001, 1)), "model__degree": randint(2, 5),
         "model__class_weight": [None, "balanced"]},
        {"model": [EarlyStoppedXGB()], "prep__num": sc("passthrough"), "model__max_depth": randint(2, 7),
         "model__learning_rate": loguniform(0.02, 0.3), "model__subsample": uniform(0.6, 0.4),
         "model__colsample_bytree": uniform(0.5, 0.5), "model__min_child_weight": loguniform(0.5, 10),
         "model__reg_lambda": loguniform(0.1, 10), "model__reg_alpha": OneOf(0.0, loguniform(0.001, 1))},
    ]
    rs = RandomizedSearchCV(pipe, spaces, n_iter=n_iter, scoring="roc_auc", cv=PredefinedSplit(folds),
                            n_jobs=jobs, random_state=42, refit=True, error_score=np.nan)
    t0 = time.perf_counter()
    rs.fit(X, y)
    return time.perf_counter() - t0, rs.best_score_


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    n_iter = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    jobs = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    X, y, folds, cols, numeric = read(sys.argv[1])
    secs, best = search(X, y, folds, cols, numeric, n_iter, jobs)
    print(f"sklearn_search\t{n_iter}\t{len(set(folds))}\t{secs:.3f}\t{best:.4f}")


if __name__ == "__main__":
    main()
