"""What the oracle scripts share: where fixtures go and how they are written
(tab-separated, a header row, `\\n` line ends; floats by repr(), the shortest
string that reads back exactly), and DeLong's AUC interval by definition."""
import os

import numpy as np
import scipy.stats

OUT = "tests/oracle/fixtures"


def f(x):
    return repr(float(x))


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\t".join(header) + "\n")
        for r in rows:
            fh.write("\t".join(str(v) for v in r) + "\n")


def delong(y, s, level=0.95):
    """DeLong from its definition, O(n1 n0), independent of the C midranks:
    the AUC, its variance and standard error, and the CI's ends at level."""
    pos, neg = s[y == 1], s[y == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    auc = psi.mean()
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    var = v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg)
    z = scipy.stats.norm.ppf(0.5 + level / 2)
    se = np.sqrt(var)
    return auc, var, se, max(0.0, auc - z * se), min(1.0, auc + z * se)
