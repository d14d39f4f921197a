/* corr: linear and rank correlation matrices and variance inflation factors
 * of the numeric columns.
 *
 * Layout: p columns given as an array of p pointers to n doubles each
 * (NaN = missing), the way struct table keeps its numeric columns; results
 * are p x p row-major matrices or p-vectors. */
#ifndef OC_CORR_H
#define OC_CORR_H

#include <stddef.h>

#include "core/err.h"

/* Average ranks (1-based, ties get the mean of their positions, as
 * scipy.stats.rankdata "average") of the non-NaN values of x; NaN stays NaN.
 * O(n log n). */
int corr_rank(const double *x, size_t n, double *ranks, struct err *e);

/* Pearson correlation of every pair over its pairwise-complete rows (rows
 * where both values are present; pandas DataFrame.corr semantics). NaN when
 * a pair has < 2 such rows or one side is constant on them; the diagonal is
 * 1 except for such columns. O(p^2 n). */
int corr_pearson(const double *const *cols, size_t p, size_t n, double *out, struct err *e);

/* Spearman correlation: for each pair, the pairwise-complete rows are ranked
 * afresh (average ranks for ties) and the Pearson correlation of the ranks
 * is taken, i.e. scipy.stats.spearmanr(x[ok], y[ok]) for ok = both present.
 * Each column is sorted and ranked once; a pair costs O(n) (re-ranking
 * only when its partner has missing values). O(p n log n + p^2 n) time,
 * O(p n) extra memory (16 bytes per cell). */
int corr_spearman(const double *const *cols, size_t p, size_t n, double *out, struct err *e);

/* Variance inflation factor of every column: regress it, with an
 * intercept, on the other p - 1 columns (gsl_multifit_linear), VIF_j =
 * 1 / (1 - R_j^2) = TSS_j / SSE_j, over the rows where all p columns are
 * present (*nused gets their count; may be NULL). A column that is an exact
 * linear combination of the others (or constant) gets +INFINITY: we report
 * +inf whenever SSE_j <= 1e-13 TSS_j, i.e. VIF >= 1e13, where rounding
 * cannot tell near from exact collinearity. p = 1 gives VIF 1.
 * The regression depends on the data only through X'X of the centered
 * columns, so X is reduced once to its p x p QR factor R (Householder,
 * O(n p^2)) and each of the p fits runs on R: O(n p^2 + p^4), O(n p) memory.
 * ERR_DATA when fewer than p + 1 complete rows remain. */
int corr_vif(const double *const *cols, size_t p, size_t n, double *vif, size_t *nused, struct err *e);

#endif
