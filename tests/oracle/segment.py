"""Reference numbers for tests/unit/test_segment.c (scikit-learn 1.2, scipy 1.10).

segment_oof.tsv: a small two-feature table, which rows are training rows, and
  the probability each row gets from a model that did not see it: training
  rows cross_val_predict(Pipeline(StandardScaler, KNN(5)), X_train, y_train,
  cv=StratifiedKFold(3), method="predict_proba"), in table order; test rows
  the same pipeline fitted on every training row.
segment_profile_data.tsv: group (1 segment, 2 reference, 0 neither), a number
  x, a nominal c, an ordinal o (lo < hi).
segment_profile.tsv: key<TAB>value: means, sd (ddof 1), pooled SMD, Welch's
  t (ttest_ind equal_var=False), chi2_contingency (Yates on 2x2), Holm
  (statsmodels' rule, written out) over the three p-values.
Run: /usr/bin/python3 tests/oracle/segment.py
"""
import numpy as np
from scipy import stats
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

FIX = "tests/oracle/fixtures/"
rng = np.random.RandomState(7)

# ---- out-of-fold probabilities
n = 60
X = np.column_stack([rng.normal(0, 1, n), rng.normal(10, 3, n)])
y = ((X[:, 0] + 0.2 * (X[:, 1] - 10) + rng.normal(0, 0.8, n)) > 0).astype(int)
is_train = np.ones(n, dtype=int)
is_train[rng.choice(n, 15, replace=False)] = 0
tr = np.where(is_train == 1)[0]
te = np.where(is_train == 0)[0]
pipe = Pipeline([("prep", StandardScaler()), ("model", KNeighborsClassifier(n_neighbors=5))])
prob = np.full(n, np.nan)
prob[tr] = cross_val_predict(pipe, X[tr], y[tr], cv=StratifiedKFold(3), method="predict_proba")[:, 1]
prob[te] = pipe.fit(X[tr], y[tr]).predict_proba(X[te])[:, 1]
insample = pipe.predict_proba(X[tr])[:, 1]
with open(FIX + "segment_oof.tsv", "w") as f:
    f.write("id\tx1\tx2\ty\tis_train\tprob\tinsample\n")
    k = 0
    for i in range(n):
        ins = ""
        if is_train[i]:
            ins = "%.17g" % insample[k]
            k += 1
        f.write("c%d\t%.17g\t%.17g\t%d\t%d\t%.17g\t%s\n" % (i, X[i, 0], X[i, 1], y[i], is_train[i], prob[i], ins))

# ---- profile
m = 50
group = rng.choice([0, 1, 2], m, p=[0.2, 0.35, 0.45])
x = np.round(rng.normal(5, 2, m) + (group == 1) * 1.5, 3)
c = rng.choice(["b", "a", "c"], m)
o = np.where(rng.uniform(size=m) < 0.3 + 0.3 * (group == 1), "hi", "lo")
with open(FIX + "segment_profile_data.tsv", "w") as f:
    f.write("group\tx\tc\to\n")
    for i in range(m):
        f.write("%d\t%.17g\t%s\t%s\n" % (group[i], x[i], c[i], o[i]))
a, b = x[group == 1], x[group == 2]
out = {}
out["x.segment"], out["x.reference"] = a.mean(), b.mean()
out["x.segment_sd"], out["x.reference_sd"] = a.std(ddof=1), b.std(ddof=1)
sp = np.sqrt(((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2))
out["x.smd"] = (a.mean() - b.mean()) / sp
t = stats.ttest_ind(a, b, equal_var=False)
out["x.stat"], out["x.p"] = t.statistic, t.pvalue
va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
out["x.df"] = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
ps = [t.pvalue]
for name, col, levels in (("c", c, ["a", "b", "c"]), ("o", o, ["lo", "hi"])):
    O = np.array([[np.sum((group == g) & (col == l)) for l in levels] for g in (1, 2)])
    chi, p, dof, _ = stats.chi2_contingency(O)
    out[name + ".stat"], out[name + ".p"], out[name + ".df"] = chi, p, dof
    for l, cnt in zip(levels, O[0]):
        out["%s=%s.segment" % (name, l)] = cnt / O[0].sum()
    for l, cnt in zip(levels, O[1]):
        out["%s=%s.reference" % (name, l)] = cnt / O[1].sum()
    ps.append(p)
order = np.argsort(ps)
adj = np.empty(3)
run = 0.0
for j, k in enumerate(order):
    run = max(run, min(1.0, (3 - j) * ps[k]))
    adj[k] = run
out["x.p_holm"], out["c.p_holm"], out["o.p_holm"] = adj
with open(FIX + "segment_profile.tsv", "w") as f:
    for k, v in out.items():
        f.write("%s\t%.17g\n" % (k, v))
