/* stats: descriptive statistics and the classical tests the exploration
 * stage reports, on plain double arrays where NaN means missing.
 *
 * Semantics follow the Python tools the notebooks used, so that results can
 * be checked against them: pandas' describe()/skew() (std with ddof = 1,
 * numpy's "linear" quantiles, bias-corrected G1 skewness), scipy's
 * ttest_ind(equal_var=False) and chi2_contingency, statsmodels' Holm. */
#ifndef OC_STATS_H
#define OC_STATS_H

#include <stddef.h>

#include "core/err.h"

struct stats_summary {
    size_t count;    /* non-NaN values */
    size_t missing;  /* NaN values */
    double mean;     /* NaN when count = 0 */
    double std;      /* sample standard deviation (ddof = 1); NaN when count < 2 */
    double min, q25, median, q75, max; /* numpy linear interpolation; NaN when count = 0 */
    double skew;     /* pandas' G1 = n sqrt(n-1)/(n-2) m3/m2^1.5; NaN when count < 3, 0 for constant data */
    size_t outliers; /* values outside [q25 - 1.5 IQR, q75 + 1.5 IQR] */
};

/* Over the non-NaN values of x[0..n), in order: their sum (and *count), and
 * the sum of their squared deviations from mean (and *dev, the sum of the
 * deviations themselves: scikit-learn's rounding correction). */
double stats_nan_sum(const double *x, size_t n, size_t *count);
double stats_nan_ss(const double *x, size_t n, double mean, double *dev);

/* qsort's ascending order of doubles (without NaN). */
int stats_cmp_double(const void *a, const void *b);

/* scipy's expit 1 / (1 + exp(-t)), from whichever side keeps exp() from
 * overflowing. */
double stats_expit(double t);

/* Summary of x[0..n) skipping NaN. O(n log n) (one sort of a copy). */
int stats_describe(const double *x, size_t n, struct stats_summary *s, struct err *e);

/* numpy.quantile(method="linear") of an ascending array without NaN:
 * h = (n-1) q, lerp between sorted[floor h] and the next, with numpy's lerp
 * (from the upper end when the fraction is >= 0.5). NaN when n = 0. */
double stats_quantile_sorted(const double *sorted, size_t n, double q);
/* The same without sorting: v (no NaN) is reordered in place, in O(n) on
 * average. stats_select: the k-th smallest (0-based, k < n) of v[0..n). */
double stats_quantile_select(double *v, size_t n, double q);
double stats_select(double *v, size_t n, size_t k);

/* Standardized mean difference (mean_x - mean_y) / s_pooled, with
 * s_pooled^2 = ((nx-1) var_x + (ny-1) var_y) / (nx + ny - 2), ddof = 1,
 * NaN skipped in each group. NaN when either group has < 2 values or the
 * pooled sd is 0. */
int stats_smd(const double *x, size_t nx, const double *y, size_t ny, double *smd, struct err *e);

struct stats_ttest {
    double t;  /* (mean_x - mean_y) / sqrt(var_x/nx + var_y/ny) */
    double df; /* Welch-Satterthwaite */
    double p;  /* two-sided, 2 * t_df.sf(|t|) */
};

/* Welch's unequal-variance t-test, scipy.stats.ttest_ind(x, y,
 * equal_var=False, nan_policy="omit"). All fields NaN when a group has < 2
 * values or both variances are 0. */
int stats_welch_ttest(const double *x, size_t nx, const double *y, size_t ny, struct stats_ttest *res,
                      struct err *e);

enum stats_chi2_lambda {
    STATS_CHI2_PEARSON, /* sum (O - E)^2 / E */
    STATS_CHI2_LOGLIK   /* G = 2 sum O ln(O / E), zero cells contribute 0 */
};

struct stats_chi2 {
    double stat;
    size_t dof; /* (r - 1)(c - 1) */
    double p;   /* chi2.sf(stat, dof); 1 when dof = 0 */
};

/* Test of independence on an r x c table O (row-major counts, >= 0),
 * scipy.stats.chi2_contingency(O, correction, lambda_): E = R_i C_j / n;
 * with `correction` and dof = 1 (2 x 2), Yates: each O moves toward E by
 * min(0.5, |O - E|). ERR_DATA when some expected count is 0 (an empty row
 * or column) or a cell is negative or not finite, as scipy refuses those. */
int stats_chi2_contingency(const double *O, size_t r, size_t c, int correction, enum stats_chi2_lambda lambda,
                           struct stats_chi2 *res, struct err *e);

/* Holm's step-down adjustment (statsmodels multipletests "holm"):
 * sort ascending, adj_(i) = max_{j <= i} min(1, (m - j) p_(j)) (0-based j),
 * returned in the input order. NaN entries stay NaN and are not counted in
 * m. adj may equal p. ERR_DATA for a value outside [0, 1]. */
int stats_holm(const double *p, size_t m, double *adj, struct err *e);

#endif
