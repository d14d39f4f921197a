/* metrics: ranking metrics (AUC, DeLong, ROC/PR curves, thresholds, gains).
 * Probability and fixed-threshold metrics are in metrics_prob.c. */
#include "core/mem.h"
#include "stats/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

struct ranked {
    double s;
    size_t i;
};

static int check_input(const int *y, const double *s, size_t n, struct err *e)
{
    if (n == 0)
        return err_set(e, ERR_DATA, "expected at least one row, found none");
    for (size_t i = 0; i < n; i++) {
        if (y[i] != 0 && y[i] != 1)
            return err_set(e, ERR_DATA, "row %zu: expected a label 0 or 1, found %d", i, y[i]);
        if (!isfinite(s[i]))
            return err_set(e, ERR_DATA, "row %zu: expected a finite score, found %g", i, s[i]);
    }
    return ERR_OK;
}

static void count_classes(const int *y, size_t n, size_t *npos, size_t *nneg)
{
    size_t p = 0;
    for (size_t i = 0; i < n; i++)
        p += (size_t)y[i];
    *npos = p;
    *nneg = n - p;
}

/* check_input, and both classes present ("<what> needs both classes"):
 * their sizes into *np, *nn. */
static int check_two_classes(const int *y, const double *s, size_t n, const char *what, size_t *np, size_t *nn,
                             struct err *e)
{
    int rc = check_input(y, s, n, e);
    if (rc)
        return rc;
    count_classes(y, n, np, nn);
    if (*np == 0 || *nn == 0)
        return err_set(e, ERR_DATA, "%s needs both classes, found %zu positive and %zu negative rows", what, *np,
                       *nn);
    return ERR_OK;
}

/* Decreasing score; ties in input order, so that every sort here is
 * deterministic whatever qsort does with equal keys. */
static int cmp_desc(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->s > y->s) return -1;
    if (x->s < y->s) return 1;
    return (x->i > y->i) - (x->i < y->i);
}

static int cmp_asc(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->s < y->s) return -1;
    if (x->s > y->s) return 1;
    return (x->i > y->i) - (x->i < y->i);
}

static struct ranked *sorted(const double *s, size_t n, int desc)
{
    struct ranked *r = malloc(n * sizeof *r);
    if (!r)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        r[i].s = s[i];
        r[i].i = i;
    }
    qsort(r, n, sizeof *r, desc ? cmp_desc : cmp_asc);
    return r;
}

/* Midranks (1-based, ties get the mean of their ranks) of x[0..n), written
 * to t: the building block of Sun & Xu's fast DeLong. */
static int midrank(const double *x, size_t n, double *t)
{
    struct ranked *r = sorted(x, n, 0);
    if (!r)
        return ERR_NOMEM;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && r[j].s == r[i].s)
            j++;
        /* ranks i+1..j averaged; exact in doubles (a half-integer) */
        double m = 0.5 * (double)(i + j - 1) + 1.0;
        for (size_t k = i; k < j; k++)
            t[r[k].i] = m;
        i = j;
    }
    free(r);
    return ERR_OK;
}

int metrics_roc_auc(const int *y, const double *s, size_t n, double *auc, struct err *e)
{
    size_t np, nn;
    int rc = check_two_classes(y, s, n, "roc auc", &np, &nn, e);
    if (rc)
        return rc;
    double *t = malloc(n * sizeof *t);
    if (!t || midrank(s, n, t)) {
        free(t);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    /* Rank sum of the positives is a sum of half-integers: exact while
     * n^2 < 2^53, so U and the AUC are rounded once, at the division. */
    double r = 0;
    for (size_t i = 0; i < n; i++)
        if (y[i])
            r += t[i];
    free(t);
    double u = r - 0.5 * (double)np * (double)(np + 1);
    *auc = u / ((double)np * (double)nn);
    return ERR_OK;
}

/* DeLong's structural components of the scores s: v[0..m) for the positives
 * (V10_i: share of negatives below positive i, ties 1/2), v[m..n) for the
 * negatives (V01_j: share of positives above negative j), rows of each class
 * in row order; *auc their mean. m, k: the class sizes. */
static int delong_components(const int *y, const double *s, size_t n, size_t m, size_t k, double *v, double *auc)
{
    /* z = positives then negatives; tz: midranks in the pooled sample, txy:
     * midranks within each class (Sun & Xu's fast DeLong). */
    double *buf = malloc(2 * n * sizeof *buf);
    if (!buf)
        return ERR_NOMEM;
    double *z = v, *tz = buf, *txy = buf + n;
    size_t a = 0, b = m;
    for (size_t i = 0; i < n; i++) {
        if (y[i])
            z[a++] = s[i];
        else
            z[b++] = s[i];
    }
    if (midrank(z, n, tz) || midrank(z, m, txy) || midrank(z + m, k, txy + m)) {
        free(buf);
        return ERR_NOMEM;
    }
    double r = 0;
    for (size_t i = 0; i < m; i++)
        r += tz[i];
    *auc = (r - 0.5 * (double)m * (double)(m + 1)) / ((double)m * (double)k);
    for (size_t i = 0; i < m; i++)
        v[i] = (tz[i] - txy[i]) / (double)k;
    for (size_t j = m; j < n; j++)
        v[j] = 1.0 - (tz[j] - txy[j]) / (double)m;
    free(buf);
    return ERR_OK;
}

/* The unbiased covariance of a[0..n) and b[0..n). */
static double cov_unbiased(const double *a, const double *b, size_t n)
{
    double ma = 0, mb = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        ma += a[i], mb += b[i];
    ma /= (double)n, mb /= (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (a[i] - ma) * (b[i] - mb);
    return ss / (double)(n - 1);
}

/* The checks both DeLong functions make; the class sizes. */
static int delong_input(const int *y, const double *s, size_t n, size_t *m, size_t *k, struct err *e)
{
    int rc = check_input(y, s, n, e);
    if (rc)
        return rc;
    count_classes(y, n, m, k);
    if (*m < 2 || *k < 2)
        return err_set(e, ERR_DATA, "delong needs at least 2 rows of each class, found %zu positive and %zu negative",
                       *m, *k);
    return ERR_OK;
}

int metrics_roc_auc_delong(const int *y, const double *s, size_t n, double level,
                           struct metrics_auc_ci *out, struct err *e)
{
    size_t m, k;
    int rc = delong_input(y, s, n, &m, &k, e);
    if (rc)
        return rc;
    if (!(level > 0 && level < 1))
        return err_set(e, ERR_PARAMS, "expected a confidence level in (0, 1), found %g", level);
    double *v = malloc(n * sizeof *v), auc;
    if (!v || delong_components(y, s, n, m, k, v, &auc)) {
        free(v);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    double var = cov_unbiased(v, v, m) / (double)m + cov_unbiased(v + m, v + m, k) / (double)k;
    free(v);
    double z975 = gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * level);
    out->auc = auc;
    out->var = var;
    out->se = sqrt(var);
    out->level = level;
    out->lo = fmax(0.0, auc - z975 * out->se);
    out->hi = fmin(1.0, auc + z975 * out->se);
    return ERR_OK;
}

int metrics_delong_paired(const int *y, const double *s1, const double *s2, size_t n, struct metrics_auc_diff *out,
                          struct err *e)
{
    size_t m, k;
    int rc = delong_input(y, s1, n, &m, &k, e);
    if (!rc)
        rc = check_input(y, s2, n, e);
    if (rc)
        return rc;
    double *v1 = malloc(n * sizeof *v1), *v2 = malloc(n * sizeof *v2), a1, a2;
    if (!v1 || !v2 || delong_components(y, s1, n, m, k, v1, &a1) || delong_components(y, s2, n, m, k, v2, &a2)) {
        free(v1);
        free(v2);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    /* var(A1 - A2) = var1 + var2 - 2 cov, each over the positives' and the
     * negatives' components (DeLong, DeLong & Clarke-Pearson 1988). */
    double var = (cov_unbiased(v1, v1, m) + cov_unbiased(v2, v2, m) - 2 * cov_unbiased(v1, v2, m)) / (double)m +
                 (cov_unbiased(v1 + m, v1 + m, k) + cov_unbiased(v2 + m, v2 + m, k) -
                  2 * cov_unbiased(v1 + m, v2 + m, k)) /
                     (double)k;
    free(v1);
    free(v2);
    out->auc1 = a1;
    out->auc2 = a2;
    out->diff = a1 - a2;
    out->se = var > 0 ? sqrt(var) : 0;
    out->z = out->se > 0 ? out->diff / out->se : out->diff == 0 ? 0 : copysign(INFINITY, out->diff);
    out->p = out->se > 0 ? 2 * gsl_cdf_ugaussian_Q(fabs(out->z)) : out->diff == 0 ? 1 : 0;
    return ERR_OK;
}

/* sklearn's _binary_clf_curve: one point per distinct score, in decreasing
 * score; fps/tps count rows with score >= thr. Arrays are malloc'ed. */
struct clf_curve {
    size_t n;
    double *fps, *tps, *thr;
};

static void clf_curve_free(struct clf_curve *c)
{
    free(c->fps);
    free(c->tps);
    free(c->thr);
}

static int clf_curve(const int *y, const double *s, size_t n, struct clf_curve *c, struct err *e)
{
    memset(c, 0, sizeof *c);
    struct ranked *r = sorted(s, n, 1);
    c->fps = malloc(n * sizeof *c->fps);
    c->tps = malloc(n * sizeof *c->tps);
    c->thr = malloc(n * sizeof *c->thr);
    if (!r || !c->fps || !c->tps || !c->thr) {
        free(r);
        clf_curve_free(c);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    double tp = 0;
    for (size_t i = 0; i < n; i++) {
        tp += y[r[i].i];
        if (i + 1 == n || r[i + 1].s != r[i].s) {
            c->tps[c->n] = tp;
            c->fps[c->n] = (double)(i + 1) - tp;
            c->thr[c->n] = r[i].s;
            c->n++;
        }
    }
    free(r);
    return ERR_OK;
}

void metrics_roc_free(struct metrics_roc *r)
{
    if (r)
        FREE_ALL(r->fpr, r->tpr, r->thresholds, r);
}

int metrics_roc_curve(const int *y, const double *s, size_t n, int drop_intermediate,
                      struct metrics_roc **out, struct err *e)
{
    *out = NULL;
    size_t np, nn;
    int rc = check_two_classes(y, s, n, "roc curve", &np, &nn, e);
    if (rc)
        return rc;
    struct clf_curve c;
    if ((rc = clf_curve(y, s, n, &c, e)))
        return rc;
    struct metrics_roc *r = calloc(1, sizeof *r);
    if (r) {
        r->fpr = malloc((c.n + 1) * sizeof *r->fpr);
        r->tpr = malloc((c.n + 1) * sizeof *r->tpr);
        r->thresholds = malloc((c.n + 1) * sizeof *r->thresholds);
    }
    if (!r || !r->fpr || !r->tpr || !r->thresholds) {
        metrics_roc_free(r);
        clf_curve_free(&c);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    /* Point (0, 0) first, at a threshold no score reaches (sklearn 1.2). */
    r->fpr[0] = 0;
    r->tpr[0] = 0;
    r->thresholds[0] = c.thr[0] + 1;
    size_t m = 1;
    for (size_t i = 0; i < c.n; i++) {
        /* A point is dropped when the second differences of both fps and tps
         * vanish there: it lies on the segment between its neighbours. */
        if (drop_intermediate && c.n > 2 && i > 0 && i + 1 < c.n) {
            double dfp = c.fps[i + 1] - 2 * c.fps[i] + c.fps[i - 1];
            double dtp = c.tps[i + 1] - 2 * c.tps[i] + c.tps[i - 1];
            if (dfp == 0 && dtp == 0)
                continue;
        }
        r->fpr[m] = c.fps[i] / (double)nn;
        r->tpr[m] = c.tps[i] / (double)np;
        r->thresholds[m] = c.thr[i];
        m++;
    }
    r->n = m;
    clf_curve_free(&c);
    *out = r;
    return ERR_OK;
}

void metrics_pr_free(struct metrics_pr *p)
{
    if (p)
        FREE_ALL(p->precision, p->recall, p->thresholds, p);
}

int metrics_pr_curve(const int *y, const double *s, size_t n, struct metrics_pr **out, struct err *e)
{
    *out = NULL;
    int rc = check_input(y, s, n, e);
    if (rc)
        return rc;
    size_t np, nn;
    count_classes(y, n, &np, &nn);
    if (np == 0)
        return err_set(e, ERR_DATA, "precision-recall curve needs a positive row, found none");
    struct clf_curve c;
    if ((rc = clf_curve(y, s, n, &c, e)))
        return rc;
    struct metrics_pr *p = calloc(1, sizeof *p);
    if (p) {
        p->precision = malloc((c.n + 1) * sizeof *p->precision);
        p->recall = malloc((c.n + 1) * sizeof *p->recall);
        p->thresholds = malloc(c.n * sizeof *p->thresholds);
    }
    if (!p || !p->precision || !p->recall || !p->thresholds) {
        metrics_pr_free(p);
        clf_curve_free(&c);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    /* sklearn reverses the curve so that recall decreases, then appends the
     * point (precision 1, recall 0). */
    for (size_t k = 0; k < c.n; k++) {
        size_t i = c.n - 1 - k;
        p->precision[k] = c.tps[i] / (c.tps[i] + c.fps[i]);
        p->recall[k] = c.tps[i] / c.tps[c.n - 1];
        p->thresholds[k] = c.thr[i];
    }
    p->precision[c.n] = 1;
    p->recall[c.n] = 0;
    p->n = c.n + 1;
    clf_curve_free(&c);
    *out = p;
    return ERR_OK;
}

int metrics_average_precision(const int *y, const double *s, size_t n, double *ap, struct err *e)
{
    struct metrics_pr *p;
    int rc = metrics_pr_curve(y, s, n, &p, e);
    if (rc)
        return rc;
    /* -sum(diff(recall) * precision[:-1]), summed in sklearn's order */
    double sum = 0;
    for (size_t k = 0; k + 1 < p->n; k++)
        sum += (p->recall[k + 1] - p->recall[k]) * p->precision[k];
    *ap = -sum;
    metrics_pr_free(p);
    return ERR_OK;
}

int metrics_threshold_youden(const int *y, const double *s, size_t n,
                             struct metrics_threshold *out, struct err *e)
{
    struct metrics_roc *r;
    int rc = metrics_roc_curve(y, s, n, 0, &r, e);
    if (rc)
        return rc;
    size_t best = 0;
    for (size_t i = 1; i < r->n; i++)
        if (r->tpr[i] - r->fpr[i] > r->tpr[best] - r->fpr[best])
            best = i;
    out->index = best;
    out->threshold = r->thresholds[best];
    out->value = r->tpr[best] - r->fpr[best];
    out->a = r->tpr[best];
    out->b = r->fpr[best];
    metrics_roc_free(r);
    return ERR_OK;
}

int metrics_threshold_max_f1(const int *y, const double *s, size_t n,
                             struct metrics_threshold *out, struct err *e)
{
    struct metrics_pr *p;
    int rc = metrics_pr_curve(y, s, n, &p, e);
    if (rc)
        return rc;
    /* The last PR point has no threshold, so it is not a candidate. */
    size_t best = 0;
    double fbest = -1;
    for (size_t k = 0; k + 1 < p->n; k++) {
        double pr = p->precision[k], re = p->recall[k];
        double f = pr + re > 0 ? 2 * pr * re / (pr + re) : 0;
        if (f > fbest) {
            fbest = f;
            best = k;
        }
    }
    out->index = best;
    out->threshold = p->thresholds[best];
    out->value = fbest;
    out->a = p->precision[best];
    out->b = p->recall[best];
    metrics_pr_free(p);
    return ERR_OK;
}

int metrics_gains(const int *y, const double *s, size_t n, size_t ngroups,
                  struct metrics_gain_row *rows, struct err *e)
{
    int rc = check_input(y, s, n, e);
    if (rc)
        return rc;
    if (ngroups == 0 || ngroups > n)
        return err_set(e, ERR_PARAMS, "expected 1..%zu groups, found %zu", n, ngroups);
    size_t np, nn;
    count_classes(y, n, &np, &nn);
    if (np == 0)
        return err_set(e, ERR_DATA, "gains need a positive row, found none");
    struct ranked *r = sorted(s, n, 1);
    if (!r)
        return err_set(e, ERR_NOMEM, "out of memory");
    double base = (double)np / (double)n;
    size_t at = 0, cum_n = 0, cum_pos = 0;
    for (size_t g = 0; g < ngroups; g++) {
        size_t size = n / ngroups + (g < n % ngroups ? 1 : 0);
        struct metrics_gain_row *w = &rows[g];
        w->n = size;
        w->npos = 0;
        w->score_max = r[at].s;
        w->score_min = r[at + size - 1].s;
        for (size_t k = at; k < at + size; k++)
            w->npos += (size_t)y[r[k].i];
        at += size;
        cum_n += size;
        cum_pos += w->npos;
        w->rate = (double)w->npos / (double)size;
        w->lift = w->rate / base;
        w->cum_frac = (double)cum_n / (double)n;
        w->cum_gain = (double)cum_pos / (double)np;
        w->cum_lift = w->cum_gain / w->cum_frac;
    }
    free(r);
    return ERR_OK;
}
