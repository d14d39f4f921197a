#!/usr/bin/python3
"""Reference numbers for lib/knn and lib/cart from scikit-learn 1.2.

Writes tests/oracle/fixtures/knn_*.tsv and cart_*.tsv from the real
market_file.csv (its eight numeric columns; the target "Снизилась" = 1), rows
in the order of numpy's RandomState(0).permutation, since the file is grouped
by the target.
Run from the repo root: /usr/bin/python3 tests/oracle/knn_tree.py
The real data path is $ONECLICK_REAL or data/raw.

KNN: training rows 0..299 standardised with their own mean and sd, queries
rows 300..399 on the same scale. A query is kept only if, for every config,
its k-th and (k+1)-th exact distances differ by more than 1e-9 relative, so
the neighbour set does not depend on a tie rule. scikit-learn's brute
euclidean search uses the |x|^2 - 2xy + |y|^2 expansion; the script checks
that its probabilities agree with exact distances to 1e-12 before writing.
Zero-distance queries (training rows themselves) are written for p = 1, where
scikit-learn's distances are exact.

CART: the same columns cast to float32 (as scikit-learn does) and written
back as doubles, so the C code sees the very numbers sklearn split on.
Every config is fitted with 30 random_states and must give the same tree
(no two candidate splits tie, so the feature order does not matter), and
every split must lower the impurity (scikit-learn also makes zero-gain
splits, which lib/cart does not).
"""
import csv
import os
import sys

import numpy as np
import sklearn
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier

OUT = "tests/oracle/fixtures"
REAL = os.environ.get("ONECLICK_REAL", "data/raw")
COLS = ["Маркет_актив_6_мес", "Маркет_актив_тек_мес", "Длительность", "Акционные_покупки",
        "Средний_просмотр_категорий_за_визит", "Неоплаченные_продукты_штук_квартал",
        "Ошибка_сервиса", "Страниц_за_визит"]


def load():
    with open(os.path.join(REAL, "market_file.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    X = np.array([[float(r[c]) for c in COLS] for r in rows])
    y = np.array([1 if r["Покупательская активность"] == "Снизилась" else 0 for r in rows])
    # The file is grouped by the target; a seeded shuffle mixes the classes.
    perm = np.random.RandomState(0).permutation(len(y))
    return X[perm], y[perm]


def g(v):
    return "%.17g" % v


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(header) + "\n")
        for r in rows:
            f.write("\t".join(x if isinstance(x, str) else g(x) if isinstance(x, float) else str(x)
                              for x in r) + "\n")


def exact_dist(A, B, p):
    D = A[:, None, :] - B[None, :, :]
    return np.abs(D).sum(axis=2) if p == 1 else np.sqrt((D * D).sum(axis=2))


def knn(X, y):
    tr, q = X[:300], X[300:400]
    mu, sd = tr.mean(axis=0), tr.std(axis=0)
    tr, q = (tr - mu) / sd, (q - mu) / sd
    ytr = y[:300]
    configs = [(k, w, p) for k in (5, 11) for w in ("uniform", "distance") for p in (1, 2)]
    keep = np.ones(len(q), bool)
    for k, _, p in configs:
        d = np.sort(exact_dist(q, tr, p), axis=1)
        keep &= (d[:, k] - d[:, k - 1]) > 1e-9 * d[:, k]
    rows = []
    for k, w, p in configs:
        name = "k%d_%s_p%d" % (k, w, p)
        m = KNeighborsClassifier(n_neighbors=k, weights=w, p=p, algorithm="brute").fit(tr, ytr)
        pr = m.predict_proba(q)[:, 1]
        # The same probabilities from exact distances, summed as sklearn sums.
        D = exact_dist(q, tr, p)
        for i in np.flatnonzero(keep):
            nb = np.argsort(D[i], kind="stable")[:k]
            if w == "uniform":
                wt = np.ones(k)
            elif (D[i, nb] == 0).any():
                wt = (D[i, nb] == 0).astype(float)
            else:
                wt = 1.0 / D[i, nb]
            w0 = w1 = 0.0
            for j in range(k):
                if ytr[nb[j]]:
                    w1 += wt[j]
                else:
                    w0 += wt[j]
            assert abs(w1 / (w0 + w1) - pr[i]) < 1e-12, (name, i, pr[i], w1 / (w0 + w1))
            rows.append((name, int(i), float(pr[i])))
    # Zero distance: the first 20 training rows as queries, distance weights.
    for k, p in ((5, 1), (11, 1)):
        name = "zero_k%d_p%d" % (k, p)
        m = KNeighborsClassifier(n_neighbors=k, weights="distance", p=p, algorithm="brute")
        pr = m.fit(tr, ytr).predict_proba(tr[:20])[:, 1]
        for i in range(20):
            rows.append((name, i, float(pr[i])))
    write("knn_train.tsv", ["x%d" % j for j in range(8)] + ["y"],
          [[float(v) for v in tr[i]] + [int(ytr[i])] for i in range(len(tr))])
    write("knn_query.tsv", ["x%d" % j for j in range(8)], [[float(v) for v in r] for r in q])
    write("knn_proba.tsv", ["config", "row", "proba"], rows)
    print("knn: %d of %d queries free of ties, %d probabilities" % (keep.sum(), len(q), len(rows)))


CART = [
    # name, criterion, max_depth, min_samples_split, min_samples_leaf, balanced, weighted
    ("gini_d3", "gini", 3, 2, 1, 0, 0),
    ("entropy_d3", "entropy", 3, 2, 1, 0, 0),
    ("gini_d4_leaf5_bal", "gini", 4, 2, 5, 1, 0),
    ("gini_leaf30_bal", "gini", 0, 2, 30, 1, 0),
    ("gini_leaf15", "gini", 0, 2, 15, 0, 0),
    ("entropy_leaf30", "entropy", 0, 2, 30, 0, 0),
    ("entropy_leaf20_bal_sw", "entropy", 0, 2, 20, 1, 1),
    ("gini_d5_leaf5_sw", "gini", 5, 2, 5, 0, 1),
    ("entropy_d6_leaf10_sw", "entropy", 6, 2, 10, 0, 1),
    ("gini_d4_split60", "gini", 4, 60, 1, 0, 0),
]


def sk_tree(cfg, X, y, sw, seed):
    name, crit, depth, mss, msl, bal, weighted = cfg
    m = DecisionTreeClassifier(criterion=crit, max_depth=depth or None, min_samples_split=mss,
                               min_samples_leaf=msl, class_weight="balanced" if bal else None,
                               random_state=seed)
    return m.fit(X, y, sample_weight=sw if weighted else None)


def cart(X, y):
    X32 = X.astype(np.float32).astype(np.float64)
    tr, te, ytr = X32[:300], X32[300:600], y[:300]
    rng = np.random.RandomState(7)
    sw = rng.randint(1, 4, size=300).astype(np.float64)
    trees, preds, confs = [], [], []
    for cfg in CART:
        name = cfg[0]
        m = sk_tree(cfg, tr, ytr, sw, 0)
        t = m.tree_
        for seed in range(1, 30):
            u = sk_tree(cfg, tr, ytr, sw, seed).tree_
            same = (u.node_count == t.node_count and np.array_equal(u.feature, t.feature)
                    and np.array_equal(u.threshold, t.threshold))
            assert same, "%s: the tree depends on random_state (tied splits)" % name
        for i in range(t.node_count):
            l, r = t.children_left[i], t.children_right[i]
            if l < 0:
                continue
            wn, wl, wr = (t.weighted_n_node_samples[i], t.weighted_n_node_samples[l],
                          t.weighted_n_node_samples[r])
            gain = t.impurity[i] - wl / wn * t.impurity[l] - wr / wn * t.impurity[r]
            assert gain > 1e-12, "%s: node %d splits with gain %g" % (name, i, gain)
        for i in range(t.node_count):
            v = t.value[i][0]
            feat = int(t.feature[i]) if t.children_left[i] >= 0 else -1
            thr = float(t.threshold[i]) if feat >= 0 else 0.0
            trees.append((name, i, int(t.children_left[i]), int(t.children_right[i]), feat, thr,
                          float(v[1] / (v[0] + v[1])), float(t.weighted_n_node_samples[i])))
        pr = m.predict_proba(te)[:, 1]
        preds += [(name, i, float(pr[i])) for i in range(len(te))]
        confs.append(cfg + (int(t.node_count), int(m.get_depth()), int(m.get_n_leaves())))
    write("cart_train.tsv", ["x%d" % j for j in range(8)] + ["y", "w"],
          [[float(v) for v in tr[i]] + [int(ytr[i]), float(sw[i])] for i in range(len(tr))])
    write("cart_test.tsv", ["x%d" % j for j in range(8)], [[float(v) for v in r] for r in te])
    write("cart_configs.tsv", ["config", "criterion", "max_depth", "min_samples_split",
                               "min_samples_leaf", "balanced", "weighted", "n_nodes", "depth",
                               "n_leaves"], confs)
    write("cart_trees.tsv", ["config", "node", "left", "right", "feature", "threshold", "value",
                             "cover"], trees)
    write("cart_pred.tsv", ["config", "row", "proba"], preds)
    print("cart: %s" % ", ".join("%s %d nodes" % (c[0], c[7]) for c in confs))


def main():
    assert sklearn.__version__.startswith("1.2"), sklearn.__version__
    os.makedirs(OUT, exist_ok=True)
    X, y = load()
    knn(X, y)
    cart(X, y)
    return 0


if __name__ == "__main__":
    sys.exit(main())
