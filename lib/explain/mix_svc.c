/* mix_svc: KernelSHAP's coalitions for an RBF SVC from tabulated kernel
 * factors (see mix_svc.h). */
#include "explain/mix_svc.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/mem.h"

/* Groups per chunk: a chunk's table has 2^CHUNK entries per support vector. */
#define CHUNK 4
#define NSUB (1u << CHUNK)

struct svc_mix {
    const struct calib *cal;
    const size_t *group;
    size_t p, l, nb, ng, nc;
    double gamma, b0;
    double *sv;        /* l x p: the support vectors */
    double *coef;      /* l: their signed dual coefficients */
    double *fb;        /* nb x ng x l: exp(-gamma |B_b,g - sv_g|^2) */
    double *fx;        /* ng x l: the same for the query */
    double *tab;       /* nb x nc x NSUB x l: per chunk subset, the product of its factors (coef in chunk 0) */
    double *prod;      /* l: scratch */
    double *d2;        /* ng: scratch */
    double *ones;      /* l ones, for fewer than four chunks */
    const double **tp; /* nc: a coalition's table row of each chunk */
};

size_t svc_mix_bytes(const struct svc *m, size_t nb, size_t ng)
{
    size_t l = m->n_support ? m->n_support : 1, nc = (ng + CHUNK - 1) / CHUNK;
    size_t per = nb * ng + ng + nb * nc * NSUB + m->p + 3;
    if (nb && (nb * ng / nb != ng || per > SIZE_MAX / sizeof(double) / l))
        return SIZE_MAX;
    return per * l * sizeof(double);
}

/* f[g * l + s] = exp(-gamma sum over the columns of group g of (z - sv_s)^2). */
static void factors(struct svc_mix *x, const double *z, double *f)
{
    for (size_t s = 0; s < x->l; s++) {
        const double *v = x->sv + s * x->p;
        for (size_t g = 0; g < x->ng; g++)
            x->d2[g] = 0.0;
        for (size_t j = 0; j < x->p; j++) {
            double d = z[j] - v[j];
            x->d2[x->group[j]] += d * d;
        }
        for (size_t g = 0; g < x->ng; g++)
            f[g * x->l + s] = exp(-x->gamma * x->d2[g]);
    }
}

void svc_mix_free(struct svc_mix *x)
{
    if (x)
        FREE_ALL(x->sv, x->coef, x->fb, x->fx, x->tab, x->prod, x->d2, x->ones, x->tp, x);
}

int svc_mix_new(const struct svc *m, const struct calib *cal, const double *B, size_t nb, const size_t *group,
                size_t ng, struct svc_mix **out, struct err *e)
{
    *out = NULL;
    if (ng == 0)
        return err_set(e, ERR_PARAMS, "explain: expected at least one group of columns, found none");
    if (svc_mix_bytes(m, nb, ng) == SIZE_MAX)
        return err_set(e, ERR_NOMEM, "explain: the SVC's coalition tables are too large");
    struct svc_mix *x = calloc(1, sizeof *x);
    if (!x)
        return err_set(e, ERR_NOMEM, "out of memory");
    *x = (struct svc_mix){
        .cal = cal, .group = group, .p = m->p, .nb = nb, .ng = ng, .nc = (ng + CHUNK - 1) / CHUNK, .gamma = m->gamma};
    int rc = svc_rbf_dense(m, &x->sv, &x->coef, &x->b0, &x->l, e);
    size_t l = x->l ? x->l : 1;
    if (!rc) {
        x->fb = malloc(nb * ng * l * sizeof *x->fb);
        x->fx = malloc(ng * l * sizeof *x->fx);
        x->tab = malloc(nb * x->nc * NSUB * l * sizeof *x->tab);
        x->prod = malloc(l * sizeof *x->prod);
        x->d2 = malloc(ng * sizeof *x->d2);
        x->ones = malloc(l * sizeof *x->ones);
        x->tp = malloc(x->nc * sizeof *x->tp);
        if (!x->fb || !x->fx || !x->tab || !x->prod || !x->d2 || !x->ones || !x->tp)
            rc = err_set(e, ERR_NOMEM, "out of memory");
    }
    for (size_t s = 0; !rc && s < l; s++)
        x->ones[s] = 1.0;
    for (size_t b = 0; !rc && b < nb; b++)
        factors(x, B + b * x->p, x->fb + b * ng * x->l);
    if (rc) {
        svc_mix_free(x);
        return rc;
    }
    *out = x;
    return ERR_OK;
}

int svc_mix_row(struct svc_mix *x, const double *q, struct err *e)
{
    (void)e;
    size_t l = x->l, ng = x->ng;
    factors(x, q, x->fx);
    for (size_t b = 0; b < x->nb; b++) {
        const double *fb = x->fb + b * ng * l;
        for (size_t c = 0; c < x->nc; c++) {
            size_t g0 = c * CHUNK, w = ng - g0 < CHUNK ? ng - g0 : CHUNK;
            /* Group by group: the subsets without group i take its
             * background factor, their copies with it the query's. */
            double *t = x->tab + (b * x->nc + c) * NSUB * l;
            for (size_t s = 0; s < l; s++)
                t[s] = c == 0 ? x->coef[s] : 1.0;
            for (size_t i = 0; i < w; i++) {
                const double *fq = x->fx + (g0 + i) * l, *fg = fb + (g0 + i) * l;
                for (unsigned sub = 0; sub < (1u << i); sub++) {
                    double *lo = t + sub * l, *hi = t + (sub | 1u << i) * l;
                    for (size_t s = 0; s < l; s++) {
                        hi[s] = lo[s] * fq[s];
                        lo[s] *= fg[s];
                    }
                }
            }
        }
    }
    return ERR_OK;
}

/* sum_s prod_c t[c][s]: the last four chunks in one pass (ones where there
 * are fewer), the ones before them folded into x->prod first. */
static double dot_chunks(const struct svc_mix *x, const double *const *t)
{
    size_t l = x->l, nc = x->nc;
    const double *a = t[0], *b = nc > 1 ? t[1] : x->ones, *c = nc > 2 ? t[2] : x->ones, *d = nc > 3 ? t[3] : x->ones;
    if (nc > 4) {
        for (size_t s = 0; s < l; s++)
            x->prod[s] = t[0][s];
        for (size_t k = 1; k + 3 < nc; k++)
            for (size_t s = 0; s < l; s++)
                x->prod[s] *= t[k][s];
        a = x->prod, b = t[nc - 3], c = t[nc - 2], d = t[nc - 1];
    }
    /* Four running sums, so that the additions overlap. */
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
    size_t s = 0;
    for (; s + 4 <= l; s += 4) {
        a0 += a[s] * b[s] * c[s] * d[s];
        a1 += a[s + 1] * b[s + 1] * c[s + 1] * d[s + 1];
        a2 += a[s + 2] * b[s + 2] * c[s + 2] * d[s + 2];
        a3 += a[s + 3] * b[s + 3] * c[s + 3] * d[s + 3];
    }
    for (; s < l; s++)
        a0 += a[s] * b[s] * c[s] * d[s];
    return (a0 + a1) + (a2 + a3);
}

/* Background row outside, coalitions inside: the tables of one background
 * row (nc x NSUB x l) stay in cache over the n coalitions. */
void svc_mix_values(struct svc_mix *x, const unsigned char *take, size_t n, double *out)
{
    size_t l = x->l, nc = x->nc, ng = x->ng;
    for (size_t b = 0; b < x->nb; b++) {
        const double *tb = x->tab + b * nc * NSUB * l;
        for (size_t k = 0; k < n; k++) {
            const unsigned char *tk = take + k * ng;
            for (size_t c = 0; c < nc; c++) {
                unsigned sub = 0;
                for (size_t i = 0; i < CHUNK && c * CHUNK + i < ng; i++)
                    sub |= (tk[c * CHUNK + i] ? 1u : 0u) << i;
                x->tp[c] = tb + (c * NSUB + sub) * l;
            }
            double dec = dot_chunks(x, x->tp) + x->b0;
            out[k * x->nb + b] = x->cal ? calib_apply(x->cal, dec) : dec;
        }
    }
}
