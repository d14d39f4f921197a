#!/usr/bin/python3
"""Reference numbers for lib/metrics, lib/split and lib/prep (scikit-learn 1.2).

Run from the repo root:  /usr/bin/python3 tests/oracle/metrics_prep.py
Writes tests/oracle/fixtures/{metrics,split,prep}_*.tsv. Floats are written
with repr(), the shortest string that reads back to the same double.

The real data is read from $ONECLICK_REAL or data/raw; only
derived numbers (indices, fitted parameters, transformed values) are written.
"""
import csv
import os
import sys

import numpy as np
import scipy.stats
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.metrics import (accuracy_score, average_precision_score, brier_score_loss, f1_score,
                             log_loss, precision_recall_curve, precision_score, recall_score,
                             roc_auc_score, roc_curve)
from sklearn.calibration import calibration_curve
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (MinMaxScaler, OneHotEncoder, OrdinalEncoder, RobustScaler,
                                   StandardScaler)
from fixio import OUT, f, write
from fixio import delong as fixio_delong

assert sklearn.__version__.startswith("1.2"), sklearn.__version__

REAL = os.environ.get("ONECLICK_REAL", "data/raw")
DROP_IDS = {"215348", "215357", "215359", "215380"}  # 3 zero-revenue customers + the revenue outlier
NUMERIC = ["Маркет_актив_6_мес", "Маркет_актив_тек_мес", "Длительность", "Акционные_покупки",
           "Средний_просмотр_категорий_за_визит", "Неоплаченные_продукты_штук_квартал",
           "Ошибка_сервиса", "Страниц_за_визит"]


# ------------------------------------------------------------------ metrics
def delong_slow(y, s, level=0.95):
    auc, var, se, lo, hi = fixio_delong(y, s, level)
    return auc, var, lo, hi


def metric_cases():
    rs = np.random.RandomState(20240501)
    n = 400
    y = (rs.rand(n) < 0.35).astype(int)
    s = np.clip(np.round(0.35 + 0.25 * (y - 0.35) + 0.2 * rs.randn(n), 1), 0, 1)
    yield "ties", y, s
    n = 250
    y = (rs.rand(n) < 0.4).astype(int)
    s = 1 / (1 + np.exp(-(1.2 * y - 0.6 + rs.randn(n))))
    yield "cont", y, s
    y = np.array([0, 0, 1, 1, 0, 1, 0, 1, 1, 0])
    s = np.array([0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.0, 1.0, 0.55, 0.2])
    yield "tiny", y, s


def metrics():
    data, scal, roc, pr, cal, gains = [], [], [], [], [], []
    for case, y, s in metric_cases():
        for i in range(len(y)):
            data.append((case, i, y[i], f(s[i])))
        a = roc_auc_score(y, s)
        dl = delong_slow(y, s)
        p, r, t = precision_recall_curve(y, s)
        fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
        j = np.argmax(tpr - fpr)
        with np.errstate(invalid="ignore", divide="ignore"):
            f1c = np.nan_to_num(2 * p * r / (p + r))
        k = np.argmax(f1c[:-1])
        pred = (s >= 0.5).astype(int)
        tn, fp, fn, tp = [int(((y == a_) & (pred == b_)).sum()) for a_, b_ in ((0, 0), (0, 1), (1, 0), (1, 1))]
        kv = dict(auc=a, delong_auc=dl[0], delong_var=dl[1], delong_lo=dl[2], delong_hi=dl[3],
                  ap=average_precision_score(y, s), logloss=log_loss(y, s, eps=1e-15),
                  brier=brier_score_loss(y, s), youden_thr=thr[j], youden_j=tpr[j] - fpr[j],
                  youden_idx=j, f1_thr=t[k], f1_max=f1c[k], f1_idx=k, tn=tn, fp=fp, fn=fn, tp=tp,
                  acc=accuracy_score(y, pred), prec=precision_score(y, pred, zero_division=0),
                  rec=recall_score(y, pred), f1=f1_score(y, pred))
        for key, v in kv.items():
            scal.append((case, key, f(v)))
        for drop in (0, 1):
            fpr, tpr, thr = roc_curve(y, s, drop_intermediate=bool(drop))
            for i in range(len(fpr)):
                roc.append((case, drop, i, f(fpr[i]), f(tpr[i]), f(thr[i])))
        for i in range(len(p)):
            pr.append((case, i, f(p[i]), f(r[i]), f(t[i]) if i < len(t) else ""))
        for nb in (5, 10):
            ptrue, ppred = calibration_curve(y, s, n_bins=nb, strategy="uniform")
            for i in range(len(ptrue)):
                cal.append((case, nb, i, f(ppred[i]), f(ptrue[i])))
        order = np.argsort(-s, kind="stable")
        cum_pos = 0
        for g, idx in enumerate(np.array_split(order, 10)):
            cum_pos += y[idx].sum()
            cum_n = sum(len(b) for b in np.array_split(order, 10)[:g + 1])
            gains.append((case, g, len(idx), int(y[idx].sum()), f(s[idx].max()), f(s[idx].min()),
                          f(cum_pos / y.sum()), f((cum_pos / y.sum()) / (cum_n / len(y)))))
    write("metrics_data.tsv", ["case", "i", "y", "score"], data)
    write("metrics_scalar.tsv", ["case", "key", "value"], scal)
    write("metrics_roc.tsv", ["case", "drop", "i", "fpr", "tpr", "thr"], roc)
    write("metrics_pr.tsv", ["case", "i", "precision", "recall", "thr"], pr)
    write("metrics_calib.tsv", ["case", "nbins", "i", "prob_pred", "prob_true"], cal)
    write("metrics_gains.tsv", ["case", "g", "n", "npos", "smax", "smin", "cum_gain", "cum_lift"], gains)


# ------------------------------------------------------------ real data
def market():
    with open(os.path.join(REAL, "market_file.csv"), encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def split():
    header, rows = market()
    counts, idx, kf, kfc = [], [], [], []
    for label, keep in (("all", rows), ("clean", [r for r in rows if r[0] not in DROP_IDS])):
        y = np.array([1 if r[1] == "Снизилась" else 0 for r in keep])
        n = len(y)
        for seed in range(1, 31):
            tr, te = train_test_split(np.arange(n), test_size=0.25, stratify=y, random_state=seed)
            counts.append((label, n, seed, (y[tr] == 0).sum(), (y[tr] == 1).sum(),
                           (y[te] == 0).sum(), (y[te] == 1).sum()))
            if seed in (1, 2):
                for side, a in (("train", tr), ("test", te)):
                    for pos, row in enumerate(a):
                        idx.append((label, seed, side, pos, row))
        for shuffle, seed in ((0, 0), (1, 42), (1, 7)):
            cv = StratifiedKFold(5, shuffle=bool(shuffle), random_state=seed if shuffle else None)
            fold = np.full(n, -1)
            for k, (_, te) in enumerate(cv.split(np.zeros(n), y)):
                fold[te] = k
                kfc.append((label, shuffle, seed, k, (y[te] == 0).sum(), (y[te] == 1).sum()))
            for i in range(n):
                kf.append((label, shuffle, seed, i, fold[i]))
    write("split_tt_counts.tsv", ["data", "n", "seed", "train0", "train1", "test0", "test1"], counts)
    write("split_tt_rows.tsv", ["data", "seed", "side", "pos", "row"], idx)
    write("split_kfold.tsv", ["data", "shuffle", "seed", "row", "fold"], kf)
    write("split_kfold_counts.tsv", ["data", "shuffle", "seed", "fold", "n0", "n1"], kfc)


def prep():
    header, rows = market()
    col = {h: i for i, h in enumerate(header)}
    n = len(rows)
    train = np.array([i for i in range(n) if i % 4 != 0])
    shown = list(range(0, n, 13))  # rows whose transformed values are stored
    num = np.array([[float(r[col[c]]) for c in NUMERIC] for r in rows])
    params, vals = [], []
    for name, sc in (("standard", StandardScaler()), ("minmax", MinMaxScaler()), ("robust", RobustScaler())):
        sc.fit(num[train])
        if name == "standard":
            pa = dict(a=sc.mean_, b=sc.scale_)
        elif name == "minmax":
            pa = dict(a=sc.scale_, b=sc.min_)
        else:
            pa = dict(a=sc.center_, b=sc.scale_)
        for j, c in enumerate(NUMERIC):
            for k, v in pa.items():
                params.append((name, c, k, f(v[j])))
        out = sc.transform(num)
        for i in shown:
            for j, c in enumerate(NUMERIC):
                vals.append((name, c, i, f(out[i, j])))

    nominal = ["Тип сервиса", "Разрешить сообщать", "Популярная_категория"]
    strs = np.array([[r[col[c]] for c in nominal] for r in rows], dtype=object)
    # Fit without «Кухонная посуда», so transform meets an unknown category.
    fit_rows = np.array([i for i in train if strs[i, 2] != "Кухонная посуда"])
    cats = []
    for name, drop in (("onehot", None), ("onehot_first", "first")):
        enc = OneHotEncoder(drop=drop, handle_unknown="ignore", sparse_output=False)
        enc.fit(strs[fit_rows])
        names = []
        for j, c in enumerate(nominal):
            kept = list(enc.categories_[j])[1:] if drop else list(enc.categories_[j])
            names += [f"{c}={k}" for k in kept]
            if name == "onehot":
                cats += [(c, k, v) for k, v in enumerate(enc.categories_[j])]
        out = enc.transform(strs)
        assert out.shape[1] == len(names)
        for i in shown + [i for i in range(n) if strs[i, 2] == "Кухонная посуда"][:5]:
            for j, nm in enumerate(names):
                vals.append((name, nm, i, f(out[i, j])))

    # The study's column transformer, on rows with the «стандартт» typo fixed.
    clean = [[("стандарт" if v == "стандартт" else v) for v in r] for r in rows]
    X = np.array(clean, dtype=object)
    for c in NUMERIC:
        X[:, col[c]] = X[:, col[c]].astype(float)
    ct = ColumnTransformer([
        ("nom", OneHotEncoder(drop="first", handle_unknown="ignore", sparse_output=False), [col["Популярная_категория"]]),
        ("ord", Pipeline([("enc", OrdinalEncoder(categories=[["стандарт", "премиум"], ["нет", "да"]])),
                          ("sc", MinMaxScaler())]), [col["Тип сервиса"], col["Разрешить сообщать"]]),
        ("num", StandardScaler(), [col[c] for c in NUMERIC]),
    ])
    ct.fit(X[train])
    out = ct.transform(X)
    oh = ct.named_transformers_["nom"]
    names = [f"Популярная_категория={k}" for k in oh.categories_[0][1:]] + ["Тип сервиса", "Разрешить сообщать"] + NUMERIC
    assert out.shape[1] == len(names)
    for i in shown:
        for j, nm in enumerate(names):
            vals.append(("ct", nm, i, f(out[i, j])))
    oc = [col["Тип сервиса"], col["Разрешить сообщать"]]
    enc = OrdinalEncoder(categories=[["стандарт", "премиум"], ["нет", "да"]]).fit(X[train][:, oc])
    o = enc.transform(X[:, oc])
    for i in shown:
        for j, nm in enumerate(["Тип сервиса", "Разрешить сообщать"]):
            vals.append(("ordinal", nm, i, f(o[i, j])))
    write("prep_params.tsv", ["scaler", "column", "param", "value"], params)
    write("prep_values.tsv", ["block", "column", "row", "value"], vals)
    write("prep_onehot_cats.tsv", ["feature", "k", "category"], cats)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    metrics()
    split()
    prep()
    print("fixtures written to", OUT, file=sys.stderr)
