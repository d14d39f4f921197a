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
    double *sv;   /* l x p: the support vectors */
    double *coef; /* l: their signed dual coefficients */
    double *fb;   /* nb x ng x l: exp(-gamma |B_b,g - sv_g|^2) */
    double *fx;   /* ng x l: the same for the query */
    double *tab;  /* nb x nc x NSUB x l: per chunk subset, the product of its factors (coef in chunk 0) */
    double *prod; /* l: scratch */
    double *d2;   /* ng: scratch */
    unsigned *sub; /* nc: a coalition's subset of each chunk */
};

size_t svc_mix_bytes(const struct svc *m, size_t nb, size_t ng)
{
    size_t l = m->n_support ? m->n_support : 1, nc = (ng + CHUNK - 1) / CHUNK;
    size_t per = nb * ng + ng + nb * nc * NSUB + m->p + 2;
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
        FREE_ALL(x->sv, x->coef, x->fb, x->fx, x->tab, x->prod, x->d2, x->sub, x);
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
    *x = (struct svc_mix){.cal = cal, .group = group, .p = m->p, .nb = nb, .ng = ng, .nc = (ng + CHUNK - 1) / CHUNK,
                          .gamma = m->gamma};
    int rc = svc_rbf_dense(m, &x->sv, &x->coef, &x->b0, &x->l, e);
    size_t l = x->l ? x->l : 1;
    if (!rc) {
        x->fb = malloc(nb * ng * l * sizeof *x->fb);
        x->fx = malloc(ng * l * sizeof *x->fx);
        x->tab = malloc(nb * x->nc * NSUB * l * sizeof *x->tab);
        x->prod = malloc(l * sizeof *x->prod);
        x->d2 = malloc(ng * sizeof *x->d2);
        x->sub = malloc(x->nc * sizeof *x->sub);
        if (!x->fb || !x->fx || !x->tab || !x->prod || !x->d2 || !x->sub)
            rc = err_set(e, ERR_NOMEM, "out of memory");
    }
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
            for (unsigned sub = 0; sub < (1u << w); sub++) {
                double *t = x->tab + ((b * x->nc + c) * NSUB + sub) * l;
                for (size_t s = 0; s < l; s++)
                    t[s] = c == 0 ? x->coef[s] : 1.0;
                for (size_t i = 0; i < w; i++) {
                    const double *f = (sub >> i & 1u ? x->fx : fb) + (g0 + i) * l;
                    for (size_t s = 0; s < l; s++)
                        t[s] *= f[s];
                }
            }
        }
    }
    return ERR_OK;
}

void svc_mix_values(struct svc_mix *x, const unsigned char *take, double *out)
{
    size_t l = x->l;
    unsigned *sub = x->sub;
    for (size_t c = 0; c < x->nc; c++) {
        sub[c] = 0;
        for (size_t i = 0; i < CHUNK && c * CHUNK + i < x->ng; i++)
            sub[c] |= (take[c * CHUNK + i] ? 1u : 0u) << i;
    }
    for (size_t b = 0; b < x->nb; b++) {
        const double *t0 = x->tab + ((b * x->nc) * NSUB + sub[0]) * l;
        for (size_t s = 0; s < l; s++)
            x->prod[s] = t0[s];
        for (size_t c = 1; c < x->nc; c++) {
            const double *t = x->tab + ((b * x->nc + c) * NSUB + sub[c]) * l;
            for (size_t s = 0; s < l; s++)
                x->prod[s] *= t[s];
        }
        /* Four running sums, so that the additions overlap. */
        double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
        size_t s = 0;
        for (; s + 4 <= l; s += 4) {
            a0 += x->prod[s];
            a1 += x->prod[s + 1];
            a2 += x->prod[s + 2];
            a3 += x->prod[s + 3];
        }
        for (; s < l; s++)
            a0 += x->prod[s];
        double dec = (a0 + a1) + (a2 + a3) + x->b0;
        out[b] = x->cal ? calib_apply(x->cal, dec) : dec;
    }
}
