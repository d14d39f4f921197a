/* lib/knn: hand-computed neighbours and known answers from scikit-learn 1.2
 * (tests/oracle/knn_tree.py -> tests/oracle/fixtures/knn_*). */
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
#include <gsl/gsl_rng.h>

#include "models/knn.h"
#include "fixture.h"

static struct knn *fit(const double *X, const int *y, size_t n, size_t p, size_t k,
                       enum knn_weights w, int pw)
{
    struct knn_params par = {k, w, pw};
    struct knn *m;
    struct err e = {0};
    if (knn_fit(X, y, n, p, &par, &m, &e))
        fail_msg("%s", e.msg);
    return m;
}

static double proba1(const struct knn *m, double x0, double x1)
{
    double x[2] = {x0, x1}, out;
    assert_int_equal(knn_predict_proba(m, x, 1, &out, NULL), 0);
    return out;
}

TEST(test_four_points)
{
    /* 1-D: x = 0 1 3 6, y = 0 1 1 0; the query 2 is at 2 1 1 4. The 3
     * nearest are rows 1, 2 (y = 1) and 0 (y = 0): uniform 2/3; weights
     * 1/1 + 1/1 for y = 1 against 1/2 for y = 0: 2 / 2.5 = 0.8. */
    double X[] = {0, 1, 3, 6};
    int y[] = {0, 1, 1, 0};
    double q = 2, out;
    for (int pw = 1; pw <= 2; pw++) {
        struct knn *m = fit(X, y, 4, 1, 3, KNN_UNIFORM, pw);
        assert_int_equal(knn_predict_proba(m, &q, 1, &out, NULL), 0);
        assert_true(out == 2.0 / 3.0);
        knn_free(m);
        m = fit(X, y, 4, 1, 3, KNN_DISTANCE, pw);
        assert_int_equal(knn_predict_proba(m, &q, 1, &out, NULL), 0);
        assert_true(out == 0.8);
        size_t idx[3];
        double d[3];
        assert_int_equal(knn_kneighbors(m, &q, idx, d, NULL), 0);
        assert_true(idx[0] == 1 && idx[1] == 2 && idx[2] == 0);
        assert_true(d[0] == 1 && d[1] == 1 && d[2] == 2);
        knn_free(m);
    }
}

TEST(test_metric)
{
    /* From the origin, A = (1, 1) is at L1 2, L2 1.414; B = (1.8, 0) at 1.8
     * for both: the nearest is B for p = 1 and A for p = 2. */
    double X[] = {1, 1, 1.8, 0};
    int y[] = {0, 1};
    struct knn *m = fit(X, y, 2, 2, 1, KNN_UNIFORM, 1);
    assert_true(proba1(m, 0, 0) == 1.0);
    knn_free(m);
    m = fit(X, y, 2, 2, 1, KNN_UNIFORM, 2);
    assert_true(proba1(m, 0, 0) == 0.0);
    knn_free(m);
    /* Distance weights with k = 2, p = 2: 1/sqrt(2) for y = 0 and 1/1.8 for
     * y = 1. */
    m = fit(X, y, 2, 2, 2, KNN_DISTANCE, 2);
    double w0 = 1.0 / sqrt(2.0), w1 = 1.0 / 1.8;
    assert_true(fabs(proba1(m, 0, 0) - w1 / (w0 + w1)) < 1e-15);
    knn_free(m);
}

TEST(test_zero_distance)
{
    /* The query 0 coincides with rows 0 (y = 1) and 1 (y = 0): with
     * distance weights only those two vote, 1/2; uniform gives 2/3. */
    double X[] = {0, 0, 1, 2};
    int y[] = {1, 0, 1, 1};
    double q = 0, out;
    struct knn *m = fit(X, y, 4, 1, 3, KNN_DISTANCE, 2);
    assert_int_equal(knn_predict_proba(m, &q, 1, &out, NULL), 0);
    assert_true(out == 0.5);
    knn_free(m);
    m = fit(X, y, 4, 1, 3, KNN_UNIFORM, 2);
    assert_int_equal(knn_predict_proba(m, &q, 1, &out, NULL), 0);
    assert_true(out == 2.0 / 3.0);
    knn_free(m);
    /* One coincident row among 3: its label alone. */
    m = fit(X + 1, y + 1, 3, 1, 3, KNN_DISTANCE, 1);
    assert_int_equal(knn_predict_proba(m, &q, 1, &out, NULL), 0);
    assert_true(out == 0.0);
    knn_free(m);
}

TEST(test_ties)
{
    /* Three rows at distance 1 from 0: the earliest rows win. */
    double X[] = {-1, 1, 1, 5};
    int y[] = {0, 1, 0, 1};
    double q = 0, out, d[2];
    size_t idx[2];
    struct knn *m = fit(X, y, 4, 1, 1, KNN_UNIFORM, 2);
    assert_int_equal(knn_predict_proba(m, &q, 1, &out, NULL), 0);
    assert_true(out == 0.0);
    knn_free(m);
    m = fit(X, y, 4, 1, 2, KNN_UNIFORM, 1);
    assert_int_equal(knn_kneighbors(m, &q, idx, d, NULL), 0);
    assert_true(idx[0] == 0 && idx[1] == 1);
    assert_int_equal(knn_predict_proba(m, &q, 1, &out, NULL), 0);
    assert_true(out == 0.5);
    knn_free(m);
}

/* The heap against a full sort by (distance, row) on integer data full of
 * ties, for several k. */
struct cand {
    double d;
    size_t i;
};

static int cand_cmp(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->d != y->d)
        return x->d < y->d ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

TEST(test_heap_vs_sort)
{
    enum { N = 200, P = 3, Q = 50 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1);
    double *X = malloc(N * P * sizeof *X), q[P];
    int *y = malloc(N * sizeof *y);
    for (size_t i = 0; i < N * P; i++)
        X[i] = (double)gsl_rng_uniform_int(r, 5);
    for (size_t i = 0; i < N; i++)
        y[i] = (int)gsl_rng_uniform_int(r, 2);
    struct cand all[N];
    size_t ks[] = {1, 2, 7, 31, N};
    for (size_t t = 0; t < sizeof ks / sizeof *ks; t++) {
        for (int pw = 1; pw <= 2; pw++) {
            struct knn *m = fit(X, y, N, P, ks[t], KNN_UNIFORM, pw);
            size_t *idx = malloc(ks[t] * sizeof *idx);
            double *d = malloc(ks[t] * sizeof *d);
            for (int s = 0; s < Q; s++) {
                for (size_t j = 0; j < P; j++)
                    q[j] = (double)gsl_rng_uniform_int(r, 5);
                for (size_t i = 0; i < N; i++) {
                    double a = 0;
                    for (size_t j = 0; j < P; j++)
                        a += pw == 1 ? fabs(q[j] - X[i * P + j])
                                     : (q[j] - X[i * P + j]) * (q[j] - X[i * P + j]);
                    all[i] = (struct cand){pw == 1 ? a : sqrt(a), i};
                }
                qsort(all, N, sizeof *all, cand_cmp);
                assert_int_equal(knn_kneighbors(m, q, idx, d, NULL), 0);
                double ones = 0;
                for (size_t j = 0; j < ks[t]; j++) {
                    assert_int_equal(idx[j], all[j].i);
                    assert_true(d[j] == all[j].d);
                    ones += y[all[j].i];
                }
                double out;
                assert_int_equal(knn_predict_proba(m, q, 1, &out, NULL), 0);
                assert_true(out == ones / (double)ks[t]);
            }
            free(idx);
            free(d);
            knn_free(m);
        }
    }
    free(X);
    free(y);
    gsl_rng_free(r);
}

TEST(test_errors)
{
    double X[] = {0, 1, NAN};
    int y[] = {0, 1, 3};
    struct knn_params par = {3, KNN_UNIFORM, 2};
    struct knn *m = (struct knn *)1;
    struct err e = {0};
    assert_int_equal(knn_fit(X, y, 2, 1, &par, &m, &e), ERR_PARAMS);
    assert_null(m);
    assert_non_null(strstr(e.msg, "n_neighbors"));
    par.n_neighbors = 0;
    assert_int_equal(knn_fit(X, y, 2, 1, &par, &m, &e), ERR_PARAMS);
    par.n_neighbors = 1;
    par.p = 3;
    assert_int_equal(knn_fit(X, y, 2, 1, &par, &m, &e), ERR_PARAMS);
    par.p = 1;
    assert_int_equal(knn_fit(X, y, 3, 1, &par, &m, &e), ERR_DATA);
    int y2[] = {0, 1, 3};
    double X2[] = {0, 1, 2};
    assert_int_equal(knn_fit(X2, y2, 3, 1, &par, &m, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "label"));
    enum knn_weights w;
    assert_int_equal(knn_weights_parse("distance", &w, &e), 0);
    assert_int_equal(w, KNN_DISTANCE);
    assert_int_equal(knn_weights_parse("uniform", &w, &e), 0);
    assert_int_equal(w, KNN_UNIFORM);
    assert_int_equal(knn_weights_parse("gaussian", &w, &e), ERR_PARAMS);
    assert_int_equal(knn_fit(X2, y2, 2, 1, &par, &m, &e), 0);
    double q = NAN, out;
    assert_int_equal(knn_predict_proba(m, &q, 1, &out, &e), ERR_DATA);
    knn_free(m);
}

static void tmp_path(char *buf, size_t n, const char *tag)
{
    snprintf(buf, n, "/tmp/test_knn_%ld_%s", (long)getpid(), tag);
}

TEST(test_load_errors)
{
    char path[256];
    tmp_path(path, sizeof path, "bad.knn");
    const char *head = "knn 1\nn_neighbors 1\nweights uniform\np 2\nn 2\nn_features 2\n";
    const char *bad[] = {
        "knn 2\n",
        "knn 1\nn_neighbors 1\nweights gauss\n",
        "knn 1\nn_neighbors 1\nweights uniform\np 3\n",
        "knn 1\nn_neighbors 3\nweights uniform\np 2\nn 2\nn_features 1\n0 1\n1 2\n",
        NULL, NULL, NULL,
    };
    char buf[3][256];
    snprintf(buf[0], sizeof buf[0], "%s0 1 2\n2 1 2\n", head);
    snprintf(buf[1], sizeof buf[1], "%s0 1 2\n1 1 x\n", head);
    snprintf(buf[2], sizeof buf[2], "%s0 1 2\n1 1\n", head);
    bad[4] = buf[0];
    bad[5] = buf[1];
    bad[6] = buf[2];
    const char *where[] = {":1:5:", ":3:9:", ":4:3:", "n_neighbors", ":8:1:", ":8:5:", ":8:4:"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        FILE *fp = fopen(path, "w");
        fputs(bad[i], fp);
        fclose(fp);
        struct knn *m;
        struct err e = {0};
        assert_int_equal(knn_load(path, &m, &e), ERR_DATA);
        assert_null(m);
        if (!strstr(e.msg, where[i]))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg, where[i]);
    }
    unlink(path);
    struct knn *m;
    struct err e = {0};
    assert_int_equal(knn_load("/nonexistent/x.knn", &m, &e), ERR_IO);
}

/* ---- known answers from scikit-learn ------------------------------------ */

TEST(test_sklearn)
{
    struct tsv *tr = tsv_read(FIX "knn_train.tsv"), *qs = tsv_read(FIX "knn_query.tsv"),
               *pr = tsv_read(FIX "knn_proba.tsv");
    size_t n = tr->nrows, nq = qs->nrows, p = 8;
    double *X = malloc(n * p * sizeof *X), *Q = malloc(nq * p * sizeof *Q);
    double *out = malloc((nq > n ? nq : n) * sizeof *out), *o2 = malloc(nq * sizeof *o2);
    int *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < p; j++)
            X[i * p + j] = tsv_at(tr, i, j);
        y[i] = atoi(tsv_cell(tr, i, p));
    }
    for (size_t i = 0; i < nq; i++)
        for (size_t j = 0; j < p; j++)
            Q[i * p + j] = tsv_at(qs, i, j);

    size_t row = 0, n_configs = 0, n_zero = 0;
    while (row < pr->nrows) {
        const char *name = tsv_cell(pr, row, 0);
        size_t k;
        char w[16];
        int pw, zero = !strncmp(name, "zero_", 5);
        if (zero) {
            assert_int_equal(sscanf(name, "zero_k%zu_p%d", &k, &pw), 2);
            strcpy(w, "distance");
        } else {
            assert_int_equal(sscanf(name, "k%zu_%15[a-z]_p%d", &k, w, &pw), 3);
        }
        struct knn *m = fit(X, y, n, p, k, strcmp(w, "distance") ? KNN_UNIFORM : KNN_DISTANCE, pw);
        const double *queries = zero ? X : Q;
        assert_int_equal(knn_predict_proba(m, queries, zero ? n : nq, out, NULL), 0);
        for (; row < pr->nrows && !strcmp(tsv_cell(pr, row, 0), name); row++) {
            size_t i = (size_t)atoi(tsv_cell(pr, row, 1));
            if (fabs(out[i] - tsv_at(pr, row, 2)) > 1e-12)
                fail_msg("%s query %zu: %.17g, sklearn %.17g", name, i, out[i], tsv_at(pr, row, 2));
            n_zero += zero;
        }
        if (!zero) {
            /* Save and reload: bit-identical predictions. */
            char path[256];
            struct err e = {0};
            struct knn *u;
            tmp_path(path, sizeof path, "model.knn");
            assert_int_equal(knn_save(m, path, &e), 0);
            assert_int_equal(knn_load(path, &u, &e), 0);
            unlink(path);
            assert_int_equal(knn_predict_proba(u, Q, nq, o2, NULL), 0);
            assert_memory_equal(out, o2, nq * sizeof *out);
            assert_memory_equal(u->X, m->X, n * p * sizeof *X);
            assert_true(u->par.n_neighbors == k && u->par.p == pw &&
                        u->par.weights == m->par.weights);
            knn_free(u);
        }
        knn_free(m);
        n_configs++;
    }
    assert_int_equal(n_configs, 10);
    assert_int_equal(n_zero, 40);
    free(X);
    free(Q);
    free(out);
    free(o2);
    free(y);
    tsv_free(tr);
    tsv_free(qs);
    tsv_free(pr);
}

/* knn_mix against knn_predict_proba on the mixed rows built by hand, for
 * every coalition of 4 groups (one of them a 3-column one-hot block) and 3
 * background rows. Continuous data: the same neighbours, so uniform weights
 * give the same bits and distance weights agree to rounding. Integer data
 * (half the distances tie): the tie rule survives the reordered visit and
 * the regrouped sums, which are exact on small integers. */
static void check_mix(int integer, size_t k, enum knn_weights w, int pw)
{
    enum { N = 150, P = 7, G = 4, NB = 3 };
    static const size_t group[P] = {0, 1, 1, 1, 2, 3, 3};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11 + k + 2 * (size_t)pw + 4 * (size_t)w + 8 * (size_t)integer);
    double X[N * P], B[NB * P], q[P], z[P];
    int y[N];
    for (size_t i = 0; i < N + NB + 1; i++) {
        double *row = i < N ? X + i * P : i < N + NB ? B + (i - N) * P : q;
        size_t hot = gsl_rng_uniform_int(r, 3);
        for (size_t j = 0; j < P; j++)
            row[j] = group[j] == 1 ? (double)(j - 1 == hot)
                     : integer     ? (double)gsl_rng_uniform_int(r, 4)
                                   : gsl_rng_uniform(r) * 3.0 - 1.0;
        if (i < N)
            y[i] = gsl_rng_uniform(r) < 0.4;
    }
    struct knn *m = fit(X, y, N, P, k, w, pw);
    struct knn_mix *mx;
    struct err e = {0};
    assert_int_equal(knn_mix_new(m, B, NB, group, G, &mx, &e), 0);
    assert_int_equal(knn_mix_row(mx, q, &e), 0);
    for (unsigned s = 0; s < 1u << G; s++) {
        unsigned char take[G];
        for (size_t g = 0; g < G; g++)
            take[g] = (s >> g) & 1;
        double got[NB], want;
        knn_mix_proba(mx, take, got);
        for (size_t b = 0; b < NB; b++) {
            for (size_t j = 0; j < P; j++)
                z[j] = take[group[j]] ? q[j] : B[b * P + j];
            assert_int_equal(knn_predict_proba(m, z, 1, &want, &e), 0);
            if (w == KNN_UNIFORM || integer)
                assert_true(got[b] == want);
            else
                assert_true(fabs(got[b] - want) < 1e-14);
        }
    }
    knn_mix_free(mx);
    knn_free(m);
    gsl_rng_free(r);
}

TEST(test_mix)
{
    for (int integer = 0; integer < 2; integer++)
        for (int pw = 1; pw <= 2; pw++) {
            check_mix(integer, 1, KNN_UNIFORM, pw);
            check_mix(integer, 7, KNN_UNIFORM, pw);
            check_mix(integer, 7, KNN_DISTANCE, pw);
            check_mix(integer, 150, KNN_DISTANCE, pw);
        }
}

/* A mixed row equal to a training row: with distance weights only the rows
 * at distance 0 vote, as in knn_predict_proba. */
TEST(test_mix_zero_distance)
{
    const double X[] = {0, 0, 1, 1, 2, 2, 3, 3};
    const int y[] = {1, 0, 0, 0};
    const size_t group[] = {0, 1};
    const double B[] = {5, 0}, q[] = {0, 9};
    struct knn *m = fit(X, y, 4, 2, 3, KNN_DISTANCE, 2);
    struct knn_mix *mx;
    struct err e = {0};
    assert_int_equal(knn_mix_new(m, B, 1, group, 2, &mx, &e), 0);
    assert_int_equal(knn_mix_row(mx, q, &e), 0);
    /* x from q, y from B: (0, 0), training row 0, labelled 1. */
    const unsigned char take[] = {1, 0};
    double got;
    knn_mix_proba(mx, take, &got);
    assert_true(got == 1.0);
    knn_mix_free(mx);
    knn_free(m);
}

TEST(test_mix_errors)
{
    const double X[] = {0, 0, 1, 1};
    const int y[] = {1, 0};
    const size_t bad[] = {0, 2}, good[] = {0, 1};
    const double B[] = {0, NAN}, q[] = {INFINITY, 0}, ok[] = {0, 0};
    struct knn *m = fit(X, y, 2, 2, 1, KNN_UNIFORM, 2);
    struct knn_mix *mx = NULL;
    struct err e = {0};
    assert_int_equal(knn_mix_new(m, ok, 1, bad, 2, &mx, &e), ERR_PARAMS);
    assert_non_null(strstr(e.msg, "column 1"));
    assert_int_equal(knn_mix_new(m, ok, 0, good, 2, &mx, &e), ERR_PARAMS);
    assert_int_equal(knn_mix_new(m, B, 1, good, 2, &mx, &e), ERR_DATA);
    assert_null(mx);
    assert_int_equal(knn_mix_new(m, ok, 1, good, 2, &mx, &e), 0);
    assert_int_equal(knn_mix_row(mx, q, &e), ERR_DATA);
    assert_true(knn_mix_bytes(m, 1, 2) < 1024);
    assert_int_equal(knn_mix_bytes(m, SIZE_MAX / 4, 2), SIZE_MAX);
    knn_mix_free(mx);
    knn_mix_free(NULL);
    knn_free(m);
}

TEST_MAIN_NAMED("knn", NULL, NULL, cmocka_unit_test(test_four_points), cmocka_unit_test(test_metric),
          cmocka_unit_test(test_zero_distance), cmocka_unit_test(test_ties), cmocka_unit_test(test_heap_vs_sort),
          cmocka_unit_test(test_errors), cmocka_unit_test(test_load_errors), cmocka_unit_test(test_sklearn),
          cmocka_unit_test(test_mix), cmocka_unit_test(test_mix_zero_distance), cmocka_unit_test(test_mix_errors))
