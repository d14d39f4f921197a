/* mix_linear: KernelSHAP's coalitions for a logistic regression from group
 * sums (see mix_linear.h). */
#include "explain/mix_linear.h"

#include <stdlib.h>

#include "core/mem.h"
#include "stats/stats.h"

struct lin_mix {
    const struct logreg *m;
    const struct calib *cal;
    const size_t *group;
    size_t nb, ng;
    double *base;  /* nb: the background row's decision less the intercept */
    double *delta; /* nb x ng: the query's group sum less the background row's */
    double *bsum;  /* nb x ng: the background rows' group sums */
    double *qsum;  /* ng: the query's */
    size_t *in;    /* ng: a coalition's groups */
};

/* s[g] = sum over the columns of group g of coef . z, in column order. */
static void group_sums(const struct lin_mix *x, const double *z, double *s)
{
    for (size_t g = 0; g < x->ng; g++)
        s[g] = 0.0;
    for (size_t j = 0; j < x->m->p; j++)
        s[x->group[j]] += x->m->coef[j] * z[j];
}

void lin_mix_free(struct lin_mix *x)
{
    if (x)
        FREE_ALL(x->base, x->delta, x->bsum, x->qsum, x->in, x);
}

int lin_mix_new(const struct logreg *m, const struct calib *cal, const double *B, size_t nb, const size_t *group,
                size_t ng, struct lin_mix **out, struct err *e)
{
    *out = NULL;
    if (ng == 0 || nb == 0)
        return err_set(e, ERR_PARAMS, "mix_linear: expected groups and background rows, found %zu and %zu", ng, nb);
    for (size_t j = 0; j < m->p; j++)
        if (group[j] >= ng)
            return err_set(e, ERR_PARAMS, "mix_linear: column %zu: expected a group below %zu, found %zu", j, ng,
                           group[j]);
    struct lin_mix *x = calloc(1, sizeof *x);
    if (!x || !(x->base = malloc(nb * sizeof *x->base)) || !(x->delta = malloc(nb * ng * sizeof *x->delta)) ||
        !(x->bsum = malloc(nb * ng * sizeof *x->bsum)) || !(x->qsum = malloc(ng * sizeof *x->qsum)) ||
        !(x->in = malloc(ng * sizeof *x->in))) {
        lin_mix_free(x);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    x->m = m, x->cal = cal, x->group = group, x->nb = nb, x->ng = ng;
    for (size_t b = 0; b < nb; b++) {
        double *s = x->bsum + b * ng;
        group_sums(x, B + b * m->p, s);
        x->base[b] = 0.0;
        for (size_t g = 0; g < ng; g++)
            x->base[b] += s[g];
    }
    *out = x;
    return ERR_OK;
}

void lin_mix_row(struct lin_mix *x, const double *q)
{
    group_sums(x, q, x->qsum);
    for (size_t b = 0; b < x->nb; b++)
        for (size_t g = 0; g < x->ng; g++)
            x->delta[b * x->ng + g] = x->qsum[g] - x->bsum[b * x->ng + g];
}

void lin_mix_values(const struct lin_mix *x, const unsigned char *take, size_t n, double *out)
{
    size_t nb = x->nb, ng = x->ng;
    for (size_t k = 0; k < n; k++) {
        const unsigned char *t = take + k * ng;
        size_t nin = 0;
        for (size_t g = 0; g < ng; g++)
            if (t[g])
                x->in[nin++] = g;
        for (size_t b = 0; b < nb; b++) {
            const double *d = x->delta + b * ng;
            double s = x->base[b];
            for (size_t i = 0; i < nin; i++)
                s += d[x->in[i]];
            s += x->m->intercept;
            /* The pipeline's probability: calibrated, or logreg's expit. */
            out[k * nb + b] = x->cal ? calib_apply(x->cal, s) : stats_expit(s);
        }
    }
}
