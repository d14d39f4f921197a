/* explain_fig: beeswarm, bar and waterfall tables for the SHAP figures. */
#include "out/explain_fig.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/order.h"
#include "models/prep.h"

#define SWARM_BINS 100
#define SWARM_HALF 0.4

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static struct table *num_table(const char *const *names, size_t nrows, size_t *idx, struct err *e)
{
    struct table *t = table_alloc();
    if (!t) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    for (size_t k = 0; names[k]; k++)
        if (table_add_column(t, names[k], COL_NUM, &idx[k], e)) {
            table_free(t);
            return NULL;
        }
    if (table_set_rows(t, nrows, e)) {
        table_free(t);
        return NULL;
    }
    return t;
}

/* Colour: feature j's value between its 5th and 95th percentiles over the
 * finite values (all of them when those coincide); v: scratch of n. */
static void colour_range(const double *val, size_t n, size_t m, size_t j, double *v, double *vlo, double *vhi)
{
    size_t nv = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(val[i * m + j]))
            v[nv++] = val[i * m + j];
    qsort(v, nv, sizeof *v, cmp_double);
    *vlo = nv ? prep_percentile_sorted(v, nv, 5) : 0;
    *vhi = nv ? prep_percentile_sorted(v, nv, 95) : 0;
    if (nv && *vhi <= *vlo) {
        *vlo = v[0];
        *vhi = v[nv - 1];
    }
}

int explain_fig_beeswarm(const double *phi, const double *val, size_t n, size_t m, const size_t *order,
                         size_t nshow, struct table **out, struct err *e)
{
    static const char *const names[] = {"feature", "y", "phi", "colour", NULL};
    size_t c[4];
    *out = NULL;
    if (nshow > m)
        nshow = m;
    struct table *t = num_table(names, n * nshow, c, e);
    if (!t)
        return e->code;
    size_t *k = malloc((n ? n : 1) * sizeof *k);
    double *v = malloc((n ? n : 1) * sizeof *v), *col = malloc((n ? n : 1) * sizeof *col);
    size_t *slot = malloc((n ? n : 1) * sizeof *slot);
    if (!k || !v || !col || !slot) {
        FREE_ALL(k, v, col, slot);
        table_free(t);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    /* One x scale for every band, so the bins are comparable across features. */
    double lo = INFINITY, hi = -INFINITY;
    for (size_t r = 0; r < nshow; r++)
        for (size_t i = 0; i < n; i++) {
            double x = phi[i * m + order[r]];
            lo = x < lo ? x : lo;
            hi = x > hi ? x : hi;
        }
    double width = hi > lo ? (hi - lo) / SWARM_BINS : 1;
    /* Pass 1 finds the tallest half-stack so that every band uses one step. */
    size_t tallest = 1;
    for (int pass = 0; pass < 2; pass++) {
        double step = SWARM_HALF / (double)tallest;
        for (size_t r = 0; r < nshow; r++) {
            size_t j = order[r];
            /* The rows by phi (then by row): each bin's stack in that order. */
            for (size_t i = 0; i < n; i++)
                col[i] = phi[i * m + j];
            if (order_by(col, n, 0, k)) {
                FREE_ALL(k, v, col, slot);
                table_free(t);
                return err_set(e, ERR_NOMEM, "out of memory");
            }
            size_t in_bin = 0;
            long prev = -1;
            for (size_t i = 0; i < n; i++) {
                long b = (long)floor((col[k[i]] - lo) / width);
                in_bin = b == prev ? in_bin + 1 : 0;
                prev = b;
                slot[k[i]] = in_bin;
                size_t half = (in_bin + 1) / 2;
                tallest = half > tallest ? half : tallest;
            }
            if (pass == 0)
                continue;
            double vlo, vhi;
            colour_range(val, n, m, j, v, &vlo, &vhi);
            for (size_t i = 0; i < n; i++) {
                size_t row = r * n + i, s = slot[i], half = (s + 1) / 2;
                double off = (double)half * step * (s % 2 ? 1 : -1);
                double x = val[i * m + j], col = NAN;
                if (isfinite(x))
                    col = vhi > vlo ? fmin(1, fmax(0, (x - vlo) / (vhi - vlo))) : 0.5;
                t->cols[c[0]].num[row] = (double)(r + 1);
                t->cols[c[1]].num[row] = (double)(nshow - r) + off;
                t->cols[c[2]].num[row] = phi[i * m + j];
                t->cols[c[3]].num[row] = col;
            }
        }
    }
    FREE_ALL(k, v, col, slot);
    *out = t;
    return 0;
}

/* A numeric table plus a string column `label`. */
static struct table *labelled_table(const char *const *names, size_t nrows, size_t *idx, size_t *lab,
                                    struct err *e)
{
    struct table *t = num_table(names, nrows, idx, e);
    if (t && table_add_column(t, "label", COL_STR, lab, e)) {
        table_free(t);
        return NULL;
    }
    return t;
}

int explain_fig_bar(const double *mean_abs, const size_t *order, size_t nshow, const char *const *labels,
                    struct table **out, struct err *e)
{
    static const char *const names[] = {"y", "value", NULL};
    size_t c[2], lab;
    *out = NULL;
    struct table *t = labelled_table(names, nshow, c, &lab, e);
    if (!t)
        return e->code;
    for (size_t r = 0; r < nshow; r++) {
        t->cols[c[0]].num[r] = (double)(nshow - r);
        t->cols[c[1]].num[r] = mean_abs[order[r]];
        if (table_set_str(t, lab, r, labels[order[r]], e)) {
            table_free(t);
            return e->code;
        }
    }
    *out = t;
    return 0;
}

int explain_fig_waterfall(const double *phi, size_t m, double base, size_t nshow, const char *const *labels,
                          const char *others, struct table **out, struct err *e)
{
    static const char *const names[] = {"y", "start", "end", "phi", NULL};
    size_t c[4], lab;
    *out = NULL;
    if (nshow > m)
        nshow = m;
    size_t *by = malloc((m ? m : 1) * sizeof *by);
    if (!by)
        return err_set(e, ERR_NOMEM, "out of memory");
    /* Features by decreasing |phi|, ties by index (insertion sort: m is small). */
    for (size_t j = 0; j < m; j++) {
        size_t at = j;
        while (at > 0 && fabs(phi[by[at - 1]]) < fabs(phi[j])) {
            by[at] = by[at - 1];
            at--;
        }
        by[at] = j;
    }
    size_t nrest = m - nshow, nrows = nshow + (nrest > 0);
    struct table *t = labelled_table(names, nrows, c, &lab, e);
    if (!t) {
        free(by);
        return e->code;
    }
    double run = base;
    size_t row = 0;
    int rc = 0;
    if (nrest > 0) {
        double s = 0;
        for (size_t r = nshow; r < m; r++)
            s += phi[by[r]];
        t->cols[c[0]].num[row] = 1;
        t->cols[c[1]].num[row] = run;
        t->cols[c[2]].num[row] = run + s;
        t->cols[c[3]].num[row] = s;
        rc = table_set_str(t, lab, row, others, e);
        run += s;
        row++;
    }
    for (size_t r = nshow; !rc && r-- > 0; row++) {
        double s = phi[by[r]];
        t->cols[c[0]].num[row] = (double)(row + 1);
        t->cols[c[1]].num[row] = run;
        t->cols[c[2]].num[row] = run + s;
        t->cols[c[3]].num[row] = s;
        rc = table_set_str(t, lab, row, labels[by[r]], e);
        run += s;
    }
    free(by);
    if (rc) {
        table_free(t);
        return rc;
    }
    *out = t;
    return 0;
}
