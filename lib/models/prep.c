/* prep: scalers, encoders and the column transformer (fit / transform).
 * The text form is in prep_io.c. */
#include "models/prep.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"

double prep_percentile_sorted(const double *v, size_t n, double q)
{
    /* numpy "linear", as stats_quantile_sorted (the same virtual index (n-1) q). */
    return stats_quantile_sorted(v, n, q / 100.0);
}

static int fit_standard(const double *x, size_t n, struct prep_scale *s)
{
    size_t m;
    double sum = stats_nan_sum(x, n, &m);
    if (m == 0)
        return ERR_DATA;
    double mean = sum / (double)m;
    /* sklearn's _incremental_mean_and_var: sum of squared deviations minus
     * the squared sum of deviations / n (a rounding correction). */
    double corr, ss = stats_nan_ss(x, n, mean, &corr);
    double var = (ss - corr * corr / (double)m) / (double)m;
    /* _is_constant_feature: var within the rounding error of its own
     * computation means a constant column; it scales by 1 (maps to 0). */
    double bound = (double)m * DBL_EPSILON * var + pow((double)m * mean * DBL_EPSILON, 2);
    s->a = mean;
    s->b = var <= bound ? 1.0 : sqrt(var);
    return ERR_OK;
}

static int fit_minmax(const double *x, size_t n, struct prep_scale *s)
{
    double lo = INFINITY, hi = -INFINITY;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            lo = fmin(lo, x[i]);
            hi = fmax(hi, x[i]);
            m++;
        }
    if (m == 0)
        return ERR_DATA;
    double range = hi - lo;
    /* _handle_zeros_in_scale: a range below 10 eps counts as zero */
    if (range < 10 * DBL_EPSILON)
        range = 1.0;
    s->a = 1.0 / range;
    s->b = 0.0 - lo * s->a;
    return ERR_OK;
}

static int fit_robust(const double *x, size_t n, struct prep_scale *s)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return ERR_NOMEM;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            v[m++] = x[i];
    if (m == 0) {
        free(v);
        return ERR_DATA;
    }
    /* The order statistics a sort would give, by selection (O(m)). */
    double med = m % 2 ? stats_select(v, m, m / 2) : (stats_select(v, m, m / 2 - 1) + stats_select(v, m, m / 2)) / 2;
    double iqr = stats_quantile_select(v, m, 0.75) - stats_quantile_select(v, m, 0.25);
    free(v);
    s->a = med;
    s->b = iqr < 10 * DBL_EPSILON ? 1.0 : iqr;
    return ERR_OK;
}

int prep_scale_fit(enum prep_scaler kind, const double *x, size_t n, struct prep_scale *s, struct err *e)
{
    int rc = ERR_OK;
    s->kind = kind;
    switch (kind) {
    case PREP_PASSTHROUGH:
        s->a = 0;
        s->b = 1;
        break;
    case PREP_STANDARD: rc = fit_standard(x, n, s); break;
    case PREP_MINMAX: rc = fit_minmax(x, n, s); break;
    case PREP_ROBUST: rc = fit_robust(x, n, s); break;
    default: return err_set(e, ERR_PARAMS, "expected a scaler kind 0..3, found %d", (int)kind);
    }
    if (rc == ERR_DATA)
        return err_set(e, ERR_DATA, "expected a number to fit the scaler on, found only missing values");
    if (rc == ERR_NOMEM)
        return err_set(e, ERR_NOMEM, "out of memory");
    return ERR_OK;
}

double prep_scale_apply(const struct prep_scale *s, double x)
{
    if (s->kind == PREP_MINMAX)
        return x * s->a + s->b;
    if (s->kind == PREP_PASSTHROUGH)
        return x;
    return (x - s->a) / s->b;
}

static void feature_clear(struct prep_feature *f)
{
    free(f->name);
    for (size_t c = 0; c < f->ncat; c++)
        free(f->cats[c]);
    free(f->cats);
}

void prep_free(struct prep *p)
{
    if (!p)
        return;
    for (size_t j = 0; j < p->nfeat; j++)
        feature_clear(&p->feat[j]);
    free(p->feat);
    for (size_t j = 0; j < p->nout; j++)
        free(p->out_names[j]);
    free(p->out_names);
    free(p->out_feat);
    free(p);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Index of v among the feature's categories, or -1. Nominal categories are
 * sorted (binary search); ordinal ones are few and in the user's order. */
long prep_category_index(const struct prep_feature *f, const char *v)
{
    if (f->role == PREP_NOMINAL) {
        size_t lo = 0, hi = f->ncat;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = strcmp(f->cats[mid], v);
            if (c == 0)
                return (long)mid;
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return -1;
    }
    for (size_t c = 0; c < f->ncat; c++)
        if (strcmp(f->cats[c], v) == 0)
            return (long)c;
    return -1;
}

int prep_layout(struct prep *p, struct err *e)
{
    size_t nout = 0;
    for (size_t j = 0; j < p->nfeat; j++) {
        struct prep_feature *f = &p->feat[j];
        f->out0 = nout;
        if (f->role == PREP_NOMINAL)
            f->nout = f->ncat - (f->drop_first && f->ncat > 0 ? 1 : 0);
        else
            f->nout = 1;
        nout += f->nout;
    }
    p->out_names = calloc(nout ? nout : 1, sizeof *p->out_names);
    p->out_feat = malloc((nout ? nout : 1) * sizeof *p->out_feat);
    if (!p->out_names || !p->out_feat)
        return err_set(e, ERR_NOMEM, "out of memory");
    p->nout = nout;
    for (size_t j = 0; j < p->nfeat; j++) {
        struct prep_feature *f = &p->feat[j];
        for (size_t k = 0; k < f->nout; k++) {
            size_t o = f->out0 + k;
            p->out_feat[o] = j;
            if (f->role == PREP_NOMINAL) {
                const char *cat = f->cats[k + (f->drop_first ? 1 : 0)];
                size_t len = strlen(f->name) + 1 + strlen(cat) + 1;
                p->out_names[o] = malloc(len);
                if (p->out_names[o])
                    snprintf(p->out_names[o], len, "%s=%s", f->name, cat);
            } else {
                p->out_names[o] = strdup(f->name);
            }
            if (!p->out_names[o])
                return err_set(e, ERR_NOMEM, "out of memory");
        }
    }
    return ERR_OK;
}

static size_t row_at(const size_t *rows, size_t i)
{
    return rows ? rows[i] : i;
}

/* The distinct values of v[0..n), sorted, into v[0..m): m; SIZE_MAX (v
 * unchanged) when there are more than PREP_FEW_CATS. A pass that compares
 * each value with the few seen so far, instead of sorting n strings. */
#define PREP_FEW_CATS 64
static size_t distinct_few(const char **v, size_t n)
{
    const char *seen[PREP_FEW_CATS];
    size_t m = 0, last = 0; /* last: the index in seen of the previous value's match */
    for (size_t i = 0; i < n; i++) {
        if (m && (v[i] == seen[last] || strcmp(v[i], seen[last]) == 0))
            continue;
        size_t c = 0;
        while (c < m && strcmp(v[i], seen[c]) != 0)
            c++;
        if (c == m) {
            if (m == PREP_FEW_CATS)
                return SIZE_MAX;
            seen[m++] = v[i];
        }
        last = c;
    }
    qsort(seen, m, sizeof *seen, cmp_str);
    for (size_t c = 0; c < m; c++)
        v[c] = seen[c];
    return m;
}

static int fit_nominal(struct prep_feature *f, const char *const *x, const size_t *rows, size_t n,
                       struct err *e)
{
    const char **v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        v[i] = x[row_at(rows, i)];
        if (!v[i]) {
            free(v);
            return err_set(e, ERR_DATA, "feature \"%s\", row %zu: expected a category, found a missing value",
                           f->name, row_at(rows, i));
        }
    }
    size_t m = distinct_few(v, n);
    if (m == SIZE_MAX) { /* many categories: sort them all */
        qsort(v, n, sizeof *v, cmp_str);
        m = 0;
        for (size_t i = 0; i < n; i++)
            if (m == 0 || strcmp(v[i], v[m - 1]) != 0)
                v[m++] = v[i];
    }
    f->cats = calloc(m ? m : 1, sizeof *f->cats);
    if (!f->cats) {
        free(v);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    for (size_t c = 0; c < m; c++) {
        f->cats[c] = strdup(v[c]);
        f->ncat = c + 1;
        if (!f->cats[c]) {
            free(v);
            return err_set(e, ERR_NOMEM, "out of memory");
        }
    }
    free(v);
    return ERR_OK;
}

/* Ordinal code of row r, or an error naming the unknown value. */
static int ordinal_code(const struct prep_feature *f, const char *v, size_t r, double *code, struct err *e)
{
    if (!v)
        return err_set(e, ERR_DATA, "feature \"%s\", row %zu: expected a category, found a missing value", f->name, r);
    long c = prep_category_index(f, v);
    if (c < 0)
        return err_set(e, ERR_DATA, "feature \"%s\", row %zu: expected one of the %zu ordered categories, found \"%s\"",
                       f->name, r, f->ncat, v);
    *code = (double)c;
    return ERR_OK;
}

static int fit_feature(struct prep_feature *f, const struct prep_spec *sp, const struct prep_input *in,
                       const size_t *rows, size_t n, struct err *e)
{
    f->role = sp->role;
    f->drop_first = sp->role == PREP_NOMINAL && sp->drop_first;
    f->scale.kind = PREP_PASSTHROUGH;
    f->scale.a = 0;
    f->scale.b = 1;
    if (sp->role == PREP_NOMINAL) {
        if (!in->str)
            return err_set(e, ERR_PARAMS, "feature \"%s\": expected string data for a nominal feature", f->name);
        return fit_nominal(f, in->str, rows, n, e);
    }
    double *x = malloc((n ? n : 1) * sizeof *x);
    if (!x)
        return err_set(e, ERR_NOMEM, "out of memory");
    int rc = ERR_OK;
    if (sp->role == PREP_NUMERIC) {
        if (!in->num)
            rc = err_set(e, ERR_PARAMS, "feature \"%s\": expected numeric data", f->name);
        for (size_t i = 0; !rc && i < n; i++)
            x[i] = in->num[row_at(rows, i)];
    } else if (sp->role == PREP_ORDINAL) {
        if (!in->str || sp->norder == 0)
            rc = err_set(e, ERR_PARAMS, "feature \"%s\": expected string data and a category order", f->name);
        if (!rc && !(f->cats = calloc(sp->norder, sizeof *f->cats)))
            rc = err_set(e, ERR_NOMEM, "out of memory");
        for (size_t c = 0; !rc && c < sp->norder; c++) {
            if (!(f->cats[c] = strdup(sp->order[c])))
                rc = err_set(e, ERR_NOMEM, "out of memory");
            f->ncat = c + 1;
        }
        for (size_t i = 0; !rc && i < n; i++)
            rc = ordinal_code(f, in->str[row_at(rows, i)], row_at(rows, i), &x[i], e);
    } else {
        rc = err_set(e, ERR_PARAMS, "feature \"%s\": expected a role 0..2, found %d", f->name, (int)sp->role);
    }
    if (!rc && (rc = prep_scale_fit(sp->scaler, x, n, &f->scale, e)))
        err_prefix(e, "feature \"%s\": ", f->name);
    free(x);
    return rc;
}

int prep_fit(const struct prep_spec *spec, size_t nfeat, const struct prep_input *in,
             const size_t *rows, size_t nrows, struct prep **out, struct err *e)
{
    *out = NULL;
    if (nrows == 0)
        return err_set(e, ERR_DATA, "expected training rows to fit preprocessing on, found none");
    struct prep *p = calloc(1, sizeof *p);
    if (!p || !(p->feat = calloc(nfeat ? nfeat : 1, sizeof *p->feat))) {
        free(p);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    p->nfeat = nfeat;
    int rc = ERR_OK;
    for (size_t j = 0; !rc && j < nfeat; j++) {
        if (!spec[j].name || strpbrk(spec[j].name, "\t\n\r"))
            rc = err_set(e, ERR_PARAMS, "feature %zu: expected a name without tabs or line breaks", j);
        else if (!(p->feat[j].name = strdup(spec[j].name)))
            rc = err_set(e, ERR_NOMEM, "out of memory");
        else
            rc = fit_feature(&p->feat[j], &spec[j], &in[j], rows, nrows, e);
    }
    if (!rc)
        rc = prep_layout(p, e);
    if (rc) {
        prep_free(p);
        return rc;
    }
    *out = p;
    return ERR_OK;
}

int prep_transform(const struct prep *p, const struct prep_input *in, const size_t *rows,
                   size_t nrows, double *X, struct err *e)
{
    for (size_t j = 0; j < p->nfeat; j++) {
        const struct prep_feature *f = &p->feat[j];
        if ((f->role == PREP_NUMERIC && !in[j].num) || (f->role != PREP_NUMERIC && !in[j].str))
            return err_set(e, ERR_PARAMS, "feature \"%s\": expected %s data", f->name,
                           f->role == PREP_NUMERIC ? "numeric" : "string");
        for (size_t i = 0; i < nrows; i++) {
            size_t r = row_at(rows, i);
            double *o = X + i * p->nout + f->out0;
            if (f->role == PREP_NUMERIC) {
                o[0] = prep_scale_apply(&f->scale, in[j].num[r]);
            } else if (f->role == PREP_ORDINAL) {
                double code;
                int rc = ordinal_code(f, in[j].str[r], r, &code, e);
                if (rc)
                    return rc;
                o[0] = prep_scale_apply(&f->scale, code);
            } else {
                const char *v = in[j].str[r];
                if (!v)
                    return err_set(e, ERR_DATA, "feature \"%s\", row %zu: expected a category, found a missing value",
                                   f->name, r);
                for (size_t k = 0; k < f->nout; k++)
                    o[k] = 0.0;
                /* Unknown, or the dropped first category: all zeros. */
                long c = prep_category_index(f, v) - (f->drop_first ? 1 : 0);
                if (c >= 0)
                    o[c] = 1.0;
            }
        }
    }
    return ERR_OK;
}
