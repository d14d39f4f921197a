#!/usr/bin/python3
"""Reference numbers for the evaluate stage (scikit-learn 1.2, scipy 1.10).

Run from the repo root:  /usr/bin/python3 tests/oracle/evaluate.py
Writes tests/oracle/fixtures/evaluate_scores.tsv, a scores file shaped as
train writes it (id, y, best, knn, tree, logreg, svc), and what evaluate must
make of it with calibration_bins = 10 and gains_groups = 10:
  evaluate_expected.tsv  rule, model, key, value (rule "any" = rule-free keys)
  evaluate_roc.tsv       sklearn roc_curve (drop_intermediate=True)
  evaluate_pr.tsv        sklearn precision_recall_curve
  evaluate_calib.tsv     sklearn calibration_curve(strategy="uniform")
  evaluate_gains.tsv     deciles by np.array_split of a stable descending sort
The scores mimic the families: k-NN probabilities are multiples of 1/15, tree
leaves are few values including 0 and 1, logistic and SVC scores are smooth.
Floats are written with repr(), the shortest string that reads back exactly.
"""

import numpy as np
import scipy.stats
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import (average_precision_score, brier_score_loss, log_loss,
                             precision_recall_curve, roc_auc_score, roc_curve)
from fixio import OUT, f, write
from fixio import delong as fixio_delong

assert sklearn.__version__.startswith("1.2"), sklearn.__version__

BINS = 10
GROUPS = 10
LEVEL = 0.95


def make_scores():
    rs = np.random.RandomState(20240604)
    n = 325
    y = (rs.rand(n) < 0.38).astype(int)
    z = 1.6 * (y - 0.38)
    logreg = 1 / (1 + np.exp(-(z * 1.2 - 0.4 + 1.3 * rs.randn(n))))
    svc = 1 / (1 + np.exp(-(z * 1.0 - 0.5 + 1.3 * rs.randn(n))))
    knn = np.clip(np.round((0.38 + 0.3 * z + 0.3 * rs.randn(n)) * 15), 0, 15) / 15
    leaves = np.array([0.0, 0.08, 0.21, 0.5, 0.64, 0.9, 1.0])
    tree = leaves[np.clip(np.round(3 + 1.8 * z + 1.5 * rs.randn(n)).astype(int), 0, 6)]
    ids = np.arange(215349, 215349 + n)
    return ids, y, {"best": logreg.copy(), "knn": knn, "tree": tree, "logreg": logreg, "svc": svc}


def delong(y, s, level):
    auc, var, se, lo, hi = fixio_delong(y, s, level)
    return auc, se, lo, hi


def at(y, s, t):
    """accuracy, precision, recall, F1 with positives at s >= t (0 when undefined)."""
    p = s >= t
    tp = int(np.sum(p & (y == 1)))
    fp = int(np.sum(p & (y == 0)))
    fn = int(np.sum(~p & (y == 1)))
    tn = int(np.sum(~p & (y == 0)))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return (tp + tn) / len(y), prec, rec, f1, (tn, fp, fn, tp)


def youden(y, s):
    fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
    k = int(np.argmax(tpr - fpr))
    return thr[k], tpr[k] - fpr[k]


def max_f1(y, s):
    prec, rec, thr = precision_recall_curve(y, s)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(prec + rec > 0, 2 * prec * rec / (prec + rec), 0.0)
    k = int(np.argmax(f1[:-1]))
    return thr[k], f1[k]


def main():
    ids, y, models = make_scores()
    names = list(models)
    write("evaluate_scores.tsv", ["id", "y"] + names,
          [[str(ids[i]), str(y[i])] + [f(models[m][i]) for m in names] for i in range(len(y))])
    exp, roc, pr, cal, gains = [], [], [], [], []
    for m in names:
        s = models[m]
        auc, se, lo, hi = delong(y, s, LEVEL)
        assert abs(auc - roc_auc_score(y, s)) < 1e-12
        base = {"n": len(y), "n_pos": int(y.sum()), "roc_auc": roc_auc_score(y, s), "ci_low": lo,
                "ci_high": hi, "roc_auc_se": se, "average_precision": average_precision_score(y, s),
                "log_loss": log_loss(y, s, eps=1e-15), "brier": brier_score_loss(y, s)}
        a, p, r, f1, _ = at(y, s, 0.5)
        base.update({"accuracy_05": a, "precision_05": p, "recall_05": r, "f1_05": f1})
        exp += [("any", m, k, f(v)) for k, v in base.items()]
        for rule, pick in (("youden", youden), ("max_f1", max_f1)):
            t, v = pick(y, s)
            a, p, r, f1, cm = at(y, s, t)
            vals = {"threshold": t, "threshold_score": v, "accuracy": a, "precision": p, "recall": r, "f1": f1}
            vals.update(zip(("tn", "fp", "fn", "tp"), cm))
            exp += [(rule, m, k, f(v)) for k, v in vals.items()]
        fpr, tpr, thr = roc_curve(y, s)
        roc += [(m, f(fpr[i]), f(tpr[i]), f(thr[i])) for i in range(len(fpr))]
        prec, rec, thr = precision_recall_curve(y, s)
        pr += [(m, f(rec[i]), f(prec[i]), f(thr[i]) if i < len(thr) else "") for i in range(len(prec))]
        ptrue, ppred = calibration_curve(y, s, n_bins=BINS, strategy="uniform")
        cal += [(m, f(ppred[i]), f(ptrue[i])) for i in range(len(ptrue))]
        order = np.argsort(-s, kind="stable")
        cum = 0
        for g, part in enumerate(np.array_split(order, GROUPS)):
            cum += int(y[part].sum())
            frac = sum(len(q) for q in np.array_split(order, GROUPS)[:g + 1]) / len(y)
            gains.append((m, g + 1, len(part), int(y[part].sum()), f(cum / y.sum()), f(cum / y.sum() / frac),
                          f(y[part].mean() / y.mean())))
    write("evaluate_expected.tsv", ["rule", "model", "key", "value"], exp)
    write("evaluate_roc.tsv", ["model", "fpr", "tpr", "threshold"], roc)
    write("evaluate_pr.tsv", ["model", "recall", "precision", "threshold"], pr)
    write("evaluate_calib.tsv", ["model", "mean_pred", "frac_pos"], cal)
    write("evaluate_gains.tsv", ["model", "group", "n", "n_pos", "cum_gain", "cum_lift", "lift"], gains)


if __name__ == "__main__":
    main()
