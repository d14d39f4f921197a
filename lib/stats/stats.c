/* stats: descriptive statistics and classical tests on NaN-aware arrays. */
#include "stats/stats.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

/* Non-NaN values of x copied to a new array; *m gets their count. */
static double *copy_finite(const double *x, size_t n, size_t *m, struct err *e)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        err_set(e, ERR_NOMEM, "stats: out of memory for %zu values", n);
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            v[k++] = x[i];
    *m = k;
    return v;
}

/* Mean and ddof=1 variance of the non-NaN values, two passes as pandas. */
static void mean_var(const double *x, size_t n, size_t *count, double *mean, double *var)
{
    size_t k;
    double s = stats_nan_sum(x, n, &k), dev;
    *count = k;
    *mean = k ? s / (double)k : NAN;
    *var = k < 2 ? NAN : stats_nan_ss(x, n, *mean, &dev) / (double)(k - 1);
}

double stats_nan_sum(const double *x, size_t n, size_t *count)
{
    size_t k = 0;
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            s += x[i];
            k++;
        }
    *count = k;
    return s;
}

double stats_nan_ss(const double *x, size_t n, double mean, double *dev)
{
    double ss = 0.0, sd = 0.0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            double d = x[i] - mean;
            sd += d;
            ss += d * d;
        }
    *dev = sd;
    return ss;
}

/* numpy's linear quantile: the virtual index h = (n-1) q, its floor *i and
 * fraction *t; 0 when the answer is the last element (n > 0, q not NaN). */
static int quantile_at(size_t n, double q, size_t *i, double *t)
{
    double h = (double)(n - 1) * q, lo = floor(h);
    *i = (size_t)lo;
    *t = h - lo;
    return *i < n - 1;
}

/* numpy's _lerp: from the nearer end, so t = 1 gives b exactly */
static double lerp(double a, double b, double t)
{
    double d = b - a;
    return t >= 0.5 ? b - d * (1.0 - t) : a + d * t;
}

double stats_quantile_sorted(const double *sorted, size_t n, double q)
{
    size_t i;
    double t;
    if (n == 0 || isnan(q))
        return NAN;
    return quantile_at(n, q, &i, &t) ? lerp(sorted[i], sorted[i + 1], t) : sorted[n - 1];
}

double stats_select(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n; /* v[k] lies in [lo, hi) */
    while (hi - lo > 1) {
        /* The median of three as the pivot, then three ways: < p, = p, > p. */
        double a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi - 1];
        double p = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            double x = v[i];
            if (x < p) {
                v[i++] = v[lt];
                v[lt++] = x;
            } else if (x > p) {
                v[i] = v[--gt];
                v[gt] = x;
            } else {
                i++;
            }
        }
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return p;
    }
    return v[k];
}

double stats_quantile_select(double *v, size_t n, double q)
{
    size_t i;
    double t;
    if (n == 0 || isnan(q))
        return NAN;
    if (!quantile_at(n, q, &i, &t))
        return stats_select(v, n, n - 1);
    double a = stats_select(v, n, i), b = v[i + 1];
    /* Selection leaves v[i + 1..n) >= v[i]: the next order statistic is their least. */
    for (size_t k = i + 2; k < n; k++)
        b = v[k] < b ? v[k] : b;
    return lerp(a, b, t);
}

double stats_expit(double t)
{
    if (t >= 0)
        return 1.0 / (1.0 + exp(-t));
    double et = exp(t);
    return et / (1.0 + et);
}

int stats_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* pandas' _zero_out_fperr: sums of powers below 1e-14 are rounding noise. */
static double zero_fperr(double v) { return fabs(v) < 1e-14 ? 0.0 : v; }

int stats_describe(const double *x, size_t n, struct stats_summary *s, struct err *e)
{
    size_t m;
    double *v = copy_finite(x, n, &m, e);
    if (!v)
        return ERR_NOMEM;
    s->count = m;
    s->missing = n - m;
    s->outliers = 0;
    double var;
    mean_var(v, m, &m, &s->mean, &var);
    s->std = sqrt(var);
    s->skew = NAN;
    if (m >= 3) {
        double m2 = 0.0, m3 = 0.0;
        for (size_t i = 0; i < m; i++) {
            double d = v[i] - s->mean, d2 = d * d;
            m2 += d2;
            m3 += d2 * d;
        }
        m2 = zero_fperr(m2);
        m3 = zero_fperr(m3);
        double cnt = (double)m;
        s->skew = m2 == 0.0 ? 0.0 : (cnt * sqrt(cnt - 1.0) / (cnt - 2.0)) * (m3 / pow(m2, 1.5));
    }
    /* glibc's qsort (a merge sort) is several times faster than GSL's heapsort */
    qsort(v, m, sizeof *v, stats_cmp_double);
    s->min = m ? v[0] : NAN;
    s->max = m ? v[m - 1] : NAN;
    s->q25 = stats_quantile_sorted(v, m, 0.25);
    s->median = stats_quantile_sorted(v, m, 0.5);
    s->q75 = stats_quantile_sorted(v, m, 0.75);
    if (m) {
        double iqr = s->q75 - s->q25;
        double lo = s->q25 - 1.5 * iqr, hi = s->q75 + 1.5 * iqr;
        for (size_t i = 0; i < m; i++)
            if (v[i] < lo || v[i] > hi)
                s->outliers++;
    }
    free(v);
    return ERR_OK;
}

int stats_smd(const double *x, size_t nx, const double *y, size_t ny, double *smd, struct err *e)
{
    (void)e;
    size_t kx, ky;
    double mx, my, vx, vy;
    mean_var(x, nx, &kx, &mx, &vx);
    mean_var(y, ny, &ky, &my, &vy);
    *smd = NAN;
    if (kx < 2 || ky < 2)
        return ERR_OK;
    double pooled = sqrt(((double)(kx - 1) * vx + (double)(ky - 1) * vy) / (double)(kx + ky - 2));
    if (pooled > 0.0)
        *smd = (mx - my) / pooled;
    return ERR_OK;
}

int stats_welch_ttest(const double *x, size_t nx, const double *y, size_t ny, struct stats_ttest *res,
                      struct err *e)
{
    (void)e;
    size_t kx, ky;
    double mx, my, vx, vy;
    mean_var(x, nx, &kx, &mx, &vx);
    mean_var(y, ny, &ky, &my, &vy);
    res->t = res->df = res->p = NAN;
    if (kx < 2 || ky < 2)
        return ERR_OK;
    double vnx = vx / (double)kx, vny = vy / (double)ky;
    double se2 = vnx + vny;
    if (!(se2 > 0.0))
        return ERR_OK;
    res->t = (mx - my) / sqrt(se2);
    res->df = se2 * se2 / (vnx * vnx / (double)(kx - 1) + vny * vny / (double)(ky - 1));
    /* Two-sided p as the regularized incomplete beta I_{df/(df+t^2)}(df/2, 1/2):
     * gsl_cdf_tdist_Q loses ~1e-7 relative accuracy deep in the tail. */
    res->p = gsl_cdf_beta_P(res->df / (res->df + res->t * res->t), res->df / 2.0, 0.5);
    return ERR_OK;
}

int stats_chi2_contingency(const double *O, size_t r, size_t c, int correction, enum stats_chi2_lambda lambda,
                           struct stats_chi2 *res, struct err *e)
{
    if (r == 0 || c == 0)
        return err_set(e, ERR_DATA, "chi2: expected a non-empty table, found %zu x %zu", r, c);
    double *rs = calloc(r + c, sizeof *rs);
    if (!rs)
        return err_set(e, ERR_NOMEM, "chi2: out of memory");
    double *cs = rs + r, n = 0.0;
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++) {
            double o = O[i * c + j];
            if (!isfinite(o) || o < 0.0) {
                free(rs);
                return err_set(e, ERR_DATA, "chi2: expected a count >= 0 in cell (%zu, %zu), found %g", i, j, o);
            }
            rs[i] += o;
            cs[j] += o;
            n += o;
        }
    for (size_t i = 0; i < r + c; i++)
        if (rs[i] == 0.0) {
            free(rs);
            return err_set(e, ERR_DATA, "chi2: expected no empty %s, found %s %zu with sum 0",
                           i < r ? "rows" : "columns", i < r ? "row" : "column", i < r ? i : i - r);
        }
    res->dof = (r - 1) * (c - 1);
    double stat = 0.0;
    if (res->dof > 0) {
        int yates = correction && res->dof == 1;
        for (size_t i = 0; i < r; i++)
            for (size_t j = 0; j < c; j++) {
                double ex = rs[i] * cs[j] / n, o = O[i * c + j];
                if (yates) {
                    /* move O toward E by at most 0.5 */
                    double d = ex - o, mag = fmin(0.5, fabs(d));
                    o += d > 0.0 ? mag : d < 0.0 ? -mag : 0.0;
                }
                if (lambda == STATS_CHI2_PEARSON) {
                    double d = o - ex;
                    stat += d * d / ex;
                } else if (o > 0.0) {
                    stat += 2.0 * o * log(o / ex);
                }
            }
    }
    free(rs);
    res->stat = stat;
    res->p = res->dof > 0 ? gsl_cdf_chisq_Q(stat, (double)res->dof) : 1.0;
    return ERR_OK;
}

/* qsort has no context argument in C11: sort (p, index) pairs instead. */
struct holm_item {
    double p;
    size_t i;
};

static int cmp_holm(const void *a, const void *b)
{
    const struct holm_item *x = a, *y = b;
    if (x->p < y->p)
        return -1;
    if (x->p > y->p)
        return 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

int stats_holm(const double *p, size_t m, double *adj, struct err *e)
{
    struct holm_item *it = malloc((m ? m : 1) * sizeof *it);
    if (!it)
        return err_set(e, ERR_NOMEM, "holm: out of memory for %zu p-values", m);
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
        if (isnan(p[i]))
            continue;
        if (p[i] < 0.0 || p[i] > 1.0) {
            free(it);
            return err_set(e, ERR_DATA, "holm: expected a p-value in [0, 1] at %zu, found %g", i, p[i]);
        }
        it[k].p = p[i];
        it[k].i = i;
        k++;
    }
    qsort(it, k, sizeof *it, cmp_holm);
    for (size_t i = 0; i < m; i++)
        if (isnan(p[i]))
            adj[i] = NAN;
    double run = 0.0;
    for (size_t j = 0; j < k; j++) {
        double v = (double)(k - j) * it[j].p;
        if (v > run)
            run = v;
        adj[it[j].i] = run > 1.0 ? 1.0 : run;
    }
    free(it);
    return ERR_OK;
}
