/* shap_kernel: KernelSHAP (Lundberg & Lee 2017) for any model behind a
 * prediction callback.
 *
 * The Shapley values of a game are the solution of a weighted least-squares
 * fit of v(S) - v(∅) on the coalition indicators, with the Shapley kernel
 * (M-1) / (C(M,|S|) |S| (M-|S|)) as weights and sum(phi) = v(N) - v(∅) as a
 * constraint. With every coalition in the fit the answer is exact; otherwise
 * the coalitions are chosen as the shap package does: coalition sizes carry
 * the kernel's total weight, the sizes nearest to 1 and M-1 (the heaviest)
 * are enumerated while the budget covers them, the rest are sampled in
 * complementary pairs and reweighted to the weight of the sizes they stand
 * for. */
#include "core/mem.h"
#include "explain/shap.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

/* Rows per prediction call: large enough to amortise the callback, small
 * enough that the mixed rows stay in a few megabytes. */
#define KS_CHUNK_ROWS 8192

/* A set of coalitions over M players: mask[k*M + j] = 1 when player j is in
 * coalition k; w[k] its weight in the fit. A hash index over the masks lets
 * sampling merge repeats into one coalition with a larger weight. */
struct design {
    size_t M, n, cap;
    unsigned char *mask;
    double *w;
    size_t *slot; /* open addressing, hcap entries: coalition index + 1, 0 = empty */
    size_t hcap;
};

static void design_free(struct design *d)
{
    free(d->mask);
    free(d->w);
    free(d->slot);
}

static int design_init(struct design *d, size_t M, size_t cap, struct err *e)
{
    memset(d, 0, sizeof *d);
    d->M = M;
    d->cap = cap;
    d->hcap = 16;
    while (d->hcap < 2 * cap)
        d->hcap *= 2;
    d->mask = malloc(cap * M);
    d->w = malloc(cap * sizeof *d->w);
    d->slot = calloc(d->hcap, sizeof *d->slot);
    if (!d->mask || !d->w || !d->slot) {
        design_free(d);
        return err_set(e, ERR_NOMEM, "shap: out of memory for %zu coalitions of %zu players", cap, M);
    }
    return ERR_OK;
}

static uint64_t mask_hash(const unsigned char *m, size_t M)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t j = 0; j < M; j++) {
        h ^= m[j];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Add weight w to coalition m, inserting it when new. Returns 1 when the
 * coalition is new, 0 when it was merged, -1 when the design is full. */
static int design_add(struct design *d, const unsigned char *m, double w)
{
    size_t h = (size_t)mask_hash(m, d->M) & (d->hcap - 1);
    while (d->slot[h]) {
        size_t k = d->slot[h] - 1;
        if (memcmp(d->mask + k * d->M, m, d->M) == 0) {
            d->w[k] += w;
            return 0;
        }
        h = (h + 1) & (d->hcap - 1);
    }
    if (d->n == d->cap)
        return -1;
    memcpy(d->mask + d->n * d->M, m, d->M);
    d->w[d->n] = w;
    d->slot[h] = ++d->n;
    return 1;
}

static double binom(size_t M, size_t s)
{
    double c = 1.0;
    for (size_t i = 1; i <= s; i++)
        c = c * (double)(M - s + i) / (double)i;
    return c;
}

/* Add every coalition of size s (and its complement when paired) with weight w. */
static void design_add_all(struct design *d, size_t s, int paired, double w, unsigned char *m,
                           size_t *idx)
{
    size_t M = d->M;
    for (size_t i = 0; i < s; i++)
        idx[i] = i;
    for (;;) {
        memset(m, 0, M);
        for (size_t i = 0; i < s; i++)
            m[idx[i]] = 1;
        design_add(d, m, w);
        if (paired) {
            for (size_t j = 0; j < M; j++)
                m[j] = !m[j];
            design_add(d, m, w);
        }
        /* Next combination in lexicographic order. */
        size_t i = s;
        while (i > 0 && idx[i - 1] == M - s + i - 1)
            i--;
        if (i == 0)
            break;
        idx[i - 1]++;
        for (size_t k = i; k < s; k++)
            idx[k] = idx[k - 1] + 1;
    }
}

/* Sample the sizes past the nfull enumerated ones by their kernel weight kw,
 * `left` coalitions in all (rem is scratch for the weights); a draw of a
 * paired size brings its complement, so it counts half. */
static int design_sample(struct design *d, size_t M, size_t nfull, size_t left, const double *kw, double *rem,
                         unsigned char *m, size_t *idx, gsl_rng *r, struct err *e)
{
    size_t nsizes = M / 2, npaired = (M - 1) / 2;
    size_t nfixed = d->n, nsamp = nsizes - nfull;
    double wleft = 0.0;
    double *pw = rem;
    for (size_t s = nfull + 1; s <= nsizes; s++) {
        wleft += kw[s];
        pw[s - nfull - 1] = kw[s] / (s <= npaired ? 2.0 : 1.0);
    }
    gsl_ran_discrete_t *sz = gsl_ran_discrete_preproc(nsamp, pw);
    if (!sz)
        return err_set(e, ERR_NOMEM, "shap: out of memory for coalition sampling");
    size_t added = 0, draws = 0;
    for (size_t j = 0; j < M; j++)
        idx[j] = j;
    while (added < left && draws < 4 * left) {
        draws++;
        size_t s = nfull + 1 + gsl_ran_discrete(r, sz);
        /* Partial Fisher-Yates: the first s of idx are a uniform subset. */
        for (size_t i = 0; i < s; i++) {
            size_t k = i + gsl_rng_uniform_int(r, M - i);
            size_t tmp = idx[i];
            idx[i] = idx[k];
            idx[k] = tmp;
        }
        memset(m, 0, M);
        for (size_t i = 0; i < s; i++)
            m[idx[i]] = 1;
        int got = design_add(d, m, 1.0);
        if (got < 0)
            break;
        added += (size_t)got;
        if (s <= npaired && added < left) {
            for (size_t j = 0; j < M; j++)
                m[j] = !m[j];
            got = design_add(d, m, 1.0);
            if (got < 0)
                break;
            added += (size_t)got;
        }
    }
    gsl_ran_discrete_free(sz);
    double sw = 0.0;
    for (size_t k = nfixed; k < d->n; k++)
        sw += d->w[k];
    for (size_t k = nfixed; k < d->n; k++)
        d->w[k] *= wleft / sw;
    return ERR_OK;
}

/* Choose the coalitions for M >= 2 players within `budget`; all of them when
 * 2^M - 2 fits. */
static int design_build(struct design *d, size_t M, size_t budget, gsl_rng *r, struct err *e)
{
    int exact = M < 63 && ((uint64_t)1 << M) - 2 <= budget;
    size_t nsizes = M / 2, npaired = (M - 1) / 2;
    size_t cap = exact ? ((size_t)1 << M) - 2 : budget;
    int rc = design_init(d, M, cap, e);
    if (rc)
        return rc;
    double *kw = malloc((nsizes + 1) * sizeof *kw);
    double *rem = malloc((nsizes + 1) * sizeof *rem);
    unsigned char *m = malloc(M);
    size_t *idx = malloc(M * sizeof *idx);
    if (!kw || !rem || !m || !idx) {
        rc = err_set(e, ERR_NOMEM, "shap: out of memory for coalitions of %zu players", M);
        goto out;
    }
    /* kw[s]: the kernel's total weight of the coalitions of size s and, when
     * paired, of their complements of size M - s. */
    double tot = 0.0;
    for (size_t s = 1; s <= nsizes; s++) {
        kw[s] = (double)(M - 1) / ((double)s * (double)(M - s));
        if (s <= npaired)
            kw[s] *= 2.0;
        tot += kw[s];
    }
    for (size_t s = 1; s <= nsizes; s++)
        rem[s] = kw[s] /= tot;

    size_t left = budget, nfull = 0;
    for (size_t s = 1; s <= nsizes; s++) {
        int paired = s <= npaired;
        double nsub = binom(M, s) * (paired ? 2.0 : 1.0);
        /* Enumerate a size when its share of the budget covers all of it. */
        if (!exact && !((double)left * rem[s] / nsub >= 1.0 - 1e-8))
            break;
        nfull++;
        left = (double)left > nsub ? left - (size_t)nsub : 0;
        if (rem[s] < 1.0)
            for (size_t t = s + 1; t <= nsizes; t++)
                rem[t] /= 1.0 - rem[s];
        design_add_all(d, s, paired, kw[s] / binom(M, s) / (paired ? 2.0 : 1.0), m, idx);
    }
    if (nfull < nsizes && left > 0)
        rc = design_sample(d, M, nfull, left, kw, rem, m, idx, r, e);
out:
    FREE_ALL(kw, rem, m, idx);
    if (rc)
        design_free(d);
    return rc;
}

/* Everything one explained row needs besides the design. */
struct kctx {
    shap_predict_fn f;
    void *ctx;
    size_t p, nb;
    const double *B, *bw; /* bw normalised to sum 1 */
    const size_t *group;
    double *buf, *out; /* KS_CHUNK_ROWS-sized scratch for mixed rows and predictions */
    size_t chunk;      /* coalitions per prediction call */
    unsigned char *take; /* m groups of each coalition, for a mixer */
    size_t *cols;        /* the coalition's columns, without one */
    const struct shap_mixer *mix;
    size_t m;
};

/* v[k] = sum_b bw[b] f(x on the coalition's columns, B[b] elsewhere). pos[g]
 * is the player of group g, or SIZE_MAX when the group is not a player. The
 * coalitions go to the model (or the mixer) c->chunk at a time. */
static int design_values(const struct kctx *c, const struct design *d, const double *x,
                         const size_t *pos, double *v, struct err *e)
{
    size_t p = c->p, nb = c->nb, m = c->m;
    int rc = c->mix ? c->mix->row(c->mix->ctx, x, e) : ERR_OK;
    for (size_t k0 = 0; k0 < d->n && !rc; k0 += c->chunk) {
        size_t k1 = k0 + c->chunk < d->n ? k0 + c->chunk : d->n;
        for (size_t k = k0; k < k1; k++) {
            const unsigned char *mk = d->mask + k * d->M;
            if (c->mix) {
                unsigned char *t = c->take + (k - k0) * m;
                for (size_t g = 0; g < m; g++)
                    t[g] = pos[g] < d->M && mk[pos[g]];
                continue;
            }
            /* The background row, then x on the coalition's columns: no
             * branch per column (the same rows as choosing per column). */
            size_t nt = 0;
            for (size_t col = 0; col < p; col++) {
                size_t j = pos[c->group[col]];
                if (j < d->M && mk[j])
                    c->cols[nt++] = col;
            }
            double *rows = c->buf + (k - k0) * nb * p;
            for (size_t b = 0; b < nb; b++) {
                double *row = rows + b * p;
                memcpy(row, c->B + b * p, p * sizeof *row);
                for (size_t t = 0; t < nt; t++)
                    row[c->cols[t]] = x[c->cols[t]];
            }
        }
        rc = c->mix ? c->mix->values(c->mix->ctx, c->take, k1 - k0, c->out, e)
                    : c->f(c->ctx, c->buf, (k1 - k0) * nb, p, c->out, e);
        for (size_t k = k0; k < k1 && !rc; k++) {
            double s = 0.0;
            for (size_t b = 0; b < nb; b++)
                s += c->bw[b] * c->out[(k - k0) * nb + b];
            if (!isfinite(s))
                return err_set(e, ERR_NUM, "shap: expected finite model outputs, found %g", s);
            v[k] = s;
        }
    }
    return rc;
}

/* The weighted least squares by SVD (gsl_multifit_wlinear): for a design
 * whose normal matrix Cholesky rejects. */
static int solve_svd(const double *a, const double *yv, const double *wv, size_t K, size_t q, double *coef,
                     struct err *e)
{
    gsl_matrix *A = gsl_matrix_alloc(K, q), *cov = gsl_matrix_alloc(q, q);
    gsl_vector *y = gsl_vector_alloc(K), *w = gsl_vector_alloc(K), *c = gsl_vector_alloc(q);
    gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(K, q);
    int rc = ERR_OK;
    if (!A || !y || !w || !c || !cov || !ws)
        rc = err_set(e, ERR_NOMEM, "shap: out of memory for a %zu x %zu least-squares fit", K, q);
    for (size_t k = 0; !rc && k < K; k++) {
        for (size_t j = 0; j < q; j++)
            gsl_matrix_set(A, k, j, a[k * q + j]);
        gsl_vector_set(y, k, yv[k]);
        gsl_vector_set(w, k, wv[k]);
    }
    double chisq;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int st = rc ? 0 : gsl_multifit_wlinear(A, w, y, c, cov, &chisq, ws);
    gsl_set_error_handler(old);
    if (st)
        rc = err_set(e, ERR_NUM, "shap: weighted least squares failed: %s", gsl_strerror(st));
    for (size_t j = 0; !rc && j < q; j++)
        coef[j] = gsl_vector_get(c, j);
    gsl_matrix_free(A);
    gsl_vector_free(y);
    gsl_vector_free(w);
    gsl_vector_free(c);
    gsl_matrix_free(cov);
    if (ws)
        gsl_multifit_linear_free(ws);
    return rc;
}

/* Weighted least squares for the M players with sum(phi) = delta: the last
 * player is eliminated, phi[M-1] = delta - sum of the others. As the shap
 * package solves it: the normal equations (A'WA) c = A'Wy by Cholesky, q x q
 * with q = M - 1 (a few times faster than an SVD of the K x q design, equal to
 * it up to rounding); the SVD when Cholesky finds A'WA not positive definite. */
static int design_solve(const struct design *d, const double *v, double fnull, double delta, double *phi,
                        struct err *e)
{
    size_t K = d->n, M = d->M, q = M - 1;
    if (K < q)
        return err_set(e, ERR_NUM, "shap: expected at least %zu coalitions for %zu players, found %zu", q, M, K);
    double *a = malloc((K * q + 1) * sizeof *a), *y = malloc((K + 1) * sizeof *y), *c = malloc((q + 1) * sizeof *c);
    gsl_matrix *G = gsl_matrix_calloc(q ? q : 1, q ? q : 1);
    gsl_vector *r = gsl_vector_calloc(q ? q : 1);
    int rc = a && y && c && G && r ? ERR_OK : err_set(e, ERR_NOMEM, "shap: out of memory for %zu players", M);
    for (size_t k = 0; !rc && k < K; k++) {
        const unsigned char *m = d->mask + k * M;
        double last = m[M - 1], *ak = a + k * q;
        for (size_t j = 0; j < q; j++)
            ak[j] = (double)m[j] - last;
        y[k] = v[k] - fnull - last * delta;
        /* The lower triangle of A'WA and A'Wy, row by row of the design. */
        double wk = d->w[k];
        for (size_t i = 0; i < q; i++) {
            if (ak[i] == 0.0)
                continue;
            double wi = wk * ak[i];
            double *gi = gsl_matrix_ptr(G, i, 0);
            for (size_t j = 0; j <= i; j++)
                gi[j] += wi * ak[j];
            *gsl_vector_ptr(r, i) += wi * y[k];
        }
    }
    int chol = GSL_EDOM;
    if (!rc && q) {
        gsl_error_handler_t *old = gsl_set_error_handler_off();
        chol = gsl_linalg_cholesky_decomp1(G);
        gsl_vector_view cv = gsl_vector_view_array(c, q);
        if (!chol)
            chol = gsl_linalg_cholesky_solve(G, r, &cv.vector);
        gsl_set_error_handler(old);
    }
    for (size_t j = 0; !rc && !chol && j < q; j++)
        chol = isfinite(c[j]) ? 0 : GSL_EDOM;
    if (!rc && q && chol)
        rc = solve_svd(a, y, d->w, K, q, c, e);
    double s = 0.0;
    for (size_t j = 0; !rc && j < q; j++) {
        phi[j] = c[j];
        s += phi[j];
    }
    if (!rc)
        phi[q] = delta - s;
    free(a);
    free(y);
    free(c);
    gsl_matrix_free(G);
    gsl_vector_free(r);
    return rc;
}

static int same(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

int shap_kernel(shap_predict_fn f, void *ctx, const double *X, size_t n, size_t p,
                const double *B, const double *bw, size_t nb, const size_t *group, size_t m,
                const struct shap_kernel_params *par, double *phi, double *base, double *gap,
                struct err *e)
{
    return shap_kernel_mix(f, ctx, NULL, X, n, p, B, bw, nb, group, m, par, phi, base, gap, e);
}

/* The arguments of shap_kernel_mix, and the background weights' sum. */
static int check_args(shap_predict_fn f, const struct shap_mixer *mix, size_t p, size_t nb, const double *bw,
                      const size_t *group, size_t m, const struct shap_kernel_params *par, double *wsum_out,
                      struct err *e)
{
    if (!f || !par)
        return err_set(e, ERR_PARAMS, "shap: expected a model and KernelSHAP params, found none");
    if (m == 0 || p == 0)
        return err_set(e, ERR_PARAMS, "shap: expected at least one column and one group, found %zu and %zu", p, m);
    if (nb == 0)
        return err_set(e, ERR_PARAMS, "shap: expected a background of at least one row, found none");
    for (size_t col = 0; col < p; col++)
        if (group[col] >= m)
            return err_set(e, ERR_PARAMS, "shap: expected a group index below %zu for column %zu, found %zu",
                           m, col, group[col]);
    double wsum = 0.0;
    int rc = shap_background_sum(bw, nb, &wsum, e);
    if (rc)
        return rc;

    if (mix && (!mix->row || !mix->values))
        return err_set(e, ERR_PARAMS, "shap: expected a mixer with both of its functions");
    *wsum_out = wsum;
    return ERR_OK;
}

/* The players of row x: a group equal to x in every background row is a
 * dummy player (its Shapley value is 0, and leaving it out sharpens the
 * fit). vary[g] says which vary; pos[g] is a varying group's index among
 * them. Returns how many vary. */
static size_t players(const double *x, const double *B, size_t nb, size_t p, const size_t *group, size_t m,
                      unsigned char *vary, size_t *pos)
{
    memset(vary, 0, m);
    for (size_t col = 0; col < p; col++)
        for (size_t b = 0; b < nb && !vary[group[col]]; b++)
            if (!same(B[b * p + col], x[col]))
                vary[group[col]] = 1;
    size_t M = 0;
    for (size_t g = 0; g < m; g++)
        pos[g] = vary[g] ? M++ : SIZE_MAX;
    return M;
}

/* KernelSHAP for one row with M >= 2 players: the coalitions (seeded), their
 * values, the weighted fit; phia[0..M) the players' values. */
static int solve_row(struct kctx *c, const double *x, const size_t *pos, size_t M, double fnull, double delta,
                     size_t budget, unsigned long seed, gsl_rng *r, double *phia, struct err *e)
{
    int exact = M < 63 && ((uint64_t)1 << M) - 2 <= budget;
    if (!exact && budget < 2 * M)
        return err_set(e, ERR_PARAMS, "shap: expected a KernelSHAP budget of at least %zu for %zu players, found %zu",
                       2 * M, M, budget);
    gsl_rng_set(r, seed);
    struct design d;
    int rc = design_build(&d, M, budget, r, e);
    if (rc)
        return rc;
    double *v = malloc(d.n * sizeof *v);
    if (!v)
        rc = err_set(e, ERR_NOMEM, "shap: out of memory for %zu coalition values", d.n);
    if (!rc)
        rc = design_values(c, &d, x, pos, v, e);
    if (!rc)
        rc = design_solve(&d, v, fnull, delta, phia, e);
    design_free(&d);
    free(v);
    return rc;
}

/* v(∅): the background's (weights w) mean output, the base of every
 * explanation; out: scratch of nb. */
static int background_mean(shap_predict_fn f, void *ctx, const double *B, size_t nb, size_t p, const double *w,
                           double *out, double *fnull, struct err *e)
{
    int rc = f(ctx, B, nb, p, out, e);
    if (rc)
        return rc;
    double s = 0.0;
    for (size_t b = 0; b < nb; b++)
        s += w[b] * out[b];
    if (!isfinite(s))
        return err_set(e, ERR_NUM, "shap: expected finite model outputs on the background, found %g", s);
    *fnull = s;
    return ERR_OK;
}

/* What base + sum(phi) misses of the model's output. */
static double additivity_gap(double fx, double fnull, const double *ph, size_t m)
{
    double s = fnull;
    for (size_t g = 0; g < m; g++)
        s += ph[g];
    return fx - s;
}

int shap_kernel_mix(shap_predict_fn f, void *ctx, const struct shap_mixer *mix, const double *X, size_t n,
                    size_t p, const double *B, const double *bw, size_t nb, const size_t *group, size_t m,
                    const struct shap_kernel_params *par, double *phi, double *base, double *gap,
                    struct err *e)
{
    double wsum = 0.0;
    int rc = check_args(f, mix, p, nb, bw, group, m, par, &wsum, e);
    if (rc)
        return rc;
    struct kctx c = {.f = f, .ctx = ctx, .p = p, .nb = nb, .B = B, .group = group, .mix = mix, .m = m};
    c.chunk = nb >= KS_CHUNK_ROWS ? 1 : KS_CHUNK_ROWS / nb;
    size_t maxrows = (c.chunk * nb > n ? c.chunk * nb : n);
    double *w = malloc(nb * sizeof *w);
    double *fx = malloc(n ? n * sizeof *fx : 1);
    size_t *pos = malloc(m * sizeof *pos);
    unsigned char *vary = malloc(m);
    double *phia = malloc(m * sizeof *phia);
    c.buf = mix ? malloc(1) : malloc(c.chunk * nb * p * sizeof *c.buf);
    c.out = malloc(maxrows * sizeof *c.out);
    c.take = malloc(c.chunk * m);
    c.cols = malloc(p * sizeof *c.cols);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!w || !fx || !pos || !vary || !phia || !c.buf || !c.out || !c.take || !c.cols || !r) {
        rc = err_set(e, ERR_NOMEM, "shap: out of memory for KernelSHAP over %zu background rows", nb);
        goto out;
    }
    for (size_t b = 0; b < nb; b++)
        w[b] = (bw ? bw[b] : 1.0) / wsum;
    c.bw = w;

    /* v(∅): the background's mean output, the base of every explanation. */
    double fnull = 0.0;
    if ((rc = background_mean(f, ctx, B, nb, p, w, c.out, &fnull, e)))
        goto out;
    *base = fnull;
    if (n == 0)
        goto out;
    rc = f(ctx, X, n, p, fx, e);
    if (rc)
        goto out;

    for (size_t i = 0; i < n; i++) {
        const double *x = X + i * p;
        double *ph = phi + i * m;
        if (!isfinite(fx[i])) {
            rc = err_set(e, ERR_NUM, "shap: expected a finite model output for row %zu, found %g", i, fx[i]);
            goto out;
        }
        size_t M = players(x, B, nb, p, group, m, vary, pos);
        for (size_t g = 0; g < m; g++)
            ph[g] = 0.0;
        double delta = fx[i] - fnull;
        if (M == 1) {
            for (size_t g = 0; g < m; g++)
                if (vary[g])
                    ph[g] = delta;
        } else if (M >= 2) {
            rc = solve_row(&c, x, pos, M, fnull, delta, par->budget, par->seed + i, r, phia, e);
            if (rc)
                goto out;
            for (size_t g = 0; g < m; g++)
                if (vary[g])
                    ph[g] = phia[pos[g]];
        }
        if (gap)
            gap[i] = additivity_gap(fx[i], fnull, ph, m);
    }
out:
    FREE_ALL(w, fx, pos, vary, phia, c.buf, c.out, c.take, c.cols);
    gsl_rng_free(r);
    return rc;
}
