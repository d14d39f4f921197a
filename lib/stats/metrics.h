/* metrics: how well a binary classifier separates, ranks and is calibrated.
 *
 * Every function takes labels y[i] in {0,1} (1 = the positive class) and
 * scores s[i] = the model's P(y=1) (any finite real for the ranking metrics).
 * The definitions follow scikit-learn 1.2 so that numbers can be checked
 * against it (tests/oracle/metrics_prep.py):
 *
 * - ROC-AUC is the Mann–Whitney U statistic with average ranks for ties,
 *   U / (n1 n0); it equals sklearn roc_auc_score (trapezoids over the curve)
 *   to rounding, and is the exact rational value rounded once.
 * - Its confidence interval is DeLong's, computed with the O(n log n) midrank
 *   algorithm of Sun & Xu (2014): var = S10/n1 + S01/n0 with unbiased
 *   (n-1) structural-component variances; the normal interval is clipped
 *   to [0, 1].
 * - roc_curve / precision_recall_curve / average_precision_score /
 *   calibration_curve(strategy="uniform") follow sklearn 1.2 exactly,
 *   including sklearn 1.2's first ROC threshold max(score) + 1 (sklearn 1.3
 *   uses +inf there).
 * - A prediction at threshold t is positive when s >= t (as in roc_curve).
 * - Undefined ratios (precision with no predicted positive, F1 with P+R = 0)
 *   are 0, like sklearn's zero_division default (which also warns).
 *
 * Errors: ERR_DATA when a label is not 0/1, a score is not finite, n is 0, or
 * a metric needs both classes and one is absent; ERR_NOMEM. */
#ifndef OC_METRICS_H
#define OC_METRICS_H

#include <stddef.h>

#include "core/err.h"

/* ---- ranking ---------------------------------------------------------- */

int metrics_roc_auc(const int *y, const double *s, size_t n, double *auc, struct err *e);

struct metrics_auc_ci {
    double auc;
    double var;   /* DeLong variance of the AUC estimate */
    double se;    /* sqrt(var) */
    double level; /* e.g. 0.95 */
    double lo, hi;
};

/* DeLong interval at `level` (0 < level < 1, usually 0.95). Needs at least
 * 2 positives and 2 negatives (the variances divide by n-1). */
int metrics_roc_auc_delong(const int *y, const double *s, size_t n, double level,
                           struct metrics_auc_ci *out, struct err *e);

/* Two models' AUCs on the same rows compared: DeLong's paired test (the
 * covariance of the two estimates from their structural components). */
struct metrics_auc_diff {
    double auc1, auc2, diff; /* diff = auc1 - auc2 */
    double se;               /* of diff */
    double z, p;             /* diff / se; two-sided p-value (1 when both agree on every pair) */
};
int metrics_delong_paired(const int *y, const double *s1, const double *s2, size_t n, struct metrics_auc_diff *out,
                          struct err *e);

/* ROC curve, points in order of decreasing threshold; fpr[0] = tpr[0] = 0 at
 * thresholds[0] = max(s) + 1. drop_intermediate != 0 removes collinear points
 * as sklearn's roc_curve(drop_intermediate=True) does (its default); 0 keeps
 * one point per distinct score. */
struct metrics_roc {
    size_t n;
    double *fpr, *tpr, *thresholds;
};
int metrics_roc_curve(const int *y, const double *s, size_t n, int drop_intermediate,
                      struct metrics_roc **out, struct err *e);
void metrics_roc_free(struct metrics_roc *r);

/* Precision-recall curve as sklearn 1.2 returns it: thresholds increase
 * (one per distinct score, nthr = n - 1), precision/recall have n points,
 * the last being (precision 1, recall 0) without a threshold. Needs at least
 * one positive. */
struct metrics_pr {
    size_t n;
    double *precision, *recall, *thresholds;
};
int metrics_pr_curve(const int *y, const double *s, size_t n, struct metrics_pr **out, struct err *e);
void metrics_pr_free(struct metrics_pr *p);

/* sklearn's step-wise average precision: sum_k (R_k - R_{k-1}) P_k. */
int metrics_average_precision(const int *y, const double *s, size_t n, double *ap, struct err *e);

/* ---- a fixed threshold ------------------------------------------------ */

struct metrics_confusion {
    size_t tn, fp, fn, tp;
};
int metrics_confusion_at(const int *y, const double *s, size_t n, double t,
                         struct metrics_confusion *cm, struct err *e);
double metrics_accuracy(const struct metrics_confusion *cm);
double metrics_precision(const struct metrics_confusion *cm);
double metrics_recall(const struct metrics_confusion *cm);
double metrics_f1(const struct metrics_confusion *cm);

/* Threshold rules. index is into the ROC curve (drop_intermediate = 0) for
 * Youden and into the PR curve for F1; ties go to the first maximum of the
 * sklearn-ordered arrays, as np.argmax would pick (Youden: the highest
 * threshold among ties; F1: the lowest). */
struct metrics_threshold {
    double threshold;
    double value;  /* J = tpr - fpr, or F1 */
    double a, b;   /* Youden: tpr, fpr;  F1: precision, recall */
    size_t index;
};
int metrics_threshold_youden(const int *y, const double *s, size_t n,
                             struct metrics_threshold *out, struct err *e);
int metrics_threshold_max_f1(const int *y, const double *s, size_t n,
                             struct metrics_threshold *out, struct err *e);

/* ---- probabilities ---------------------------------------------------- */

/* Mean cross-entropy with p clipped to [eps, 1 - eps] (sklearn log_loss; the
 * study uses eps = 1e-15). p must lie in [0, 1]. */
int metrics_log_loss(const int *y, const double *p, size_t n, double eps, double *out, struct err *e);
/* Mean squared error of p against y (sklearn brier_score_loss). */
int metrics_brier(const int *y, const double *p, size_t n, double *out, struct err *e);

/* Uniform calibration bins over [0, 1] as sklearn calibration_curve
 * (strategy "uniform"): bin k holds lo < p <= hi (bin 0 also p = 0, the
 * last also p = 1, edges k/nbins). Unlike sklearn, empty bins are kept
 * (count 0, mean_pred and frac_pos NaN) so that the table always has nbins
 * rows; sklearn's arrays are the rows with count > 0. */
struct metrics_calib_bin {
    double lo, hi;
    double mean_pred; /* mean p in the bin */
    double frac_pos;  /* fraction of y = 1 in the bin */
    size_t count;
};
int metrics_calibration(const int *y, const double *p, size_t n, size_t nbins,
                        struct metrics_calib_bin *bins, struct err *e);

/* Cumulative gains / lift by groups (ngroups = 10: deciles). Rows sorted by
 * decreasing score, ties kept in input order; group sizes as np.array_split
 * (the first n % ngroups groups hold one row more). */
struct metrics_gain_row {
    size_t n, npos;          /* rows and positives in the group */
    double score_max, score_min;
    double rate;             /* npos / n */
    double lift;             /* rate / overall positive rate */
    double cum_frac;         /* share of all rows in groups 1..k */
    double cum_gain;         /* share of all positives captured by groups 1..k */
    double cum_lift;         /* cum_gain / cum_frac */
};
int metrics_gains(const int *y, const double *s, size_t n, size_t ngroups,
                  struct metrics_gain_row *rows, struct err *e);

#endif
