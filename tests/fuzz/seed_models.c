/* Writes the model seeds of fuzz_model (tests/fuzz/corpus/fuzz_model/) with
 * the library itself: a CART tree, two KNN models and a column transformer
 * fitted on a few hand-made rows. Rebuild them with `make fuzz-seeds`. */
#include <stdio.h>
#include <stdlib.h>

#include "models/cart.h"
#include "models/knn.h"
#include "models/prep.h"
#include "models/tree.h"

static void die(const struct err *e)
{
    fprintf(stderr, "seed_models: %s\n", e->msg);
    exit(1);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/fuzz/corpus/fuzz_model";
    char path[512];
    struct err e = {0};
    /* Eight rows, three features, a target that depends on the first two. */
    static const double X[8 * 3] = {0.5, 1, 3, 1.5, 0, 2, 2.5, 1, 1, 3.5, 0, 0,
                                    0.25, 1, 5, 1.75, 1, 4, 2.75, 0, 3, 3.25, 1, 2};
    static const int y[8] = {1, 1, 0, 0, 1, 1, 0, 1};

    struct cart_params cp;
    cart_params_default(&cp);
    struct tree *t;
    if (cart_fit(X, y, NULL, 8, 3, &cp, &t, &e))
        die(&e);
    snprintf(path, sizeof path, "%s/tree.txt", dir);
    if (tree_save(t, path, &e))
        die(&e);
    tree_free(t);
    cp.max_depth = 1;
    if (cart_fit(X, y, NULL, 8, 3, &cp, &t, &e))
        die(&e);
    snprintf(path, sizeof path, "%s/stump.txt", dir);
    if (tree_save(t, path, &e))
        die(&e);
    tree_free(t);

    struct knn_params kp;
    knn_params_default(&kp);
    kp.n_neighbors = 3;
    struct knn *m;
    if (knn_fit(X, y, 8, 3, &kp, &m, &e))
        die(&e);
    snprintf(path, sizeof path, "%s/knn_uniform.txt", dir);
    if (knn_save(m, path, &e))
        die(&e);
    knn_free(m);
    kp.weights = KNN_DISTANCE;
    kp.p = 1;
    if (knn_fit(X, y, 4, 2, &kp, &m, &e))
        die(&e);
    snprintf(path, sizeof path, "%s/knn_distance.txt", dir);
    if (knn_save(m, path, &e))
        die(&e);
    knn_free(m);

    /* numeric (standard), nominal (drop_first), ordinal (minmax), numeric (robust). */
    static const double num[6] = {1, 2, 3, 4, 10, 6}, num2[6] = {0.5, 0.25, 0.125, 8, 16, 2};
    static const char *const cat[6] = {"b", "a", "c", "b", "a", "a"};
    static const char *const lvl[6] = {"low", "high", "mid", "mid", "low", "high"};
    static const char *const order[3] = {"low", "mid", "high"};
    struct prep_spec spec[4] = {
        {"num", PREP_NUMERIC, PREP_STANDARD, 0, NULL, 0},
        {"cat", PREP_NOMINAL, PREP_PASSTHROUGH, 1, NULL, 0},
        {"lvl", PREP_ORDINAL, PREP_MINMAX, 0, order, 3},
        {"num2", PREP_NUMERIC, PREP_ROBUST, 0, NULL, 0},
    };
    struct prep_input in[4] = {{num, NULL}, {NULL, cat}, {NULL, lvl}, {num2, NULL}};
    struct prep *p;
    if (prep_fit(spec, 4, in, NULL, 6, &p, &e))
        die(&e);
    snprintf(path, sizeof path, "%s/prep.txt", dir);
    if (prep_save(p, path, &e))
        die(&e);
    prep_free(p);
    return 0;
}
