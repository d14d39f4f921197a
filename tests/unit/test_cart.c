/* lib/cart and lib/tree: hand-computed trees and known answers from
 * scikit-learn 1.2 (tests/oracle/knn_tree.py -> tests/oracle/fixtures/cart_*). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_main.h"

#include "models/cart.h"
#include "fixture.h"
#include "models/tree.h"

/* ---- hand-computed cases ---------------------------------------------- */

TEST(test_four_points)
{
    /* 1-D, two classes separated between 2 and 3: one split at the
     * midpoint 2.5, two pure leaves. */
    double X[] = {1, 2, 3, 4};
    int y[] = {0, 0, 1, 1};
    struct cart_params par;
    cart_params_default(&par);
    struct tree *t;
    struct err e = {0};
    assert_int_equal(cart_fit(X, y, NULL, 4, 1, &par, &t, &e), 0);
    assert_int_equal(t->n_nodes, 3);
    assert_int_equal(t->feature[0], 0);
    assert_true(t->threshold[0] == 2.5);
    assert_int_equal(t->left[0], 1);
    assert_int_equal(t->right[0], 2);
    assert_true(t->value[0] == 0.5 && t->cover[0] == 4.0);
    assert_true(t->value[1] == 0.0 && t->cover[1] == 2.0);
    assert_true(t->value[2] == 1.0 && t->cover[2] == 2.0);
    assert_int_equal(tree_depth(t), 1);
    assert_int_equal(tree_n_leaves(t), 2);
    double q[] = {2.5, 2.5000001, -10, 10}, out[4];
    tree_predict_proba(t, q, 4, out);
    assert_true(out[0] == 0.0 && out[1] == 1.0 && out[2] == 0.0 && out[3] == 1.0);
    tree_free(t);
}

TEST(test_min_samples_leaf)
{
    /* y = 0 1 1 1 1 with min_samples_leaf 2: the candidates are 2.5 (gini
     * 2 * 1/2 + 3 * 0 = 1) and 3.5 (3 * 4/9 + 0 = 4/3), so 2.5 wins; the
     * left child has 2 < 2 * 2 rows and stays a leaf. Without the limit
     * the first split would be 1.5 (a pure left leaf). */
    double X[] = {1, 2, 3, 4, 5};
    int y[] = {0, 1, 1, 1, 1};
    struct cart_params par;
    cart_params_default(&par);
    par.min_samples_leaf = 2;
    struct tree *t;
    assert_int_equal(cart_fit(X, y, NULL, 5, 1, &par, &t, NULL), 0);
    assert_int_equal(t->n_nodes, 3);
    assert_true(t->threshold[0] == 2.5);
    assert_true(t->value[0] == 0.8 && t->value[1] == 0.5 && t->value[2] == 1.0);
    tree_free(t);
    par.min_samples_leaf = 1;
    assert_int_equal(cart_fit(X, y, NULL, 5, 1, &par, &t, NULL), 0);
    assert_int_equal(t->n_nodes, 3);
    assert_true(t->threshold[0] == 1.5);
    tree_free(t);
}

TEST(test_xor_is_a_leaf)
{
    /* Every split of XOR leaves the gini at 1/2: no split improves, so the
     * root stays a leaf (scikit-learn would split anyway; see cart.h). */
    double X[] = {0, 0, 0, 1, 1, 0, 1, 1};
    int y[] = {0, 1, 1, 0};
    struct cart_params par;
    cart_params_default(&par);
    struct tree *t;
    assert_int_equal(cart_fit(X, y, NULL, 4, 2, &par, &t, NULL), 0);
    assert_int_equal(t->n_nodes, 1);
    assert_true(t->value[0] == 0.5);
    assert_int_equal(tree_depth(t), 0);
    assert_int_equal(tree_n_leaves(t), 1);
    tree_free(t);
}

TEST(test_depth_limit_and_split_limit)
{
    /* y = 0 0 1 1 0 0 1 1 on x = 1..8. */
    double X[] = {1, 2, 3, 4, 5, 6, 7, 8};
    int y[] = {0, 0, 1, 1, 0, 0, 1, 1};
    struct cart_params par;
    cart_params_default(&par);
    struct tree *t;
    assert_int_equal(cart_fit(X, y, NULL, 8, 1, &par, &t, NULL), 0);
    double out[8];
    tree_predict_proba(t, X, 8, out);
    for (int i = 0; i < 8; i++)
        assert_true(out[i] == y[i]);
    tree_free(t);
    par.max_depth = 1;
    assert_int_equal(cart_fit(X, y, NULL, 8, 1, &par, &t, NULL), 0);
    assert_int_equal(tree_depth(t), 1);
    assert_int_equal(t->n_nodes, 3);
    tree_free(t);
    /* min_samples_split larger than the data: a lone root. */
    par.max_depth = 0;
    par.min_samples_split = 9;
    assert_int_equal(cart_fit(X, y, NULL, 8, 1, &par, &t, NULL), 0);
    assert_int_equal(t->n_nodes, 1);
    assert_true(t->value[0] == 0.5 && t->cover[0] == 8.0);
    tree_free(t);
}

TEST(test_class_weight_and_sample_weight)
{
    /* balanced: w0 = 4 / (2 * 1) = 2, w1 = 4 / (2 * 3) = 2/3, so the root
     * holds weight 2 + 3 * 2/3 = 4 with half of it positive. */
    double X[] = {1, 2, 3, 4};
    int y[] = {0, 1, 1, 1};
    struct cart_params par;
    cart_params_default(&par);
    par.class_weight_balanced = 1;
    struct tree *t;
    assert_int_equal(cart_fit(X, y, NULL, 4, 1, &par, &t, NULL), 0);
    assert_true(fabs(t->cover[0] - 4.0) < 1e-15);
    assert_true(fabs(t->value[0] - 0.5) < 1e-15);
    assert_int_equal(t->n_nodes, 3);
    assert_true(t->threshold[0] == 1.5);
    tree_free(t);

    /* Sample weights multiply in; a zero-weight row takes no part (here it
     * would otherwise force a split at 2.5). */
    double X3[] = {1, 2, 3};
    int y3[] = {0, 0, 1};
    double w3[] = {3, 1, 0};
    par.class_weight_balanced = 0;
    assert_int_equal(cart_fit(X3, y3, w3, 3, 1, &par, &t, NULL), 0);
    assert_int_equal(t->n_nodes, 1);
    assert_true(t->cover[0] == 4.0 && t->value[0] == 0.0);
    tree_free(t);
    w3[2] = 0.5;
    assert_int_equal(cart_fit(X3, y3, w3, 3, 1, &par, &t, NULL), 0);
    assert_int_equal(t->n_nodes, 3);
    assert_true(t->cover[0] == 4.5 && t->value[0] == 0.5 / 4.5);
    assert_true(t->threshold[0] == 2.5);
    tree_free(t);
}

TEST(test_entropy_hand)
{
    /* x = 1 2 3 4 5 6, y = 0 0 1 0 1 1. Entropy (bits) of the candidates,
     * weighted by child size: 1.5 -> 5 * H(2/5) = 4.85475; 2.5 -> 4 * H(1/4)
     * = 3.24511; 3.5 -> 3 H(1/3) * 2 = 5.50978; 4.5 -> 3.24511; 5.5 ->
     * 4.85475. 2.5 and 4.5 tie; the first (lower) threshold wins. */
    double X[] = {1, 2, 3, 4, 5, 6};
    int y[] = {0, 0, 1, 0, 1, 1};
    struct cart_params par;
    cart_params_default(&par);
    par.criterion = CART_ENTROPY;
    par.max_depth = 1;
    struct tree *t;
    assert_int_equal(cart_fit(X, y, NULL, 6, 1, &par, &t, NULL), 0);
    assert_true(t->threshold[0] == 2.5);
    assert_true(t->value[1] == 0.0 && t->value[2] == 0.75);
    tree_free(t);
}

TEST(test_max_features)
{
    struct cart_params par;
    cart_params_default(&par);
    struct err e = {0};
    assert_int_equal(cart_max_features_parse("sqrt", &par, &e), 0);
    assert_int_equal(par.max_features, CART_MF_SQRT);
    assert_int_equal(cart_max_features_parse("log2", &par, &e), 0);
    assert_int_equal(par.max_features, CART_MF_LOG2);
    assert_int_equal(cart_max_features_parse("3", &par, &e), 0);
    assert_true(par.max_features == CART_MF_INT && par.max_features_n == 3);
    assert_int_equal(cart_max_features_parse("0.5", &par, &e), 0);
    assert_true(par.max_features == CART_MF_FRACTION && par.max_features_frac == 0.5);
    assert_int_equal(cart_max_features_parse("none", &par, &e), 0);
    assert_int_equal(par.max_features, CART_MF_ALL);
    assert_int_equal(cart_max_features_parse("1.5", &par, &e), ERR_PARAMS);
    assert_int_equal(cart_max_features_parse("0", &par, &e), ERR_PARAMS);
    assert_int_equal(cart_max_features_parse("half", &par, &e), ERR_PARAMS);

    /* One feature per node: feature 1 is pure noise (constant), feature 0
     * separates. With max_features 1 the constant feature counts as drawn
     * but drawing goes on until a non-constant one is found, so the tree is
     * still the perfect one for every seed. */
    double X[] = {1, 7, 2, 7, 3, 7, 4, 7};
    int y[] = {0, 0, 1, 1};
    cart_params_default(&par);
    par.max_features = CART_MF_INT;
    par.max_features_n = 1;
    for (unsigned long seed = 0; seed < 20; seed++) {
        struct tree *t;
        par.seed = seed;
        assert_int_equal(cart_fit(X, y, NULL, 4, 2, &par, &t, NULL), 0);
        assert_int_equal(t->n_nodes, 3);
        assert_int_equal(t->feature[0], 0);
        tree_free(t);
    }
}

TEST(test_errors)
{
    double X[] = {1, 2, NAN, 4};
    int y[] = {0, 1, 0, 2};
    struct cart_params par;
    cart_params_default(&par);
    struct tree *t = (struct tree *)1;
    struct err e = {0};
    assert_int_equal(cart_fit(X, y, NULL, 2, 1, &par, &t, &e), 0);
    tree_free(t);
    assert_int_equal(cart_fit(X, y, NULL, 3, 1, &par, &t, &e), ERR_DATA);
    assert_null(t);
    assert_non_null(strstr(e.msg, "row 2"));
    int y2[] = {0, 1, 0, 2};
    double X2[] = {1, 2, 3, 4};
    assert_int_equal(cart_fit(X2, y2, NULL, 4, 1, &par, &t, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "label"));
    double w[] = {1, -1};
    assert_int_equal(cart_fit(X2, y2, w, 2, 1, &par, &t, &e), ERR_DATA);
    double w0[] = {0, 0};
    assert_int_equal(cart_fit(X2, y2, w0, 2, 1, &par, &t, &e), ERR_DATA);
    par.min_samples_split = 1;
    assert_int_equal(cart_fit(X2, y2, NULL, 2, 1, &par, &t, &e), ERR_PARAMS);
    cart_params_default(&par);
    par.max_features = CART_MF_INT;
    par.max_features_n = 2;
    assert_int_equal(cart_fit(X2, y2, NULL, 2, 1, &par, &t, &e), ERR_PARAMS);
}

/* ---- save / load -------------------------------------------------------- */

static void tmp_path(char *buf, size_t n, const char *tag)
{
    snprintf(buf, n, "/tmp/test_cart_%ld_%s", (long)getpid(), tag);
}

TEST(test_load_errors)
{
    char path[256];
    tmp_path(path, sizeof path, "bad.tree");
    const char *bad[] = {
        "tree 2\nn_nodes 1\nn_features 1\n-1 -1 -1 0 0.5 1\n",
        "tree 1\nn_nodes 1\nn_features 1\n-1 -1 -1 0 x 1\n",
        "tree 1\nn_nodes 3\nn_features 1\n1 2 0 0.5 0.5 2\n-1 -1 -1 0 0 1\n",
        "tree 1\nn_nodes 3\nn_features 1\n1 2 3 0.5 0.5 2\n-1 -1 -1 0 0 1\n-1 -1 -1 0 1 1\n",
        "tree 1\nn_nodes 3\nn_features 1\n1 1 0 0.5 0.5 2\n-1 -1 -1 0 0 1\n-1 -1 -1 0 1 1\n",
        "tree 1\nn_nodes 1\nn_features 1\n-1 -1 -1 0 0.5 1 7\n",
    };
    const char *where[] = {":1:6:", ":4:12:", ":6:1:", "feature", "distinct", ":4:18:"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        FILE *fp = fopen(path, "w");
        fputs(bad[i], fp);
        fclose(fp);
        struct tree *t;
        struct err e = {0};
        assert_int_equal(tree_load(path, &t, &e), ERR_DATA);
        assert_null(t);
        if (!strstr(e.msg, where[i]))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg, where[i]);
    }
    unlink(path);
    struct tree *t;
    struct err e = {0};
    assert_int_equal(tree_load("/nonexistent/x.tree", &t, &e), ERR_IO);
}

/* ---- known answers from scikit-learn ------------------------------------ */

struct fixture {
    struct tsv *train, *test, *conf, *trees, *pred;
    double *X, *w, *Xt;
    int *y;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->train = tsv_read(FIX "cart_train.tsv");
    f->test = tsv_read(FIX "cart_test.tsv");
    f->conf = tsv_read(FIX "cart_configs.tsv");
    f->trees = tsv_read(FIX "cart_trees.tsv");
    f->pred = tsv_read(FIX "cart_pred.tsv");
    size_t n = f->train->nrows, m = f->test->nrows;
    f->X = malloc(n * 8 * sizeof *f->X);
    f->w = malloc(n * sizeof *f->w);
    f->y = malloc(n * sizeof *f->y);
    f->Xt = malloc(m * 8 * sizeof *f->Xt);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < 8; j++)
            f->X[i * 8 + j] = tsv_at(f->train, i, j);
        f->y[i] = atoi(tsv_cell(f->train, i, 8));
        f->w[i] = tsv_at(f->train, i, 9);
    }
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < 8; j++)
            f->Xt[i * 8 + j] = tsv_at(f->test, i, j);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    tsv_free(f->train);
    tsv_free(f->test);
    tsv_free(f->conf);
    tsv_free(f->trees);
    tsv_free(f->pred);
    free(f->X);
    free(f->w);
    free(f->y);
    free(f->Xt);
    free(f);
    return 0;
}

static struct tree *fit_config(const struct fixture *f, size_t c, unsigned long seed)
{
    struct cart_params par;
    cart_params_default(&par);
    par.criterion = strcmp(tsv_cell(f->conf, c, 1), "entropy") ? CART_GINI : CART_ENTROPY;
    par.max_depth = (size_t)atoi(tsv_cell(f->conf, c, 2));
    par.min_samples_split = (size_t)atoi(tsv_cell(f->conf, c, 3));
    par.min_samples_leaf = (size_t)atoi(tsv_cell(f->conf, c, 4));
    par.class_weight_balanced = atoi(tsv_cell(f->conf, c, 5));
    par.seed = seed;
    const double *w = atoi(tsv_cell(f->conf, c, 6)) ? f->w : NULL;
    struct tree *t;
    struct err e = {0};
    if (cart_fit(f->X, f->y, w, f->train->nrows, 8, &par, &t, &e))
        fail_msg("%s", e.msg);
    return t;
}

static void test_sklearn_trees(void **state)
{
    struct fixture *f = *state;
    size_t row = 0, prow = 0, m = f->test->nrows;
    double *out = malloc(m * sizeof *out);
    assert_true(f->conf->nrows >= 10);
    for (size_t c = 0; c < f->conf->nrows; c++) {
        const char *name = tsv_cell(f->conf, c, 0);
        struct tree *t = fit_config(f, c, 0);
        size_t n_nodes = (size_t)atoi(tsv_cell(f->conf, c, 7));
        if (t->n_nodes != n_nodes)
            fail_msg("%s: %zu nodes, sklearn %zu", name, t->n_nodes, n_nodes);
        assert_int_equal(tree_depth(t), atoi(tsv_cell(f->conf, c, 8)));
        assert_int_equal(tree_n_leaves(t), atoi(tsv_cell(f->conf, c, 9)));
        for (size_t i = 0; i < n_nodes; i++, row++) {
            assert_string_equal(tsv_cell(f->trees, row, 0), name);
            assert_int_equal(t->left[i], atoi(tsv_cell(f->trees, row, 2)));
            assert_int_equal(t->right[i], atoi(tsv_cell(f->trees, row, 3)));
            assert_int_equal(t->feature[i], atoi(tsv_cell(f->trees, row, 4)));
            /* The data are float32 values, so the midpoints are exact. */
            if (t->threshold[i] != tsv_at(f->trees, row, 5))
                fail_msg("%s node %zu: threshold %.17g, sklearn %.17g", name, i, t->threshold[i],
                         tsv_at(f->trees, row, 5));
            assert_true(fabs(t->value[i] - tsv_at(f->trees, row, 6)) <= 1e-12);
            assert_true(fabs(t->cover[i] - tsv_at(f->trees, row, 7)) <= 1e-12 * t->cover[0]);
        }
        tree_predict_proba(t, f->Xt, m, out);
        for (size_t i = 0; i < m; i++, prow++) {
            assert_string_equal(tsv_cell(f->pred, prow, 0), name);
            assert_true(fabs(out[i] - tsv_at(f->pred, prow, 2)) <= 1e-12);
        }
        /* No tied splits in these configs: any seed gives the same tree. */
        struct tree *u = fit_config(f, c, 12345);
        assert_int_equal(u->n_nodes, t->n_nodes);
        assert_memory_equal(u->feature, t->feature, t->n_nodes * sizeof *t->feature);
        assert_memory_equal(u->threshold, t->threshold, t->n_nodes * sizeof *t->threshold);
        tree_free(u);
        tree_free(t);
    }
    assert_int_equal(row, f->trees->nrows);
    assert_int_equal(prow, f->pred->nrows);
    free(out);
}

static void test_full_tree_and_roundtrip(void **state)
{
    struct fixture *f = *state;
    size_t n = f->train->nrows, m = f->test->nrows;
    struct cart_params par;
    cart_params_default(&par);
    par.max_features = CART_MF_SQRT;
    par.seed = 42;
    struct tree *t, *u;
    struct err e = {0};
    assert_int_equal(cart_fit(f->X, f->y, NULL, n, 8, &par, &t, &e), 0);
    assert_int_equal(tree_check(t, &e), 0);
    /* Grown out, every leaf is pure unless its rows are identical. */
    double *out = malloc(n * sizeof *out), *o2 = malloc(m * sizeof *o2), *o3 = malloc(m * sizeof *o3);
    tree_predict_proba(t, f->X, n, out);
    for (size_t i = 0; i < n; i++) {
        size_t leaf = tree_apply(t, f->X + i * 8);
        if (t->value[leaf] != 0.0 && t->value[leaf] != 1.0) {
            /* Impure leaf: its rows must all be equal to this one. */
            for (size_t k = 0; k < n; k++)
                if (tree_apply(t, f->X + k * 8) == leaf)
                    assert_memory_equal(f->X + k * 8, f->X + i * 8, 8 * sizeof(double));
        } else {
            assert_true(out[i] == f->y[i]);
        }
    }
    /* Same seed, same tree. */
    assert_int_equal(cart_fit(f->X, f->y, NULL, n, 8, &par, &u, &e), 0);
    assert_int_equal(u->n_nodes, t->n_nodes);
    assert_memory_equal(u->threshold, t->threshold, t->n_nodes * sizeof *t->threshold);
    tree_free(u);

    char path[256];
    tmp_path(path, sizeof path, "full.tree");
    assert_int_equal(tree_save(t, path, &e), 0);
    assert_int_equal(tree_load(path, &u, &e), 0);
    unlink(path);
    assert_int_equal(u->n_nodes, t->n_nodes);
    assert_int_equal(u->n_features, 8);
    assert_memory_equal(u->left, t->left, t->n_nodes * sizeof(int));
    assert_memory_equal(u->right, t->right, t->n_nodes * sizeof(int));
    assert_memory_equal(u->feature, t->feature, t->n_nodes * sizeof(int));
    assert_memory_equal(u->threshold, t->threshold, t->n_nodes * sizeof(double));
    assert_memory_equal(u->value, t->value, t->n_nodes * sizeof(double));
    assert_memory_equal(u->cover, t->cover, t->n_nodes * sizeof(double));
    tree_predict_proba(t, f->Xt, m, o2);
    tree_predict_proba(u, f->Xt, m, o3);
    assert_memory_equal(o2, o3, m * sizeof *o2);
    tree_free(u);
    tree_free(t);
    free(out);
    free(o2);
    free(o3);
}

TEST_MAIN_NAMED("cart", NULL, NULL, cmocka_unit_test(test_four_points), cmocka_unit_test(test_min_samples_leaf),
          cmocka_unit_test(test_xor_is_a_leaf), cmocka_unit_test(test_depth_limit_and_split_limit),
          cmocka_unit_test(test_class_weight_and_sample_weight), cmocka_unit_test(test_entropy_hand),
          cmocka_unit_test(test_max_features), cmocka_unit_test(test_errors), cmocka_unit_test(test_load_errors),
          cmocka_unit_test_setup_teardown(test_sklearn_trees, setup, teardown),
          cmocka_unit_test_setup_teardown(test_full_tree_and_roundtrip, setup, teardown))
