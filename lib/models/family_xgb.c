/* family xgb: gradient-boosted trees (lib/models/xgb, libxgboost) as a
 * pipeline family. Hyperparameters under XGBoost's names: n_estimators,
 * max_depth, learning_rate, subsample, colsample_bytree, min_child_weight,
 * reg_lambda, reg_alpha, tree_method (hist only); early_stopping_rounds (0:
 * none) and validation_fraction (the share of the fitted rows it watches);
 * random_state (XGBoost's seed). The decision score is the margin (log-odds), so a sigmoid
 * calibration stays linear in it and TreeSHAP stays exact. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "models/family.h"

static int set(struct pipe_config *c, const char *key, const char *v, struct err *e)
{
    struct xgb_params *x = &c->xgb;
    long l = 0;
    if (!strcmp(key, "tree_method")) /* the one this family builds trees with */
        return strcmp(v, "hist") ? pipe_param_bad(c, key, "hist", v, e) : 0;
    if (!strcmp(key, "random_state")) {
        int rc = pipe_param_long(c, key, v, 0, 4294967295L, &l, e);
        c->seed = (unsigned long)l;
        return rc;
    }
    static const struct {
        const char *key;
        long lo, hi;
        size_t off;
    } longs[] = {{"n_estimators", 1, 100000, offsetof(struct xgb_params, n_estimators)},
                 {"max_depth", 1, 30, offsetof(struct xgb_params, max_depth)},
                 {"early_stopping_rounds", 0, 100000, offsetof(struct xgb_params, early_stopping_rounds)}};
    for (size_t k = 0; k < sizeof longs / sizeof longs[0]; k++)
        if (!strcmp(key, longs[k].key))
            return pipe_param_long(c, key, v, longs[k].lo, longs[k].hi, (long *)((char *)x + longs[k].off), e);
    static const struct {
        const char *key;
        double lo;
        int open;
        double hi; /* INFINITY: none */
        size_t off;
    } reals[] = {{"learning_rate", 0, 1, INFINITY, offsetof(struct xgb_params, learning_rate)},
                 {"subsample", 0, 1, 1, offsetof(struct xgb_params, subsample)},
                 {"colsample_bytree", 0, 1, 1, offsetof(struct xgb_params, colsample_bytree)},
                 {"min_child_weight", 0, 0, INFINITY, offsetof(struct xgb_params, min_child_weight)},
                 {"reg_lambda", 0, 0, INFINITY, offsetof(struct xgb_params, reg_lambda)},
                 {"reg_alpha", 0, 0, INFINITY, offsetof(struct xgb_params, reg_alpha)},
                 {"validation_fraction", 0, 0, 0.9, offsetof(struct xgb_params, validation_fraction)}};
    for (size_t k = 0; k < sizeof reals / sizeof reals[0]; k++) {
        if (strcmp(key, reals[k].key))
            continue;
        double *d = (double *)((char *)x + reals[k].off);
        int rc = pipe_param_double(c, key, v, reals[k].lo, reals[k].open, d, e);
        if (!rc && *d > reals[k].hi) {
            char want[64];
            snprintf(want, sizeof want, "a number in %c%g, %g]", reals[k].open ? '(' : '[', reals[k].lo, reals[k].hi);
            return pipe_param_bad(c, key, want, v, e);
        }
        return rc;
    }
    return PIPE_KEY_UNKNOWN;
}

static int format(const struct pipe_config *c, char *buf, size_t size)
{
    const struct xgb_params *x = &c->xgb;
    char r[7][40];
    const double v[7] = {x->learning_rate, x->subsample, x->colsample_bytree,   x->min_child_weight,
                         x->reg_lambda,    x->reg_alpha, x->validation_fraction};
    for (int k = 0; k < 7; k++)
        pipe_param_real(r[k], sizeof r[k], v[k]);
    return snprintf(buf, size,
                    " n_estimators=%ld max_depth=%ld learning_rate=%s subsample=%s colsample_bytree=%s "
                    "min_child_weight=%s reg_lambda=%s reg_alpha=%s early_stopping_rounds=%ld "
                    "validation_fraction=%s tree_method=hist random_state=%lu",
                    x->n_estimators, x->max_depth, r[0], r[1], r[2], r[3], r[4], r[5], x->early_stopping_rounds, r[6],
                    c->seed);
}

static int fit(struct pipeline *p, const double *X, const int *y, size_t n, size_t m, int probability, struct err *e)
{
    (void)probability;
    return xgb_fit(X, y, n, m, &p->cfg.xgb, p->cfg.seed, &p->xgb, e);
}

static int score(const struct pipeline *p, const double *X, size_t n, int kind, double *out, struct err *e)
{
    return kind ? xgb_margin(p->xgb, X, n, out, e) : xgb_proba(p->xgb, X, n, out, e);
}

static int write(const struct pipeline *p, FILE *fp, struct err *e)
{
    return xgb_write(p->xgb, fp, e);
}

static int read(struct pipeline *p, FILE *fp, const char *name, struct err *e)
{
    return xgb_read(fp, name, &p->xgb, e);
}

static void release(struct pipeline *p)
{
    xgb_free(p->xgb);
    p->xgb = NULL;
}

const struct pipe_family_ops pipe_family_xgb = {
    .name = "xgb", .threshold = 0.0, .explainer = "tree_xgb", .explainers = "tree_xgb", .unscaled = 1,
    .set = set, .format = format, .fit = fit, .score = score, .write = write, .read = read, .free = release,
};
