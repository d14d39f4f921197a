/* phik: the phi_K correlation coefficient (Baak et al. 2020) and its
 * significance, computed as the `phik` Python package 0.12 computes them with
 * its defaults; tests/oracle/phik-reference.md is the specification.
 *
 * Columns enter as integer level codes (-1 = missing), made by
 * phik_bin_interval (numbers: 10 uniform bins) or phik_levels_from_strings /
 * phik_levels_from_numbers (categorical). A pair builds its contingency table
 * from the records where both codes are present (pairwise deletion) and the
 * levels that occur there; phi_K is the correlation rho of a bivariate normal
 * whose discretized chi-square (plus the noise pedestal) equals the table's
 * Pearson chi-square. Work per pair is O(n) in rows plus O(r c) per root
 * iteration, independent of n.
 *
 * Significance: phik's default method "hybrid" simulates tables with numpy's
 * global RNG, unseeded, so its Z is not reproducible; we implement the
 * deterministic "asymptotic" method (G statistic, chi2.sf, Z = -Phi^-1(p)). */
#ifndef OC_PHIK_H
#define OC_PHIK_H

#include <stddef.h>

#include "core/err.h"

/* phik's default number of uniform bins for an interval column. */
#define PHIK_DEFAULT_BINS 10

/* The nbins + 1 bin edges of x (NaN skipped) as numpy's linspace makes them
 * from start = min - max(1e-14 |min|, DBL_MIN) to max: edge[k] = k step +
 * start, edge[nbins] = max exactly. Returns 1 when edges exist, 0 when x has
 * fewer than 2 distinct values (phik drops such a column). */
int phik_bin_edges(const double *x, size_t n, int nbins, double *edges);

/* Bin an interval column: codes[i] = k - 1 for edge[k-1] < x <= edge[k]
 * (numpy searchsorted "left"), -1 for NaN. *nlevels = nbins, the range of
 * codes (empty bins simply never occur). When x has fewer than 2 distinct
 * values there are no bins: every code is -1 and *nlevels = 0, meaning the
 * column is dropped. O(n log nbins). */
int phik_bin_interval(const double *x, size_t n, int nbins, int *codes, int *nlevels, struct err *e);

/* Categorical levels of strings: one code per distinct string, numbered in
 * byte-wise (strcmp) order; NULL -> -1. *nlevels = number of distinct
 * strings; phik (dropna=True) drops a categorical column with *nlevels <= 1
 * from its matrix, which is the caller's call. O(n log n). */
int phik_levels_from_strings(const char *const *s, size_t n, int *codes, int *nlevels, struct err *e);

/* Categorical levels of numbers (numeric codes treated as categories): one
 * code per distinct value in ascending order; NaN -> -1. O(n log n). */
int phik_levels_from_numbers(const double *x, size_t n, int *codes, int *nlevels, struct err *e);

/* The contingency table of a pair: *O is malloc'ed row-major r x c counts
 * over the records where a[i] >= 0 and b[i] >= 0, rows = levels of a that
 * occur there in code order, columns likewise for b (so no row or column is
 * empty). r or c may be 0 or 1. Codes must be < INT_MAX; memory is O(max
 * code + r c). The caller frees *O. */
int phik_table(const int *a, const int *b, size_t n, double **O, size_t *r, size_t *c, struct err *e);

/* phi_K of an r x c table of counts (row-major). NaN when r <= 1 or c <= 1
 * or the table is empty. Empty rows and columns are removed before the
 * chi-square, but r, c of the full table set the grid, chi2_max and the
 * pedestal (which loses one per cell with E = 0), as in phik. With
 * noise_correction = 0 the pedestal is 0. Result in [0, 1]: exactly 0 when
 * chi2 <= pedestal, exactly 1 when chi2 >= chi2_max, else Brent's root with
 * xtol 1e-5 (scipy brentq). ERR_DATA for a negative or non-finite cell,
 * ERR_NUM if the root does not converge in 100 iterations. */
int phik_from_table(const double *O, size_t r, size_t c, int noise_correction, double *phik, struct err *e);

/* phi_K of a pair of coded columns (phik_table + phik_from_table). 1.0 when
 * a == b (the same array: the matrix diagonal). */
int phik_pair(const int *a, const int *b, size_t n, int noise_correction, double *phik, struct err *e);

/* Significance Z of the table ("asymptotic"): G = 2 sum O ln(O/E) with
 * Yates' correction for 2 x 2, p = chi2.sf(G, (r-1)(c-1)), Z = -Phi^-1(p)
 * (negative when p > 0.5). When p underflows to 0 the Chernoff bound is used:
 * z = G/ndof, u = -ln(2 pi) - ndof ln z + ndof (z - 1), Z = sqrt(u - ln u).
 * NaN for a table with <= 1 row or column. Empty rows and columns are
 * removed first. */
int phik_significance_from_table(const double *O, size_t r, size_t c, double *z, struct err *e);

/* Significance Z of a pair of coded columns. */
int phik_significance(const int *a, const int *b, size_t n, double *z, struct err *e);

/* The p x p phi_K matrix (row-major, symmetric, diagonal 1) of p coded
 * columns cols[0..p) of n rows each; NaN where a pair's table has <= 1 row
 * or column. Columns phik would drop (nlevels 0) are the caller's to leave
 * out. */
int phik_matrix(const int *const *cols, size_t p, size_t n, int noise_correction, double *out, struct err *e);

/* The p x p significance matrix, same layout; the diagonal is NaN (a column
 * against itself is not a test). */
int phik_significance_matrix(const int *const *cols, size_t p, size_t n, double *out, struct err *e);

#endif
