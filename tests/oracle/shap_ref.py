#!/usr/bin/python3
"""Reference Shapley values for a scikit-learn decision tree.

Fits a DecisionTreeClassifier (sklearn 1.2) with balanced class weights, so
covers are fractional weights, exports it in lib/models/tree.h's layout (value =
P(y=1) at the node, cover = weighted_n_node_samples, leaves with feature -1),
and computes the Shapley values of the path-dependent game (cover-weighted
conditional expectation) and of the interventional game (mean over a
background of f(x_S, z_~S)) by brute force over all coalitions, independently
of the C code. Writes tests/oracle/fixtures/shap_{tree,rows,expected}.tsv.

Run from the repo root: /usr/bin/python3 tests/oracle/shap_ref.py
"""
import itertools
import math
import os

import numpy as np
from sklearn.tree import DecisionTreeClassifier

OUT = "tests/oracle/fixtures"
P = 5


def main():
    rng = np.random.RandomState(2024)
    n = 600
    # Quarter steps: exact in float32 (sklearn splits on float32 copies), and
    # ties with thresholds happen.
    X = rng.randint(-8, 9, size=(n, P)).astype(np.float64) / 4.0
    logit = 1.2 * X[:, 0] * X[:, 1] - 0.8 * X[:, 2] + np.sin(2 * X[:, 3]) - 0.5
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    clf = DecisionTreeClassifier(max_depth=5, min_samples_leaf=8, class_weight="balanced", random_state=0)
    clf.fit(X, y)
    t = clf.tree_
    nn = t.node_count
    left = t.children_left.copy()
    right = t.children_right.copy()
    feature = np.where(left == -1, -1, t.feature)
    threshold = np.where(left == -1, 0.0, t.threshold)
    counts = t.value[:, 0, :]
    value = counts[:, 1] / counts.sum(axis=1)
    cover = t.weighted_n_node_samples.copy()

    def f(x):
        i = 0
        while left[i] != -1:
            i = left[i] if x[feature[i]] <= threshold[i] else right[i]
        return value[i]

    # The export predicts what sklearn predicts.
    proba = clf.predict_proba(X)[:, 1]
    assert max(abs(proba[i] - f(X[i])) for i in range(n)) < 1e-12

    def pd_value(node, x, S):
        if left[node] == -1:
            return value[node]
        j = feature[node]
        if j in S:
            return pd_value(left[node] if x[j] <= threshold[node] else right[node], x, S)
        w = cover[node]
        return (cover[left[node]] / w * pd_value(left[node], x, S)
                + cover[right[node]] / w * pd_value(right[node], x, S))

    def shapley(v):
        phi = []
        for i in range(P):
            others = [j for j in range(P) if j != i]
            s = 0.0
            for k in range(P):
                w = math.factorial(k) * math.factorial(P - k - 1) / math.factorial(P)
                for S in itertools.combinations(others, k):
                    s += w * (v(frozenset(S) | {i}) - v(frozenset(S)))
            phi.append(s)
        return phi

    Xe = X[rng.choice(n, 12, replace=False)]
    B = X[rng.choice(n, 10, replace=False)]
    bw = rng.uniform(0.5, 2.0, size=10)

    def iv_value(x, S):
        tot = 0.0
        for z, w in zip(B, bw):
            row = [x[j] if j in S else z[j] for j in range(P)]
            tot += w * f(row)
        return tot / bw.sum()

    base_pd = pd_value(0, Xe[0], frozenset())
    base_iv = iv_value(Xe[0], frozenset())

    with open(os.path.join(OUT, "shap_tree.tsv"), "w") as fp:
        fp.write("node\tleft\tright\tfeature\tthreshold\tvalue\tcover\n")
        for i in range(nn):
            fp.write("%d\t%d\t%d\t%d\t%r\t%r\t%r\n" % (i, left[i], right[i], feature[i],
                                                       float(threshold[i]), float(value[i]), float(cover[i])))
    with open(os.path.join(OUT, "shap_rows.tsv"), "w") as fp:
        fp.write("set\tweight\t" + "\t".join("x%d" % j for j in range(P)) + "\n")
        for x in Xe:
            fp.write("explain\t1\t" + "\t".join(repr(float(v)) for v in x) + "\n")
        for z, w in zip(B, bw):
            fp.write("background\t%r\t" % float(w) + "\t".join(repr(float(v)) for v in z) + "\n")
    with open(os.path.join(OUT, "shap_expected.tsv"), "w") as fp:
        fp.write("game\trow\tbase\tfx\t" + "\t".join("phi%d" % j for j in range(P)) + "\n")
        for r, x in enumerate(Xe):
            phi = shapley(lambda S: pd_value(0, x, S))
            fp.write("path\t%d\t%r\t%r\t" % (r, base_pd, float(f(x))) + "\t".join(repr(v) for v in phi) + "\n")
        for r, x in enumerate(Xe):
            phi = shapley(lambda S: iv_value(x, S))
            fp.write("interventional\t%d\t%r\t%r\t" % (r, base_iv, float(f(x)))
                     + "\t".join(repr(v) for v in phi) + "\n")
    print("tree: %d nodes, depth %d" % (nn, clf.get_depth()))


if __name__ == "__main__":
    main()
