/* metrics: fixed-threshold and probability metrics (confusion matrix,
 * log-loss, Brier, calibration bins). Ranking metrics are in metrics.c. */
#include "stats/metrics.h"

#include <math.h>
#include <stdlib.h>

static int check_labels(const int *y, size_t n, struct err *e)
{
    if (n == 0)
        return err_set(e, ERR_DATA, "expected at least one row, found none");
    for (size_t i = 0; i < n; i++)
        if (y[i] != 0 && y[i] != 1)
            return err_set(e, ERR_DATA, "row %zu: expected a label 0 or 1, found %d", i, y[i]);
    return ERR_OK;
}

static int check_prob(const int *y, const double *p, size_t n, struct err *e)
{
    int rc = check_labels(y, n, e);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (!(p[i] >= 0 && p[i] <= 1))
            return err_set(e, ERR_DATA, "row %zu: expected a probability in [0, 1], found %g", i, p[i]);
    return ERR_OK;
}

int metrics_confusion_at(const int *y, const double *s, size_t n, double t,
                         struct metrics_confusion *cm, struct err *e)
{
    int rc = check_labels(y, n, e);
    if (rc)
        return rc;
    cm->tn = cm->fp = cm->fn = cm->tp = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(s[i]))
            return err_set(e, ERR_DATA, "row %zu: expected a score, found NaN", i);
        int pred = s[i] >= t;
        if (y[i])
            pred ? cm->tp++ : cm->fn++;
        else
            pred ? cm->fp++ : cm->tn++;
    }
    return ERR_OK;
}

double metrics_accuracy(const struct metrics_confusion *cm)
{
    size_t n = cm->tn + cm->fp + cm->fn + cm->tp;
    return n ? (double)(cm->tp + cm->tn) / (double)n : 0;
}

double metrics_precision(const struct metrics_confusion *cm)
{
    size_t d = cm->tp + cm->fp;
    return d ? (double)cm->tp / (double)d : 0;
}

double metrics_recall(const struct metrics_confusion *cm)
{
    size_t d = cm->tp + cm->fn;
    return d ? (double)cm->tp / (double)d : 0;
}

/* 2tp / (2tp + fp + fn): sklearn's F1 expressed on counts, 0 when there
 * are neither predicted nor actual positives. */
double metrics_f1(const struct metrics_confusion *cm)
{
    size_t d = 2 * cm->tp + cm->fp + cm->fn;
    return d ? (double)(2 * cm->tp) / (double)d : 0;
}

int metrics_log_loss(const int *y, const double *p, size_t n, double eps, double *out, struct err *e)
{
    int rc = check_prob(y, p, n, e);
    if (rc)
        return rc;
    if (!(eps >= 0 && eps < 0.5))
        return err_set(e, ERR_PARAMS, "expected a clipping eps in [0, 0.5), found %g", eps);
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        /* As sklearn: clip, form (1-p, p), renormalise the pair to sum 1. */
        double q = fmin(fmax(p[i], eps), 1 - eps);
        double r = 1 - q, t = r + q;
        sum += -log((y[i] ? q : r) / t);
    }
    *out = sum / (double)n;
    return ERR_OK;
}

int metrics_brier(const int *y, const double *p, size_t n, double *out, struct err *e)
{
    int rc = check_prob(y, p, n, e);
    if (rc)
        return rc;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)y[i] - p[i];
        sum += d * d;
    }
    *out = sum / (double)n;
    return ERR_OK;
}

int metrics_calibration(const int *y, const double *p, size_t n, size_t nbins,
                        struct metrics_calib_bin *bins, struct err *e)
{
    int rc = check_prob(y, p, n, e);
    if (rc)
        return rc;
    if (nbins == 0)
        return err_set(e, ERR_PARAMS, "expected at least one calibration bin, found 0");
    /* Edges as np.linspace(0, 1, nbins + 1): k * (1 / nbins), last = 1. */
    double step = 1.0 / (double)nbins;
    double *sump = calloc(2 * nbins, sizeof *sump), *sumy = sump + nbins;
    if (!sump)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < nbins; k++) {
        bins[k].lo = (double)k * step;
        bins[k].hi = k + 1 == nbins ? 1.0 : (double)(k + 1) * step;
        bins[k].count = 0;
    }
    for (size_t i = 0; i < n; i++) {
        /* np.searchsorted(inner_edges, p, side="left"): the number of inner
         * edges strictly below p, so p on an edge joins the lower bin. */
        size_t lo = 0, hi = nbins - 1;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (bins[mid].hi < p[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        bins[lo].count++;
        sump[lo] += p[i];
        sumy[lo] += y[i];
    }
    for (size_t k = 0; k < nbins; k++) {
        bins[k].mean_pred = bins[k].count ? sump[k] / (double)bins[k].count : NAN;
        bins[k].frac_pos = bins[k].count ? sumy[k] / (double)bins[k].count : NAN;
    }
    free(sump);
    return ERR_OK;
}
