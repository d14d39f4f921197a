/* phik: phi_K correlation and significance (phik 0.12 semantics, see phik.h). */
#include "core/order.h"
#include "stats/phik.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "stats/bvn.h"
#include "stats/stats.h"

#define PHIK_TWOPI 6.283185307179586476925286766559

/* numpy.linspace(start, stop, num + 1) with endpoint: step = (stop - start) /
 * num, e[k] = k * step + start, e[num] = stop. Bit-exact only without FMA
 * contraction (-ffp-contract=off): "k * step + start" must round twice. */
static void linspace(double start, double stop, int num, double *e)
{
    double step = (stop - start) / num;
    for (int k = 0; k < num; k++)
        e[k] = (double)k * step + start;
    e[num] = stop;
}

/* ------------------------------------------------------------ columns ---- */

int phik_bin_edges(const double *x, size_t n, int nbins, double *edges)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        if (x[i] < lo)
            lo = x[i];
        if (x[i] > hi)
            hi = x[i];
    }
    if (nbins < 1 || !(lo < hi) || !isfinite(lo) || !isfinite(hi))
        return 0;
    /* phik lowers the first edge a hair so that the minimum falls inside
     * bin 1 of a left-open binning. */
    double start = lo - fmax(1e-14 * fabs(lo), DBL_MIN);
    linspace(start, hi, nbins, edges);
    return 1;
}

int phik_bin_interval(const double *x, size_t n, int nbins, int *codes, int *nlevels, struct err *e)
{
    if (nbins < 1)
        return err_set(e, ERR_PARAMS, "phik: expected bins >= 1, found %d", nbins);
    double *edges = malloc(((size_t)nbins + 1) * sizeof *edges);
    if (!edges)
        return err_set(e, ERR_NOMEM, "phik: out of memory for %d bin edges", nbins);
    for (size_t i = 0; i < n; i++)
        codes[i] = -1;
    *nlevels = 0;
    for (size_t i = 0; i < n; i++)
        if (isinf(x[i])) {
            free(edges);
            return err_set(e, ERR_DATA, "phik: expected finite numbers to bin, found %g at row %zu", x[i], i);
        }
    if (!phik_bin_edges(x, n, nbins, edges)) {
        free(edges);
        return ERR_OK;
    }
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        /* searchsorted left: the number of edges strictly below x */
        int lo = 0, hi = nbins + 1;
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            if (edges[mid] < x[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        /* lo is in 1..nbins: edge[0] < min and max == edge[nbins] */
        codes[i] = lo - 1;
    }
    *nlevels = nbins;
    free(edges);
    return ERR_OK;
}

struct str_item {
    const char *s;
    size_t i;
};

static int cmp_str_item(const void *a, const void *b)
{
    const struct str_item *x = a, *y = b;
    int c = strcmp(x->s, y->s);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

int phik_levels_from_strings(const char *const *s, size_t n, int *codes, int *nlevels, struct err *e)
{
    struct str_item *it = malloc((n ? n : 1) * sizeof *it);
    if (!it)
        return err_set(e, ERR_NOMEM, "phik: out of memory for %zu strings", n);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        codes[i] = -1;
        if (s[i]) {
            it[m].s = s[i];
            it[m].i = i;
            m++;
        }
    }
    qsort(it, m, sizeof *it, cmp_str_item);
    int level = -1;
    for (size_t k = 0; k < m; k++) {
        if (k == 0 || strcmp(it[k].s, it[k - 1].s) != 0)
            level++;
        codes[it[k].i] = level;
    }
    *nlevels = level + 1;
    free(it);
    return ERR_OK;
}

int phik_levels_from_numbers(const double *x, size_t n, int *codes, int *nlevels, struct err *e)
{
    /* Ascending, NaN last (core/order.h): equal values share a level. */
    size_t *ord = malloc((n ? n : 1) * sizeof *ord);
    if (!ord || order_by(x, n, 0, ord)) {
        free(ord);
        return err_set(e, ERR_NOMEM, "phik: out of memory for %zu values", n);
    }
    int level = -1;
    for (size_t k = 0; k < n; k++) {
        size_t i = ord[k];
        codes[i] = -1;
        if (isnan(x[i]))
            continue;
        if (k == 0 || x[i] != x[ord[k - 1]])
            level++;
        codes[i] = level;
    }
    *nlevels = level + 1;
    free(ord);
    return ERR_OK;
}

/* -------------------------------------------------------------- table ---- */

/* Dense index of each code that occurs in the pair's complete records:
 * map[code] = row (or -1); returns the count of occupied levels. */
static size_t occupied_levels(const int *a, const int *b, size_t n, int maxcode, int *map)
{
    for (int k = 0; k <= maxcode; k++)
        map[k] = 0;
    for (size_t i = 0; i < n; i++)
        if (a[i] >= 0 && b[i] >= 0)
            map[a[i]] = 1;
    size_t r = 0;
    for (int k = 0; k <= maxcode; k++)
        map[k] = map[k] ? (int)r++ : -1;
    return r;
}

int phik_table(const int *a, const int *b, size_t n, double **O, size_t *r, size_t *c, struct err *e)
{
    int amax = -1, bmax = -1;
    for (size_t i = 0; i < n; i++) {
        if (a[i] > amax)
            amax = a[i];
        if (b[i] > bmax)
            bmax = b[i];
    }
    if (amax == INT_MAX || bmax == INT_MAX)
        return err_set(e, ERR_DATA, "phik: expected level codes below %d, found %d", INT_MAX, INT_MAX);
    int *amap = malloc(((size_t)amax + 2) * sizeof *amap);
    int *bmap = malloc(((size_t)bmax + 2) * sizeof *bmap);
    if (!amap || !bmap) {
        free(amap);
        free(bmap);
        return err_set(e, ERR_NOMEM, "phik: out of memory for level maps");
    }
    *r = occupied_levels(a, b, n, amax, amap);
    *c = occupied_levels(b, a, n, bmax, bmap);
    *O = calloc(*r * *c + 1, sizeof **O);
    if (!*O) {
        free(amap);
        free(bmap);
        return err_set(e, ERR_NOMEM, "phik: out of memory for a %zu x %zu table", *r, *c);
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] >= 0 && b[i] >= 0)
            (*O)[(size_t)amap[a[i]] * *c + (size_t)bmap[b[i]]] += 1.0;
    free(amap);
    free(bmap);
    return ERR_OK;
}

/* A copy of O without its empty rows and columns (phik removes them before
 * the statistic); *rr x *cc. NULL on allocation failure. */
static double *drop_empty(const double *O, size_t r, size_t c, size_t *rr, size_t *cc)
{
    double *rs = calloc(r + c, sizeof *rs);
    double *out = malloc((r * c + 1) * sizeof *out);
    if (!rs || !out) {
        free(rs);
        free(out);
        return NULL;
    }
    double *cs = rs + r;
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++) {
            rs[i] += O[i * c + j];
            cs[j] += O[i * c + j];
        }
    size_t k = 0, nr = 0, nc = 0;
    for (size_t j = 0; j < c; j++)
        nc += cs[j] > 0.0;
    for (size_t i = 0; i < r; i++) {
        if (!(rs[i] > 0.0))
            continue;
        nr++;
        for (size_t j = 0; j < c; j++)
            if (cs[j] > 0.0)
                out[k++] = O[i * c + j];
    }
    *rr = nr;
    *cc = nc;
    free(rs);
    return out;
}

static int check_table(const double *O, size_t r, size_t c, double *n, struct err *e)
{
    double s = 0.0;
    for (size_t k = 0; k < r * c; k++) {
        if (!isfinite(O[k]) || O[k] < 0.0)
            return err_set(e, ERR_DATA, "phik: expected counts >= 0, found %g in cell (%zu, %zu)", O[k], k / c,
                           k % c);
        s += O[k];
    }
    *n = s;
    return ERR_OK;
}

/* ------------------------------------------------- reference chi-square ---- */

/* The model side of phi_K for an r x c table of n records: the cell
 * probabilities of the independent normal on the [-5, 5]^2 grid and what is
 * needed to turn a rho into a chi-square. */
struct phik_model {
    size_t r, c;
    double n, pedestal, scale;
    double *ex, *ey; /* r + 1 and c + 1 edges */
    double *p0;      /* r x c, rho = 0 */
};

/* P_rho of every cell, into p. */
static void model_cells(const struct phik_model *m, double rho, double *p)
{
    for (size_t i = 0; i < m->r; i++)
        for (size_t j = 0; j < m->c; j++)
            p[i * m->c + j] = bvn_rect(m->ex[i], m->ex[i + 1], m->ey[j], m->ey[j + 1], rho);
}

/* D(rho) = n sum_{P0 > 0} (P_rho - P0)^2 / P0; work is scratch r x c. */
static double model_distance(const struct phik_model *m, double rho, double *work)
{
    model_cells(m, rho, work);
    double s = 0.0;
    for (size_t k = 0; k < m->r * m->c; k++)
        if (m->p0[k] != 0.0) {
            double d = work[k] - m->p0[k];
            s += d * d / m->p0[k];
        }
    return m->n * s;
}

/* chi2_model(rho) - target, the function whose root is phi_K. */
struct root_ctx {
    const struct phik_model *m;
    double target;
    double *work;
};

static double root_fn(double rho, void *vctx)
{
    const struct root_ctx *ctx = vctx;
    return ctx->m->pedestal + model_distance(ctx->m, rho, ctx->work) * ctx->m->scale - ctx->target;
}

/* Brent's method as scipy.optimize.brentq runs it (same bracketing,
 * interpolation/extrapolation test and minimum step), so that the iterate it
 * stops at, and hence phi_K to the last digits, match phik's: the answer is
 * only good to xtol, and another Brent variant would stop elsewhere. */
static int brentq(double (*f)(double, void *), void *ctx, double xa, double xb, double xtol, double rtol, int iter,
                  double *root)
{
    double xpre = xa, xcur = xb, xblk = 0.0, fblk = 0.0, spre = 0.0, scur = 0.0;
    double fpre = f(xpre, ctx), fcur = f(xcur, ctx);
    if (fpre == 0.0) {
        *root = xpre;
        return 0;
    }
    if (fcur == 0.0) {
        *root = xcur;
        return 0;
    }
    if (signbit(fpre) == signbit(fcur))
        return -1;
    for (int i = 0; i < iter; i++) {
        if (fpre != 0.0 && fcur != 0.0 && signbit(fpre) != signbit(fcur)) {
            xblk = xpre;
            fblk = fpre;
            spre = scur = xcur - xpre;
        }
        if (fabs(fblk) < fabs(fcur)) {
            /* keep the best estimate in xcur */
            xpre = xcur;
            xcur = xblk;
            xblk = xpre;
            fpre = fcur;
            fcur = fblk;
            fblk = fpre;
        }
        double delta = (xtol + rtol * fabs(xcur)) / 2.0;
        double sbis = (xblk - xcur) / 2.0;
        if (fcur == 0.0 || fabs(sbis) < delta) {
            *root = xcur;
            return 0;
        }
        if (fabs(spre) > delta && fabs(fcur) < fabs(fpre)) {
            double stry;
            if (xpre == xblk) {
                /* secant */
                stry = -fcur * (xcur - xpre) / (fcur - fpre);
            } else {
                /* inverse quadratic through the three points */
                double dpre = (fpre - fcur) / (xpre - xcur);
                double dblk = (fblk - fcur) / (xblk - xcur);
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre));
            }
            if (2.0 * fabs(stry) < fmin(fabs(spre), 3.0 * fabs(sbis) - delta)) {
                spre = scur;
                scur = stry;
            } else {
                spre = sbis;
                scur = sbis;
            }
        } else {
            spre = sbis;
            scur = sbis;
        }
        xpre = xcur;
        fpre = fcur;
        if (fabs(scur) > delta)
            xcur += scur;
        else
            xcur += sbis > 0.0 ? delta : -delta;
        fcur = f(xcur, ctx);
    }
    *root = xcur;
    return -2;
}

int phik_from_table(const double *O, size_t r, size_t c, int noise_correction, double *phik, struct err *e)
{
    double n;
    int rc = check_table(O, r, c, &n, e);
    if (rc)
        return rc;
    *phik = NAN;
    if (r <= 1 || c <= 1 || !(n > 0.0))
        return ERR_OK;

    /* Observed Pearson chi-square on the table without empty rows/columns,
     * Yates-corrected when that table is 2 x 2. */
    size_t rr, cc;
    double *Or = drop_empty(O, r, c, &rr, &cc);
    if (!Or)
        return err_set(e, ERR_NOMEM, "phik: out of memory for a %zu x %zu table", r, c);
    double chi2 = 0.0;
    if (rr > 1 && cc > 1) {
        struct stats_chi2 res;
        rc = stats_chi2_contingency(Or, rr, cc, 1, STATS_CHI2_PEARSON, &res, e);
        if (rc) {
            free(Or);
            return rc;
        }
        chi2 = res.stat;
    }
    free(Or);

    struct phik_model m = {.r = r, .c = c, .n = n};
    double ndof = (double)(r - 1) * (double)(c - 1);
    if (noise_correction) {
        /* effective dof: cells with E = 0 (empty row or column) carry none */
        size_t zr = r - rr, zc = c - cc;
        double zero_cells = (double)(zr * c + zc * r - zr * zc);
        m.pedestal = fmax(0.0, ndof - zero_cells);
    }
    double chi2max = n * (double)((r < c ? r : c) - 1);

    m.ex = malloc((r + 1 + c + 1 + 2 * r * c) * sizeof *m.ex);
    if (!m.ex)
        return err_set(e, ERR_NOMEM, "phik: out of memory for a %zu x %zu model", r, c);
    m.ey = m.ex + r + 1;
    m.p0 = m.ey + c + 1;
    double *work = m.p0 + r * c;
    linspace(-5.0, 5.0, (int)r, m.ex);
    linspace(-5.0, 5.0, (int)c, m.ey);
    model_cells(&m, 0.0, m.p0);
    double chi2one = model_distance(&m, 1.0, work);
    m.scale = (chi2max - m.pedestal) / chi2one;

    /* np.isclose(chi2, chi2max, atol=1e-14) with its default rtol 1e-5 */
    if (chi2 > chi2max && fabs(chi2 - chi2max) <= 1e-14 + 1e-5 * fabs(chi2max))
        chi2 = chi2max;
    if (chi2 <= m.pedestal) {
        *phik = 0.0;
    } else if (chi2 >= chi2max) {
        *phik = 1.0;
    } else {
        struct root_ctx ctx = {&m, chi2, work};
        if (brentq(root_fn, &ctx, 0.0, 1.0, 1e-5, 4.0 * DBL_EPSILON, 100, phik) != 0) {
            free(m.ex);
            *phik = NAN;
            return err_set(e, ERR_NUM, "phik: root of the chi-square model did not converge (chi2 %g, %zu x %zu)",
                           chi2, r, c);
        }
    }
    free(m.ex);
    return ERR_OK;
}

int phik_pair(const int *a, const int *b, size_t n, int noise_correction, double *phik, struct err *e)
{
    if (a == b) {
        *phik = 1.0;
        return ERR_OK;
    }
    double *O;
    size_t r, c;
    int rc = phik_table(a, b, n, &O, &r, &c, e);
    if (rc)
        return rc;
    rc = phik_from_table(O, r, c, noise_correction, phik, e);
    free(O);
    return rc;
}

/* --------------------------------------------------------- significance ---- */

int phik_significance_from_table(const double *O, size_t r, size_t c, double *z, struct err *e)
{
    double n;
    int rc = check_table(O, r, c, &n, e);
    if (rc)
        return rc;
    *z = NAN;
    size_t rr, cc;
    double *Or = drop_empty(O, r, c, &rr, &cc);
    if (!Or)
        return err_set(e, ERR_NOMEM, "phik: out of memory for a %zu x %zu table", r, c);
    if (rr <= 1 || cc <= 1) {
        free(Or);
        return ERR_OK;
    }
    struct stats_chi2 res;
    rc = stats_chi2_contingency(Or, rr, cc, 1, STATS_CHI2_LOGLIK, &res, e);
    free(Or);
    if (rc)
        return rc;
    double ndof = (double)res.dof;
    double p = gsl_cdf_chisq_Q(res.stat, ndof);
    if (p > 0.0) {
        /* -Phi^-1(p) = Phi^-1(1 - p), without forming 1 - p */
        *z = gsl_cdf_ugaussian_Qinv(p);
    } else {
        /* Chernoff bound on the chi-square tail when p underflows */
        double zz = res.stat / ndof;
        double u = -log(PHIK_TWOPI) - ndof * log(zz) + ndof * (zz - 1.0);
        *z = sqrt(u - log(u));
    }
    return ERR_OK;
}

int phik_significance(const int *a, const int *b, size_t n, double *z, struct err *e)
{
    double *O;
    size_t r, c;
    int rc = phik_table(a, b, n, &O, &r, &c, e);
    if (rc)
        return rc;
    rc = phik_significance_from_table(O, r, c, z, e);
    free(O);
    return rc;
}

int phik_matrix(const int *const *cols, size_t p, size_t n, int noise_correction, double *out, struct err *e)
{
    for (size_t i = 0; i < p; i++) {
        out[i * p + i] = 1.0;
        for (size_t j = i + 1; j < p; j++) {
            double v;
            int rc = phik_pair(cols[i], cols[j], n, noise_correction, &v, e);
            if (rc) {
                err_prefix(e, "pair (%zu, %zu): ", i, j);
                return rc;
            }
            out[i * p + j] = out[j * p + i] = v;
        }
    }
    return ERR_OK;
}

int phik_significance_matrix(const int *const *cols, size_t p, size_t n, double *out, struct err *e)
{
    for (size_t i = 0; i < p; i++) {
        out[i * p + i] = NAN;
        for (size_t j = i + 1; j < p; j++) {
            double v;
            int rc = phik_significance(cols[i], cols[j], n, &v, e);
            if (rc) {
                err_prefix(e, "pair (%zu, %zu): ", i, j);
                return rc;
            }
            out[i * p + j] = out[j * p + i] = v;
        }
    }
    return ERR_OK;
}
