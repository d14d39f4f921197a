/* corr: Pearson/Spearman matrices with pairwise deletion, and VIF. */
#include "core/order.h"
#include "core/mem.h"
#include "stats/corr.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multifit.h>

/* Pearson r of x and y over the rows where both are present (two-pass:
 * means first, then centered cross products). */
static double pearson_pair(const double *x, const double *y, size_t n)
{
    size_t k = 0;
    double sx = 0.0, sy = 0.0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && !isnan(y[i])) {
            sx += x[i];
            sy += y[i];
            k++;
        }
    if (k < 2)
        return NAN;
    double mx = sx / (double)k, my = sy / (double)k;
    double sxx = 0.0, syy = 0.0, sxy = 0.0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && !isnan(y[i])) {
            double dx = x[i] - mx, dy = y[i] - my;
            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
        }
    if (!(sxx > 0.0) || !(syy > 0.0))
        return NAN;
    double r = sxy / sqrt(sxx * syy);
    /* rounding can step outside [-1, 1] */
    return r > 1.0 ? 1.0 : r < -1.0 ? -1.0 : r;
}

int corr_pearson(const double *const *cols, size_t p, size_t n, double *out, struct err *e)
{
    (void)e;
    for (size_t i = 0; i < p; i++) {
        double d = pearson_pair(cols[i], cols[i], n);
        out[i * p + i] = isnan(d) ? NAN : 1.0;
        for (size_t j = i + 1; j < p; j++)
            out[i * p + j] = out[j * p + i] = pearson_pair(cols[i], cols[j], n);
    }
    return ERR_OK;
}

/* Average ranks of the rows of x selected by keep (NULL = all non-NaN),
 * walking the precomputed ascending order of x's non-NaN rows: O(n). Rows
 * not ranked get NaN. */
static void rank_from_order(const double *x, const size_t *order, size_t m, const double *other, size_t n,
                            double *ranks)
{
    for (size_t i = 0; i < n; i++)
        ranks[i] = NAN;
    size_t pos = 0; /* 0-based position among the selected rows */
    size_t k = 0;
    while (k < m) {
        /* a run of equal values in x's order; only selected rows count */
        size_t end = k + 1;
        while (end < m && x[order[end]] == x[order[k]])
            end++;
        size_t cnt = 0;
        for (size_t t = k; t < end; t++)
            if (!other || !isnan(other[order[t]]))
                cnt++;
        /* positions pos .. pos+cnt-1 share the average 1-based rank */
        double avg = (double)pos + ((double)cnt + 1.0) / 2.0;
        for (size_t t = k; t < end; t++)
            if (!other || !isnan(other[order[t]]))
                ranks[order[t]] = avg;
        pos += cnt;
        k = end;
    }
}

/* Ascending order of the non-NaN rows of x into order (row indices; order
 * has room for n, the NaN rows go last); *m their count. -1 when out of
 * memory. */
static int sort_order(const double *x, size_t n, size_t *order, size_t *m)
{
    if (order_by(x, n, 0, order))
        return -1;
    *m = 0;
    while (*m < n && !isnan(x[order[*m]]))
        (*m)++;
    return 0;
}

int corr_rank(const double *x, size_t n, double *ranks, struct err *e)
{
    size_t *order = malloc((n ? n : 1) * sizeof *order), m;
    if (!order || sort_order(x, n, order, &m)) {
        free(order);
        return err_set(e, ERR_NOMEM, "corr: out of memory for ranks of %zu values", n);
    }
    rank_from_order(x, order, m, NULL, n, ranks);
    free(order);
    return ERR_OK;
}

int corr_spearman(const double *const *cols, size_t p, size_t n, double *out, struct err *e)
{
    size_t nn = n ? n : 1, pp = p ? p : 1;
    size_t *orders = malloc(pp * nn * sizeof *orders);
    size_t *m = malloc(pp * sizeof *m);
    double *full = malloc((pp + 2) * nn * sizeof *full);
    int rc = orders && m && full ? 0 : -1;
    for (size_t j = 0; j < p && !rc; j++)
        rc = sort_order(cols[j], n, orders + j * nn, &m[j]);
    if (rc) {
        FREE_ALL(orders, m, full);
        return err_set(e, ERR_NOMEM, "corr: out of memory for Spearman over %zu x %zu", n, p);
    }
    double *rx = full + pp * nn, *ry = rx + nn;
    /* Sort and rank each column once. A pair needs fresh ranks of one
     * column only where the other has missing values; with complete data
     * every pair is a Pearson correlation of stored ranks. */
    for (size_t j = 0; j < p; j++)
        rank_from_order(cols[j], orders + j * nn, m[j], NULL, n, full + j * nn);
    for (size_t i = 0; i < p; i++) {
        const double *fi = full + i * nn;
        out[i * p + i] = isnan(pearson_pair(fi, fi, n)) ? NAN : 1.0;
        for (size_t j = i + 1; j < p; j++) {
            const double *xr = fi, *yr = full + j * nn;
            if (m[j] < n) {
                rank_from_order(cols[i], orders + i * nn, m[i], cols[j], n, rx);
                xr = rx;
            }
            if (m[i] < n) {
                rank_from_order(cols[j], orders + j * nn, m[j], cols[i], n, ry);
                yr = ry;
            }
            out[i * p + j] = out[j * p + i] = pearson_pair(xr, yr, n);
        }
    }
    free(orders);
    free(m);
    free(full);
    return ERR_OK;
}

/* The k complete rows of the p columns into A (k x p), centered: with
 * centered columns the intercept's coefficient is 0 and R^2 is the usual
 * centered one. Non-zero when out of memory. */
static int centered_design(const double *const *cols, size_t p, size_t n, size_t k, gsl_matrix *A)
{
    double *mean = calloc(p, sizeof *mean);
    if (!mean)
        return -1;
    for (size_t i = 0, r = 0; i < n; i++) {
        size_t j = 0;
        while (j < p && !isnan(cols[j][i]))
            j++;
        if (j < p)
            continue;
        for (j = 0; j < p; j++) {
            gsl_matrix_set(A, r, j, cols[j][i]);
            mean[j] += cols[j][i];
        }
        r++;
    }
    for (size_t j = 0; j < p; j++)
        mean[j] /= (double)k;
    for (size_t r = 0; r < k; r++)
        for (size_t j = 0; j < p; j++)
            gsl_matrix_set(A, r, j, gsl_matrix_get(A, r, j) - mean[j]);
    free(mean);
    return 0;
}

int corr_vif(const double *const *cols, size_t p, size_t n, double *vif, size_t *nused, struct err *e)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < p && !isnan(cols[j][i]))
            j++;
        k += j == p;
    }
    if (nused)
        *nused = k;
    if (p == 0)
        return ERR_OK;
    if (k < p + 1)
        return err_set(e, ERR_DATA, "vif: expected at least %zu complete rows for %zu columns, found %zu", p + 1, p,
                       k);
    gsl_matrix *A = gsl_matrix_alloc(k, p);
    gsl_vector *tau = gsl_vector_alloc(p);
    if (!A || !tau || centered_design(cols, p, n, k, A)) {
        gsl_matrix_free(A);
        gsl_vector_free(tau);
        return err_set(e, ERR_NOMEM, "vif: out of memory for a %zu x %zu design", k, p);
    }
    gsl_linalg_QR_decomp(A, tau);

    /* R (upper triangle of A's first p rows) has R'R = X'X: least squares on
     * R's columns gives the same coefficients and residual sum of squares. */
    int rc = ERR_OK;
    gsl_matrix *X = p > 1 ? gsl_matrix_alloc(p, p - 1) : NULL;
    gsl_vector *y = gsl_vector_alloc(p);
    gsl_vector *c = p > 1 ? gsl_vector_alloc(p - 1) : NULL;
    gsl_matrix *cov = p > 1 ? gsl_matrix_alloc(p - 1, p - 1) : NULL;
    gsl_multifit_linear_workspace *w = p > 1 ? gsl_multifit_linear_alloc(p, p - 1) : NULL;
    if (!y || (p > 1 && (!X || !c || !cov || !w))) {
        rc = err_set(e, ERR_NOMEM, "vif: out of memory");
        goto done;
    }
    for (size_t j = 0; j < p; j++) {
        double tss = 0.0;
        for (size_t r = 0; r < p; r++) {
            double v = r <= j ? gsl_matrix_get(A, r, j) : 0.0;
            gsl_vector_set(y, r, v);
            tss += v * v;
        }
        if (p == 1) {
            vif[j] = tss > 0.0 ? 1.0 : INFINITY;
            continue;
        }
        for (size_t r = 0; r < p; r++)
            for (size_t q = 0, col = 0; q < p; q++) {
                if (q == j)
                    continue;
                gsl_matrix_set(X, r, col++, r <= q ? gsl_matrix_get(A, r, q) : 0.0);
            }
        double chisq;
        if (gsl_multifit_linear(X, y, c, cov, &chisq, w) != 0) {
            rc = err_set(e, ERR_NUM, "vif: least squares failed for column %zu", j);
            goto done;
        }
        /* GSL's chisq comes from ||y||^2 - ||U'y||^2 and counts y's part along
         * a dropped (zero) singular direction as explained; the residual
         * itself is right in both the full-rank and the rank-deficient case. */
        gsl_blas_dgemv(CblasNoTrans, -1.0, X, c, 1.0, y);
        double sse;
        gsl_blas_ddot(y, y, &sse);
        vif[j] = (tss > 0.0 && sse > 1e-13 * tss) ? tss / sse : INFINITY;
    }
done:
    gsl_matrix_free(A);
    gsl_vector_free(tau);
    gsl_matrix_free(X);
    gsl_vector_free(y);
    gsl_vector_free(c);
    gsl_matrix_free(cov);
    if (w)
        gsl_multifit_linear_free(w);
    return rc;
}
