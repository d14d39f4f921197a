/* Fuzz the model loaders: tree_load, knn_load and prep_load, each on the same
 * input (the seeds hold a saved model of each kind). A model a loader accepts
 * must be usable (predict / transform without faults) and save + load back
 * to an identical model. The same input is also the JSON of an xgb model for
 * xgb_check_trees (the seed xgb.json: XGBoost's own JSON of a 3-round model
 * of 3 features), which must answer without a fault. */
#include <math.h>

#include "fuzz_util.h"
#include "models/knn.h"
#include "models/prep.h"
#include "models/tree.h"
#include "models/xgb.h"

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static void fuzz_tree(const char *path)
{
    struct tree *t = NULL;
    struct err e = {0};
    int rc = tree_load(path, &t, &e);
    if (FUZZ_FAILED(rc, e, t))
        return;
    FUZZ_CHECK(tree_check(t, &e) == 0);
    /* n_features is only a width (up to INT_MAX, nothing allocated for it):
     * predict only when rows of that width are cheap to make. */
    size_t p = t->n_features ? t->n_features : 1;
    double *x = p <= (1u << 16) ? calloc(3 * p, sizeof *x) : NULL, prob[3];
    if (x) {
        for (size_t j = 0; j < p; j++) {
            x[p + j] = NAN;
            x[2 * p + j] = -1e300;
        }
        tree_predict_proba(t, x, 3, prob);
    }
    FUZZ_CHECK(tree_depth(t) < t->n_nodes);
    FUZZ_CHECK(tree_n_leaves(t) >= 1 && tree_n_leaves(t) <= t->n_nodes);
    const char *out = fuzz_path(1, "out.tree");
    if (tree_save(t, out, &e))
        abort();
    struct tree *u = NULL;
    FUZZ_CHECK(tree_load(out, &u, &e) == 0);
    FUZZ_CHECK(u->n_nodes == t->n_nodes && u->n_features == t->n_features);
    for (size_t i = 0; i < t->n_nodes; i++)
        FUZZ_CHECK(u->left[i] == t->left[i] && u->right[i] == t->right[i] && u->feature[i] == t->feature[i] &&
                   same_bits(u->threshold[i], t->threshold[i]) &&
                   (same_bits(u->value[i], t->value[i]) || (isnan(u->value[i]) && isnan(t->value[i]))) &&
                   (same_bits(u->cover[i], t->cover[i]) || (isnan(u->cover[i]) && isnan(t->cover[i]))));
    tree_free(u);
    free(x);
    tree_free(t);
}

static void fuzz_knn(const char *path)
{
    struct knn *m = NULL;
    struct err e = {0};
    int rc = knn_load(path, &m, &e);
    if (FUZZ_FAILED(rc, e, m))
        return;
    FUZZ_CHECK(m->par.n_neighbors >= 1 && m->par.n_neighbors <= m->n);
    double *x = calloc(2 * m->n_features, sizeof *x), prob[2];
    FUZZ_CHECK(x);
    memcpy(x + m->n_features, m->X, m->n_features * sizeof *x);
    if ((rc = knn_predict_proba(m, x, 2, prob, &e)))
        FUZZ_CHECK_ERR(rc, e);
    else
        FUZZ_CHECK(!(prob[0] < 0 || prob[0] > 1) && !(prob[1] < 0 || prob[1] > 1));
    size_t *idx = malloc(m->par.n_neighbors * sizeof *idx);
    double *dist = malloc(m->par.n_neighbors * sizeof *dist);
    FUZZ_CHECK(idx && dist);
    if ((rc = knn_kneighbors(m, x, idx, dist, &e)))
        FUZZ_CHECK_ERR(rc, e);
    else
        for (size_t j = 0; j < m->par.n_neighbors; j++)
            FUZZ_CHECK(idx[j] < m->n && (j == 0 || !(dist[j] < dist[j - 1])));
    free(idx);
    free(dist);
    const char *out = fuzz_path(1, "out.knn");
    if (knn_save(m, out, &e))
        abort();
    struct knn *u = NULL;
    FUZZ_CHECK(knn_load(out, &u, &e) == 0);
    FUZZ_CHECK(u->n == m->n && u->n_features == m->n_features && u->par.n_neighbors == m->par.n_neighbors &&
               u->par.weights == m->par.weights && u->par.p == m->par.p);
    FUZZ_CHECK(memcmp(u->X, m->X, m->n * m->n_features * sizeof *m->X) == 0);
    FUZZ_CHECK(memcmp(u->y, m->y, m->n * sizeof *m->y) == 0);
    knn_free(u);
    free(x);
    knn_free(m);
}

static void fuzz_prep(const char *path)
{
    struct prep *p = NULL;
    struct err e = {0};
    int rc = prep_load(path, &p, &e);
    if (FUZZ_FAILED(rc, e, p))
        return;
    size_t total = 0;
    for (size_t j = 0; j < p->nfeat; j++) {
        const struct prep_feature *f = &p->feat[j];
        FUZZ_CHECK(f->out0 == total);
        total += f->nout;
    }
    FUZZ_CHECK(total == p->nout);
    for (size_t o = 0; o < p->nout; o++)
        FUZZ_CHECK(p->out_names[o] && p->out_feat[o] < p->nfeat);

    /* One row: a number for numeric features, the first known category (or
     * an unknown one) for the others. */
    struct prep_input *in = calloc(p->nfeat ? p->nfeat : 1, sizeof *in);
    double *num = calloc(p->nfeat ? p->nfeat : 1, sizeof *num);
    const char **str = calloc(p->nfeat ? p->nfeat : 1, sizeof *str);
    double *X = malloc((p->nout ? p->nout : 1) * sizeof *X);
    FUZZ_CHECK(in && num && str && X);
    for (size_t j = 0; j < p->nfeat; j++) {
        const struct prep_feature *f = &p->feat[j];
        num[j] = 1.5;
        str[j] = f->ncat ? f->cats[f->ncat - 1] : "unknown";
        if (f->role == PREP_NUMERIC)
            in[j].num = &num[j];
        else
            in[j].str = &str[j];
    }
    if ((rc = prep_transform(p, in, NULL, 1, X, &e)))
        FUZZ_CHECK_ERR(rc, e);
    free(in);
    free(num);
    free(str);
    free(X);

    const char *out = fuzz_path(1, "out.prep");
    rc = prep_save(p, out, &e);
    if (rc == 0) {
        struct prep *u = NULL;
        FUZZ_CHECK(prep_load(out, &u, &e) == 0);
        FUZZ_CHECK(u->nfeat == p->nfeat && u->nout == p->nout);
        for (size_t o = 0; o < p->nout; o++)
            FUZZ_CHECK(strcmp(u->out_names[o], p->out_names[o]) == 0 && u->out_feat[o] == p->out_feat[o]);
        for (size_t j = 0; j < p->nfeat; j++)
            FUZZ_CHECK(u->feat[j].role == p->feat[j].role && u->feat[j].ncat == p->feat[j].ncat &&
                       u->feat[j].scale.kind == p->feat[j].scale.kind &&
                       (same_bits(u->feat[j].scale.a, p->feat[j].scale.a) ||
                        (isnan(u->feat[j].scale.a) && isnan(p->feat[j].scale.a))) &&
                       (same_bits(u->feat[j].scale.b, p->feat[j].scale.b) ||
                        (isnan(u->feat[j].scale.b) && isnan(p->feat[j].scale.b))));
        prep_free(u);
    } else {
        FUZZ_CHECK_ERR(rc, e);
    }
    prep_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write("model", data, size);
    fuzz_tree(path);
    fuzz_knn(path);
    fuzz_prep(path);
    for (long rounds = 1; rounds <= 3; rounds++)
        FUZZ_CHECK(xgb_check_trees((const char *)data, size, 3, rounds) >= -2);
    return 0;
}
