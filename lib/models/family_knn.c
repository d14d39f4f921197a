/* family knn: k nearest neighbours (lib/models/knn) as a pipeline family.
 * Hyperparameters: n_neighbors, weights (uniform|distance), p (1|2). */
#include <string.h>

#include "models/family.h"

static int set(struct pipe_config *c, const char *key, const char *v, struct err *e)
{
    long l = 0;
    int rc;
    if (!strcmp(key, "n_neighbors")) {
        rc = pipe_param_long(c, key, v, 1, 1000000, &l, e);
        c->knn.n_neighbors = (size_t)l;
    } else if (!strcmp(key, "weights")) {
        rc = knn_weights_parse(v, &c->knn.weights, e);
    } else if (!strcmp(key, "p")) {
        rc = pipe_param_long(c, key, v, 1, 2, &l, e);
        c->knn.p = (int)l;
    } else
        return PIPE_KEY_UNKNOWN;
    return rc;
}

static int format(const struct pipe_config *c, char *buf, size_t size)
{
    return snprintf(buf, size, " n_neighbors=%zu weights=%s p=%d", c->knn.n_neighbors,
                    c->knn.weights == KNN_DISTANCE ? "distance" : "uniform", c->knn.p);
}

static int fit(struct pipeline *p, const double *X, const int *y, size_t n, size_t m, int probability,
               struct err *e)
{
    (void)probability;
    return knn_fit(X, y, n, m, &p->cfg.knn, &p->knn, e);
}

static int score(const struct pipeline *p, const double *X, size_t n, int kind, double *out, struct err *e)
{
    (void)kind;
    return knn_predict_proba(p->knn, X, n, out, e);
}

static int write(const struct pipeline *p, FILE *fp, struct err *e)
{
    return knn_write(p->knn, fp, e);
}

static int read(struct pipeline *p, FILE *fp, const char *name, struct err *e)
{
    return knn_read(fp, name, &p->knn, e);
}

static void release(struct pipeline *p)
{
    knn_free(p->knn);
    p->knn = NULL;
}

const struct pipe_family_ops pipe_family_knn = {
    .name = "knn", .threshold = 0.5, .explainer = "kernel", .explainers = "auto",
    .set = set, .format = format, .fit = fit, .score = score, .write = write, .read = read, .free = release,
};
