/* lib/explain and lib/explain_fig: the explainer of each family on a small
 * table with every schema role (a one-hot feature of three categories, an
 * ordinal, numerics), additivity, the one-hot columns summed back to their
 * feature, KernelSHAP over the original features against brute-force Shapley
 * values, permutation importance, and the hand cases of the summaries. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_main.h"
#include <gsl/gsl_rng.h>

#include "explain/explain.h"
#include "out/explain_fig.h"
#include "models/logreg.h"
#include "stats/metrics.h"
#include "models/pipeline.h"

#define N 80

static const char *const cats[] = {"books", "food", "toys"};
static const char *const levels[] = {"low", "high"};

struct fixture {
    struct table *t;
    struct schema s;
    struct pipe_data *d;
    const char *nominal[1], *numeric[2];
    struct schema_ordinal ord;
};

/* id, y, cat (nominal), a, lvl (ordinal), b: y depends on a, the category and lvl. */
static struct fixture *fixture_make(void)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct err e = {0};
    size_t c;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    f->t = table_alloc();
    const char *names[] = {"id", "y", "cat", "a", "lvl", "b"};
    const enum col_type types[] = {COL_STR, COL_STR, COL_STR, COL_NUM, COL_STR, COL_NUM};
    for (int k = 0; k < 6; k++)
        assert_int_equal(table_add_column(f->t, names[k], types[k], &c, &e), 0);
    assert_int_equal(table_set_rows(f->t, N, &e), 0);
    for (size_t i = 0; i < N; i++) {
        char id[16];
        snprintf(id, sizeof id, "%zu", 1000 + i);
        size_t k = gsl_rng_uniform_int(r, 3), l = gsl_rng_uniform_int(r, 2);
        double a = gsl_rng_uniform(r) * 10, b = gsl_rng_uniform(r);
        double z = a - 5 + (k == 2 ? 2.0 : k == 0 ? -1.5 : 0) + (l ? 1.0 : 0) + 3 * (gsl_rng_uniform(r) - 0.5);
        table_set_str(f->t, 0, i, id, &e);
        table_set_str(f->t, 1, i, z > 0 ? "1" : "0", &e);
        table_set_str(f->t, 2, i, cats[k], &e);
        f->t->cols[3].num[i] = a;
        table_set_str(f->t, 4, i, levels[l], &e);
        f->t->cols[5].num[i] = b;
    }
    gsl_rng_free(r);
    f->nominal[0] = "cat";
    f->numeric[0] = "a";
    f->numeric[1] = "b";
    f->ord.column = "lvl";
    f->ord.levels = (const char **)levels;
    f->ord.n_levels = 2;
    f->s.id = "id";
    f->s.target = "y";
    f->s.positive = "1";
    f->s.negative = "0";
    f->s.nominal = f->nominal;
    f->s.n_nominal = 1;
    f->s.ordinal = &f->ord;
    f->s.n_ordinal = 1;
    f->s.numeric = f->numeric;
    f->s.n_numeric = 2;
    assert_int_equal(pipe_data_from_table(f->t, &f->s, 1, &f->d, &e), 0);
    return f;
}

static void fixture_free(struct fixture *f)
{
    pipe_data_free(f->d);
    table_free(f->t);
    free(f);
}

/* Fit `family` with drop_first = 0 on rows [0, 60), transform all N rows. */
static struct pipeline *fit(struct fixture *f, enum pipe_family fam, double **X)
{
    struct pipe_config c;
    struct err e = {0};
    struct pipeline *p = NULL;
    pipeline_config_default(&c, fam);
    c.drop_first = 0;
    if (fam == PIPE_KNN)
        c.knn.n_neighbors = 7;
    if (fam == PIPE_TREE)
        c.cart.max_depth = 4;
    if (fam == PIPE_XGB) {
        c.xgb.n_estimators = 30;
        c.xgb.early_stopping_rounds = 0;
    }
    assert_int_equal(pipeline_fit(f->d, NULL, 60, &c, 1, &p, &e), 0);
    size_t q = pipeline_nout(p);
    assert_int_equal(q, 6); /* 3 one-hot + a + lvl + b */
    *X = malloc(N * q * sizeof **X);
    assert_int_equal(pipeline_transform(p, f->d, NULL, N, *X, &e), 0);
    return p;
}

static double sum_row(const double *phi, size_t m)
{
    double s = 0;
    for (size_t j = 0; j < m; j++)
        s += phi[j];
    return s;
}

/* Linear: phi on the columns is w_j (x_j - mean over the training rows), by hand;
 * the category's value is the sum over its three one-hot columns; log-odds add up. */
TEST(test_linear_by_hand)
{
    struct fixture *f = fixture_make();
    double *X;
    struct pipeline *p = fit(f, PIPE_LOGREG, &X);
    struct explain_opts o = {.kind = EXPLAIN_AUTO};
    struct explain_result *r = NULL;
    struct err e = {0};
    assert_int_equal(explain_rows(p, X + 60 * 6, 20, X, 60, &o, &r, &e), 0);
    assert_int_equal(r->kind, EXPLAIN_LINEAR);
    assert_int_equal(r->space, EXPLAIN_LOGODDS);
    assert_int_equal(r->nfeat, 4);
    const struct logreg *lr = p->logreg;
    double mean[6] = {0}, base = lr->intercept;
    for (size_t i = 0; i < 60; i++)
        for (size_t j = 0; j < 6; j++)
            mean[j] += X[i * 6 + j] / 60;
    for (size_t j = 0; j < 6; j++)
        base += lr->coef[j] * mean[j];
    assert_true(fabs(r->base - base) < 1e-12);
    /* The features in table order: cat (columns 0-2), a (3), lvl (4), b (5). */
    for (size_t i = 0; i < 20; i++) {
        const double *x = X + (60 + i) * 6;
        double col[6], dec;
        for (size_t j = 0; j < 6; j++)
            col[j] = lr->coef[j] * (x[j] - mean[j]);
        assert_true(fabs(r->phi_cols[i * 6 + 1] - col[1]) < 1e-12);
        assert_true(fabs(r->phi[i * 4 + 0] - (col[0] + col[1] + col[2])) < 1e-12);
        assert_true(fabs(r->phi[i * 4 + 1] - col[3]) < 1e-12);
        assert_true(fabs(r->phi[i * 4 + 2] - col[4]) < 1e-12);
        assert_true(fabs(r->phi[i * 4 + 3] - col[5]) < 1e-12);
        logreg_decision(lr, x, 1, &dec);
        assert_true(fabs(r->output[i] - dec) < 1e-15);
        assert_true(fabs(r->base + sum_row(r->phi + i * 4, 4) - dec) < 1e-9);
    }
    assert_true(r->max_gap < 1e-9);
    explain_result_free(r);
    /* linear cannot explain a tree; tree_path cannot explain a logreg. */
    o.kind = EXPLAIN_TREE_PATH;
    assert_int_equal(explain_rows(p, X, 5, X, 60, &o, &r, &e), ERR_PARAMS);
    assert_null(r);
    assert_non_null(strstr(e.msg, "tree_path"));
    pipeline_free(p);
    free(X);
    fixture_free(f);
}

/* Brute-force Shapley values of one row over the 4 original features, the
 * value of a coalition being the mean output over the background rows with
 * the coalition's columns (by group) from x. */
static void brute_shapley(const struct pipeline *p, const double *x, const double *B, size_t nb, double *phi)
{
    const size_t *g = p->prep->out_feat;
    size_t M = 4, q = 6;
    double v[16], row[6], out;
    struct err e = {0};
    for (unsigned S = 0; S < 16; S++) {
        v[S] = 0;
        for (size_t b = 0; b < nb; b++) {
            for (size_t c = 0; c < q; c++)
                row[c] = (S >> g[c]) & 1 ? x[c] : B[b * q + c];
            assert_int_equal(explain_model_output(p, EXPLAIN_PROBABILITY, row, 1, &out, &e), 0);
            v[S] += out / (double)nb;
        }
    }
    double fact[5] = {1, 1, 2, 6, 24};
    for (size_t j = 0; j < M; j++) {
        phi[j] = 0;
        for (unsigned S = 0; S < 16; S++) {
            if ((S >> j) & 1)
                continue;
            int s = __builtin_popcount(S);
            phi[j] += fact[s] * fact[M - s - 1] / fact[M] * (v[S | (1u << j)] - v[S]);
        }
    }
}

/* KernelSHAP on KNN over the original features: with k >= the training rows
 * the background is the training rows themselves, and with a budget above
 * 2^4 - 2 every coalition is used, so the values are the exact Shapley values. */
TEST(test_kernel_exact_vs_brute)
{
    struct fixture *f = fixture_make();
    double *X;
    struct pipeline *p = fit(f, PIPE_KNN, &X);
    struct explain_opts o = {.kind = EXPLAIN_AUTO, .background_k = 1000, .budget = 100, .seed = 3, .threads = 2};
    struct explain_result *r = NULL;
    struct err e = {0};
    assert_int_equal(explain_rows(p, X + 60 * 6, 20, X, 60, &o, &r, &e), 0);
    assert_int_equal(r->kind, EXPLAIN_KERNEL);
    assert_int_equal(r->space, EXPLAIN_PROBABILITY);
    assert_null(r->phi_cols);
    assert_int_equal(r->nbackground, 60);
    for (size_t i = 0; i < 20; i++) {
        double phi[4];
        brute_shapley(p, X + (60 + i) * 6, X, 60, phi);
        for (size_t j = 0; j < 4; j++)
            assert_true(fabs(r->phi[i * 4 + j] - phi[j]) < 1e-9);
    }
    assert_true(r->max_gap < 1e-9);
    explain_result_free(r);
    pipeline_free(p);
    free(X);
    fixture_free(f);
}

/* Sampled KernelSHAP: the same values with 1 and 2 threads, and on a row
 * subset (row i is seeded by its position, so compare whole runs). */
TEST(test_kernel_threads)
{
    struct fixture *f = fixture_make();
    double *X;
    struct pipeline *p = fit(f, PIPE_KNN, &X);
    struct explain_opts o = {.kind = EXPLAIN_KERNEL, .background_k = 5, .budget = 8, .seed = 11, .threads = 1};
    struct explain_result *r1 = NULL, *r2 = NULL;
    struct err e = {0};
    assert_int_equal(explain_rows(p, X, N, X, 60, &o, &r1, &e), 0);
    o.threads = 2;
    assert_int_equal(explain_rows(p, X, N, X, 60, &o, &r2, &e), 0);
    assert_int_equal(r1->nbackground, 5);
    assert_memory_equal(r1->phi, r2->phi, N * 4 * sizeof *r1->phi);
    assert_true(r1->base == r2->base);
    /* KernelSHAP's constraint keeps the sum exact even when sampled. */
    assert_true(r1->max_gap < 1e-9);
    explain_result_free(r1);
    explain_result_free(r2);
    pipeline_free(p);
    free(X);
    fixture_free(f);
}

/* Trees: both TreeSHAP variants add up to the predicted probability. */
TEST(test_tree_additivity)
{
    struct fixture *f = fixture_make();
    double *X;
    struct pipeline *p = fit(f, PIPE_TREE, &X);
    struct err e = {0};
    for (int k = EXPLAIN_TREE_PATH; k <= EXPLAIN_TREE_INTERVENTIONAL; k++) {
        struct explain_opts o = {.kind = (enum explain_kind)k};
        struct explain_result *r = NULL;
        assert_int_equal(explain_rows(p, X, N, X, 60, &o, &r, &e), 0);
        assert_int_equal(r->space, EXPLAIN_PROBABILITY);
        assert_true(r->max_gap < 1e-9);
        double proba[N];
        assert_int_equal(pipeline_predict_proba(p, f->d, NULL, N, proba, &e), 0);
        for (size_t i = 0; i < N; i++) {
            assert_true(r->output[i] == proba[i]);
            double s = r->phi_cols[i * 6] + r->phi_cols[i * 6 + 1] + r->phi_cols[i * 6 + 2];
            assert_true(fabs(r->phi[i * 4] - s) < 1e-15);
        }
        explain_result_free(r);
    }
    pipeline_free(p);
    free(X);
    fixture_free(f);
}

/* xgb: XGBoost's TreeSHAP in log-odds, additive to float precision; under a
 * sigmoid calibration the same values times -a, adding up to the calibrated
 * log-odds; under an isotonic one auto falls back to KernelSHAP. */
TEST(test_xgb_treeshap)
{
    struct fixture *f = fixture_make();
    double *X;
    struct pipeline *p = fit(f, PIPE_XGB, &X);
    struct err e = {0};
    enum explain_kind k;
    assert_int_equal(explain_resolve(PIPE_XGB, EXPLAIN_AUTO, &k, &e), 0);
    assert_int_equal(k, EXPLAIN_TREE_XGB);
    assert_int_equal(explain_resolve(PIPE_XGB, EXPLAIN_TREE_PATH, &k, &e), ERR_PARAMS);
    assert_string_equal(e.msg, "explainer tree_path cannot explain a xgb model; expected tree_xgb or kernel (or auto)");
    assert_int_equal(explain_resolve(PIPE_TREE, EXPLAIN_TREE_XGB, &k, &e), ERR_PARAMS);
    struct explain_opts o = {.kind = EXPLAIN_AUTO, .background_k = 4, .budget = 64, .threads = 1};
    struct explain_result *r = NULL, *rc = NULL;
    assert_int_equal(explain_rows(p, X, N, X, 60, &o, &r, &e), 0);
    assert_int_equal(r->kind, EXPLAIN_TREE_XGB);
    assert_int_equal(r->space, EXPLAIN_LOGODDS);
    assert_true(r->max_gap < 1e-5);
    double proba[N];
    assert_int_equal(pipeline_predict_proba(p, f->d, NULL, N, proba, &e), 0);
    for (size_t i = 0; i < N; i++) {
        assert_true(fabs(r->output[i] - log(proba[i] / (1 - proba[i]))) < 1e-5);
        double s = r->phi_cols[i * 6] + r->phi_cols[i * 6 + 1] + r->phi_cols[i * 6 + 2];
        assert_true(fabs(r->phi[i * 4] - s) < 1e-15);
    }
    struct calib cal = {.method = CALIB_SIGMOID, .a = -1.5, .b = 0.25};
    p->calib = &cal;
    assert_int_equal(explain_rows(p, X, N, X, 60, &o, &rc, &e), 0);
    assert_int_equal(rc->kind, EXPLAIN_TREE_XGB);
    assert_true(rc->max_gap < 1e-5);
    assert_true(fabs(rc->base - (1.5 * r->base - 0.25)) < 1e-12);
    assert_int_equal(pipeline_predict_proba(p, f->d, NULL, N, proba, &e), 0);
    for (size_t i = 0; i < N; i++) {
        assert_true(fabs(rc->output[i] - log(proba[i] / (1 - proba[i]))) < 1e-9);
        for (size_t j = 0; j < 4; j++)
            assert_true(rc->phi[i * 4 + j] == 1.5 * r->phi[i * 4 + j]);
    }
    explain_result_free(rc);
    cal.method = CALIB_ISOTONIC;
    double xs[2] = {-5, 5}, ys[2] = {0.1, 0.9};
    cal.n = 2;
    cal.x = xs;
    cal.y = ys;
    assert_int_equal(explain_rows(p, X, N, X, 60, &o, &rc, &e), 0);
    assert_int_equal(rc->kind, EXPLAIN_KERNEL);
    explain_result_free(rc);
    p->calib = NULL;
    explain_result_free(r);
    pipeline_free(p);
    free(X);
    fixture_free(f);
}

/* Permutation: a depth-1 tree uses one feature; shuffling any other leaves
 * the scores, so their drop is exactly 0; the base AUC is the model's. */
TEST(test_permutation)
{
    struct fixture *f = fixture_make();
    struct pipe_config c;
    struct err e = {0};
    struct pipeline *p = NULL;
    pipeline_config_default(&c, PIPE_TREE);
    c.drop_first = 0;
    c.cart.max_depth = 1;
    assert_int_equal(pipeline_fit(f->d, NULL, 60, &c, 1, &p, &e), 0);
    double X[20 * 6], mean[4], std[4], auc, s[20];
    int y[20];
    size_t rows[20];
    for (size_t i = 0; i < 20; i++) {
        rows[i] = 60 + i;
        y[i] = f->d->y[60 + i];
    }
    assert_int_equal(pipeline_transform(p, f->d, rows, 20, X, &e), 0);
    assert_int_equal(explain_permutation(p, X, y, 20, 5, 42, &auc, mean, std, &e), 0);
    double want;
    assert_int_equal(pipeline_decision(p, f->d, rows, 20, s, &e), 0);
    assert_int_equal(metrics_roc_auc(y, s, 20, &want, &e), 0);
    assert_true(auc == want);
    int split_feat = (int)p->prep->out_feat[p->tree->feature[0]];
    assert_int_equal(split_feat, 1); /* a */
    for (int j = 0; j < 4; j++) {
        if (j == split_feat) {
            assert_true(mean[j] > 0.05);
            assert_true(std[j] > 0);
        } else {
            assert_true(mean[j] == 0 && std[j] == 0);
        }
    }
    /* Reproducible from the seed. */
    double mean2[4], std2[4];
    assert_int_equal(explain_permutation(p, X, y, 20, 5, 42, &auc, mean2, std2, &e), 0);
    assert_memory_equal(mean, mean2, sizeof mean);
    assert_int_equal(explain_permutation(p, X, y, 20, 0, 42, &auc, mean2, std2, &e), ERR_PARAMS);
    pipeline_free(p);
    fixture_free(f);
}

TEST(test_summaries)
{
    /* direction: + with a rising phi, - falling, 0 constant, NaN rows skipped. */
    double v[] = {1, 2, NAN, 4}, up[] = {0.1, 0.2, -9, 0.5}, down[] = {3, 2, 9, 1}, flat[] = {1, 1, 1, 1};
    assert_int_equal(explain_direction(v, up, 4, 1), 1);
    assert_int_equal(explain_direction(v, down, 4, 1), -1);
    assert_int_equal(explain_direction(v, flat, 4, 1), 0);
    double two[] = {1, 0, 2, 0, 3, 0, 5, 0}; /* stride 2: 1, 2, 3, 5 */
    assert_int_equal(explain_direction(v, two, 4, 2), 1);
    /* top positive: ties keep the lower index, non-positive never counts. */
    double phi[] = {0.2, -0.5, 0.7, 0.2, 0, 0.1};
    size_t idx[3];
    assert_int_equal(explain_top_positive(phi, 6, 3, idx), 3);
    assert_int_equal(idx[0], 2);
    assert_int_equal(idx[1], 0);
    assert_int_equal(idx[2], 3);
    double neg[] = {-1, 0.3, 0, -2};
    assert_int_equal(explain_top_positive(neg, 4, 3, idx), 1);
    assert_int_equal(idx[0], 1);
    /* rank by mean |phi|, ties by index. */
    double ma[] = {0.1, 0.3, 0.1, 0.2};
    size_t rank[4], order[4];
    explain_rank(ma, 4, rank, order);
    assert_int_equal(rank[0], 3);
    assert_int_equal(rank[1], 1);
    assert_int_equal(rank[2], 4);
    assert_int_equal(rank[3], 2);
    assert_int_equal(order[0], 1);
    assert_int_equal(order[3], 2);
}

TEST(test_fig_waterfall_bar)
{
    struct err e = {0};
    struct table *t = NULL;
    const char *labels[] = {"A", "B", "C", "D"};
    double phi[] = {0.1, -0.3, 0.05, 0.2};
    /* Two bars: B (|-0.3|) on top, D below, then A + C folded into "rest". */
    assert_int_equal(explain_fig_waterfall(phi, 4, 0.5, 2, labels, "rest", &t, &e), 0);
    assert_int_equal(t->nrows, 3);
    double want[3][4] = {{1, 0.5, 0.65, 0.15}, {2, 0.65, 0.85, 0.2}, {3, 0.85, 0.55, -0.3}};
    const char *lab[] = {"rest", "D", "B"};
    for (size_t i = 0; i < 3; i++) {
        for (size_t k = 0; k < 4; k++)
            assert_true(fabs(t->cols[k].num[i] - want[i][k]) < 1e-15);
        assert_string_equal(t->cols[4].str[i], lab[i]);
    }
    table_free(t);
    /* Every feature shown: no "rest" row. */
    assert_int_equal(explain_fig_waterfall(phi, 4, 0.5, 9, labels, "rest", &t, &e), 0);
    assert_int_equal(t->nrows, 4);
    assert_true(fabs(t->cols[2].num[3] - 0.55) < 1e-15);
    table_free(t);
    double ma[] = {0.1, 0.3, 0.2};
    size_t order[] = {1, 2, 0};
    assert_int_equal(explain_fig_bar(ma, order, 3, labels, &t, &e), 0);
    assert_true(t->cols[0].num[0] == 3 && t->cols[1].num[0] == 0.3);
    assert_string_equal(t->cols[2].str[0], "B");
    assert_true(t->cols[0].num[2] == 1 && t->cols[1].num[2] == 0.1);
    table_free(t);
}

TEST(test_fig_beeswarm)
{
    struct err e = {0};
    struct table *t = NULL;
    /* 3 rows x 2 features; feature 1 shown first; feature 0 has no order. */
    double phi[] = {0.1, -0.2, 0.1, 0.0, 0.3, 0.2};
    double val[] = {NAN, 10, NAN, 20, NAN, 30};
    size_t order[] = {1, 0};
    assert_int_equal(explain_fig_beeswarm(phi, val, 3, 2, order, 2, &t, &e), 0);
    assert_int_equal(t->nrows, 6);
    /* Band of feature 1 (rank 1) at y = 2 +- 0.4; colour 0..1 between the 5th and 95th percentiles. */
    for (size_t i = 0; i < 3; i++) {
        assert_true(t->cols[0].num[i] == 1);
        assert_true(fabs(t->cols[1].num[i] - 2) <= 0.4);
        assert_true(t->cols[2].num[i] == phi[i * 2 + 1]);
    }
    assert_true(t->cols[3].num[0] == 0);   /* 10 is below the 5th percentile (11) */
    assert_true(t->cols[3].num[2] == 1);   /* 30 is above the 95th (29) */
    assert_true(fabs(t->cols[3].num[1] - 0.5) < 1e-12);
    for (size_t i = 3; i < 6; i++) {
        assert_true(t->cols[0].num[i] == 2);
        assert_true(fabs(t->cols[1].num[i] - 1) <= 0.4);
        assert_true(isnan(t->cols[3].num[i]));
    }
    /* Rows 0 and 1 of feature 0 share phi 0.1: one sits on the line, the other off it. */
    assert_true(t->cols[1].num[3] != t->cols[1].num[4]);
    table_free(t);
}

TEST_MAIN_NAMED("explain", NULL, NULL, cmocka_unit_test(test_linear_by_hand),
                cmocka_unit_test(test_kernel_exact_vs_brute), cmocka_unit_test(test_kernel_threads),
                cmocka_unit_test(test_tree_additivity), cmocka_unit_test(test_xgb_treeshap),
                cmocka_unit_test(test_permutation), cmocka_unit_test(test_summaries),
                cmocka_unit_test(test_fig_waterfall_bar), cmocka_unit_test(test_fig_beeswarm))
