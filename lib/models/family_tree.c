/* family tree: a CART decision tree (lib/models/cart, lib/models/tree) as a
 * pipeline family. Hyperparameters: criterion (gini|entropy), max_depth
 * (int|none), min_samples_split, min_samples_leaf, max_features
 * (all|sqrt|log2|int|fraction), class_weight (none|balanced), random_state
 * (the order features are tried in). */
#include <limits.h>
#include <string.h>

#include "models/family.h"
#include "models/tree.h"

static int set(struct pipe_config *c, const char *key, const char *v, struct err *e)
{
    long l = 0;
    int rc = 0;
    if (!strcmp(key, "random_state")) {
        rc = pipe_param_long(c, key, v, 0, LONG_MAX, &l, e);
        c->seed = (unsigned long)l;
    } else if (!strcmp(key, "criterion")) {
        if (!strcmp(v, "gini"))
            c->cart.criterion = CART_GINI;
        else if (!strcmp(v, "entropy") || !strcmp(v, "log_loss"))
            c->cart.criterion = CART_ENTROPY;
        else
            return pipe_param_bad(c, key, "gini or entropy", v, e);
    } else if (!strcmp(key, "max_depth")) {
        if (pipe_param_is_none(v))
            c->cart.max_depth = 0;
        else if (!(rc = pipe_param_long(c, key, v, 1, 100000, &l, e)))
            c->cart.max_depth = (size_t)l;
    } else if (!strcmp(key, "min_samples_split")) {
        rc = pipe_param_long(c, key, v, 2, 100000000, &l, e);
        c->cart.min_samples_split = (size_t)l;
    } else if (!strcmp(key, "min_samples_leaf")) {
        rc = pipe_param_long(c, key, v, 1, 100000000, &l, e);
        c->cart.min_samples_leaf = (size_t)l;
    } else if (!strcmp(key, "max_features")) {
        rc = cart_max_features_parse(v, &c->cart, e);
    } else if (!strcmp(key, "class_weight")) {
        rc = pipe_param_class_weight(c, v, &c->cart.class_weight_balanced, e);
    } else
        return PIPE_KEY_UNKNOWN;
    return rc;
}

static int format(const struct pipe_config *c, char *buf, size_t size)
{
    const struct cart_params *t = &c->cart;
    char a[40], b[40];
    if (t->max_features == CART_MF_INT)
        snprintf(a, sizeof a, "%zu", t->max_features_n);
    else if (t->max_features == CART_MF_FRACTION)
        pipe_param_real(a, sizeof a, t->max_features_frac);
    else
        snprintf(a, sizeof a, "%s", t->max_features == CART_MF_SQRT ? "sqrt"
                                    : t->max_features == CART_MF_LOG2 ? "log2"
                                                                      : "none");
    if (t->max_depth)
        snprintf(b, sizeof b, "%zu", t->max_depth);
    else
        snprintf(b, sizeof b, "none");
    return snprintf(buf, size,
                    " criterion=%s max_depth=%s min_samples_split=%zu min_samples_leaf=%zu max_features=%s "
                    "class_weight=%s random_state=%lu",
                    t->criterion == CART_ENTROPY ? "entropy" : "gini", b, t->min_samples_split,
                    t->min_samples_leaf, a, t->class_weight_balanced ? "balanced" : "none", c->seed);
}

static int fit(struct pipeline *p, const double *X, const int *y, size_t n, size_t m, int probability,
               struct err *e)
{
    (void)probability;
    struct cart_params cp = p->cfg.cart;
    cp.seed = p->cfg.seed;
    return cart_fit(X, y, NULL, n, m, &cp, &p->tree, e);
}

static int score(const struct pipeline *p, const double *X, size_t n, int kind, double *out, struct err *e)
{
    (void)kind;
    (void)e;
    tree_predict_proba(p->tree, X, n, out);
    return 0;
}

static int write(const struct pipeline *p, FILE *fp, struct err *e)
{
    return tree_write(p->tree, fp, e);
}

static int read(struct pipeline *p, FILE *fp, const char *name, struct err *e)
{
    return tree_read(fp, name, &p->tree, e);
}

static void release(struct pipeline *p)
{
    tree_free(p->tree);
    p->tree = NULL;
}

const struct pipe_family_ops pipe_family_tree = {
    .name = "tree", .threshold = 0.5, .explainer = "tree_path", .explainers = "tree_path, tree_interventional",
    .set = set, .format = format, .fit = fit, .score = score, .write = write, .read = read, .free = release,
};
